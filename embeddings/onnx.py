"""The default on-device embedder: int8 ONNX MiniLM run with onnxruntime and tokenizers.

Imports only onnxruntime, tokenizers and numpy, never torch. Build the model first with
``assistant-sdk build-model`` (or ``embeddings.build.build_model``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant_sdk.errors import ModelNotBuiltError

from .base import Vectors

__all__ = ["OnnxEmbedder"]


class OnnxEmbedder:
    """Sentence embeddings from an exported model folder (``model.onnx`` + ``tokenizer.json``).

    Args:
        model_dir: A folder written by ``embeddings.build``.
        threads: onnxruntime intra-op threads for queries; by default the count the build
            measured fastest on this machine (``meta.json``), else one. Document batches use
            ``batch_threads`` when given.
        max_tokens: Longer inputs are truncated, never rejected.
        batch_size: Documents per inference call (length-sorted, so padding stays small).
    """

    def __init__(
        self,
        model_dir: Path,
        *,
        threads: int | None = None,
        batch_threads: int | None = None,
        max_tokens: int = 128,
        batch_size: int = 32,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = model_dir / "model.onnx"
        if not model.exists():
            raise ModelNotBuiltError(
                f"No exported model in {model_dir}: "
                "run `assistant-sdk build-model` (or `make model`)"
            )
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        self._fingerprint = str(meta["fingerprint"])
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest
        self._query = self._session(ort, model, threads or int(meta.get("threads", 1)))
        self._batch = self._session(ort, model, batch_threads) if batch_threads else self._query
        self._inputs = {i.name for i in self._query.get_inputs()}
        self._dim = int(self._query.get_outputs()[0].shape[-1])
        self.batch_size = batch_size
        self.model_dir = model_dir

    @staticmethod
    def _session(ort: Any, model: Path, threads: int) -> Any:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])

    @classmethod
    def from_cache(cls, cache_dir: Path, **options: Any) -> OnnxEmbedder:
        """The default model from the cache; ``ModelNotBuiltError`` says how to build it."""
        from .build import default_model_dir

        found = default_model_dir(cache_dir)
        if found is None:
            raise ModelNotBuiltError(
                f"The embedding model is not built in {cache_dir}: run "
                "`assistant-sdk build-model` (or `make model`) once"
            )
        return cls(found, **options)

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        if len(texts) == 1:
            return self._run(self._query, list(texts))
        return self.embed_documents(texts)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            out[chunk] = self._run(self._batch, [texts[i] for i in chunk])
        return out

    def _run(self, session: Any, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(texts)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (vectors,) = session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})
        return np.asarray(vectors, dtype=np.float32)
