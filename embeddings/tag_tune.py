"""Fine-tune the on-device encoder for reading arguments, once, at ``adapt`` time.

A frozen encoder trained for sentence similarity keeps only some of what a span tagger needs
(where a name ends, which word is the unit of a duration). Here the encoder and a token
classification head (softmax over BIO tags per word piece, on the middle layer the reader
tags, so the layers above it are neither run backwards nor changed) are trained together on
labelled spans for a short, bounded budget (a subset of the rows, a few epochs, short
sequences), and the encoder alone is exported and quantised like the base one, into a cache
folder keyed by the base model, the data and the config. The head is dropped: the reader's
own tagger is then trained on the tuned encoder's states as usual, so run time stays numpy
and onnxruntime.

Needs the ``build`` extra (torch, transformers); nothing here runs at request time.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["TagTuneConfig", "tune_for_tagging"]

Spans = Sequence[tuple[str, int, int]]
"""``(label, start, end)`` character spans of one text."""


@dataclass(frozen=True, slots=True)
class TagTuneConfig:
    epochs: int = 2
    learning_rate: float = 8e-5
    batch_size: int = 32
    max_rows: int = 1500
    """Rows trained on (a seeded sample when there are more): the time budget."""
    max_tokens: int = 40
    min_steps: int = 60
    """Small sets are passed over more often, so K rows get as many updates as this."""
    seed: int = 0


def _fingerprint(
    base: str, texts: Sequence[str], spans: Sequence[Spans], cfg: TagTuneConfig
) -> str:
    digest = hashlib.sha256(f"tagging\n{base}\n".encode())
    digest.update(json.dumps(asdict(cfg), sort_keys=True).encode())
    for text, found in zip(texts, spans, strict=True):
        digest.update(f"{text}\t{sorted(found)}\n".encode())
    return digest.hexdigest()[:16]


def tune_for_tagging(
    texts: Sequence[str],
    spans: Sequence[Spans],
    cache_dir: Path,
    *,
    config: TagTuneConfig | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> Path:
    """Fine-tune the packaged model to tag ``spans`` in ``texts``, export it, return its folder.

    Idempotent: the same base model, data and config give the same folder, built once."""
    from .build import export_model, source_model_dir

    cfg = config or TagTuneConfig()
    source = source_model_dir()
    key = _fingerprint(str(source), texts, spans, cfg)
    target = cache_dir / "models" / f"tagging-{key}"
    if (target / "model.onnx").exists():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        tuned = Path(tmp) / "tuned"
        _train(source, texts, spans, tuned, cfg, progress)
        return export_model(tuned, target, progress=progress, fingerprint=f"tagging-{key}")


def _piece_tags(encoding: Any, found: Spans, index: dict[str, int]) -> list[int]:
    """BIO tag per piece (-100 for special and padding pieces, which the loss skips)."""
    tags = []
    for (a, b), special, mask in zip(
        encoding.offsets, encoding.special_tokens_mask, encoding.attention_mask, strict=True
    ):
        tag = -100 if special or not mask else 0
        for label, start, end in found:
            if tag == 0 and a < end and b > start and b > a:
                tag = 1 + 2 * index[label] + (0 if a <= start else 1)
        tags.append(tag)
    return tags


def _train(
    source: Path,
    texts: Sequence[str],
    spans: Sequence[Spans],
    out: Path,
    cfg: TagTuneConfig,
    progress: Callable[[str, float], None] | None,
) -> None:
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel

    from .build import MIDDLE_LAYER

    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    chosen = list(range(len(texts)))
    rng.shuffle(chosen)
    chosen = chosen[: cfg.max_rows]
    labels = sorted({label for n in chosen for label, _, _ in spans[n]})
    index = {label: n for n, label in enumerate(labels)}
    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=cfg.max_tokens)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    bert = AutoModel.from_pretrained(str(source), local_files_only=True)
    layers = bert.encoder.layer
    bert.encoder.layer = layers[:MIDDLE_LAYER]  # the layer the reader reads is the head's input
    head = torch.nn.Linear(bert.config.hidden_size, 1 + 2 * len(labels))
    params = [*bert.parameters(), *head.parameters()]
    optimiser = torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=0.01)
    plan: list[list[int]] = []
    while len(plan) < cfg.min_steps or len(plan) < cfg.epochs * len(chosen) / cfg.batch_size:
        rng.shuffle(chosen)
        plan += [chosen[i : i + cfg.batch_size] for i in range(0, len(chosen), cfg.batch_size)]
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / 20) * max(0.0, 1 - step / len(plan))
    )
    bert.train()
    for step, batch in enumerate(plan):
        encodings = tokenizer.encode_batch([texts[n] for n in batch])
        ids = torch.tensor([e.ids for e in encodings])
        mask = torch.tensor([e.attention_mask for e in encodings])
        gold = torch.tensor(
            [_piece_tags(e, spans[n], index) for e, n in zip(encodings, batch, strict=True)]
        )
        hidden = bert(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))
        logits = head(hidden.last_hidden_state)
        loss: Any = torch.nn.functional.cross_entropy(logits.flatten(0, 1), gold.flatten())
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimiser.step()
        schedule.step()
        if progress:
            progress("tuning the encoder to read arguments", (step + 1) / len(plan))
    bert.encoder.layer = layers
    bert.eval()
    bert.save_pretrained(str(out))
    for name in ("tokenizer.json", "config.json"):
        if not (out / name).exists():
            shutil.copy(source / name, out / name)
