"""Adapt the on-device encoder to a catalogue's example phrases, once, at build time.

A frozen sentence encoder places "what's the exchange rate" and "how much is a euro" wherever
its pre-training put them; a few minutes of supervised contrastive fine-tuning on the tools'
own example phrases pulls each tool's phrasings together and pushes other tools' apart. The
adapted model is exported and quantised like the base one, into a cache folder keyed by the
base model and the training data, so run time stays torch-free.

Needs the ``build`` extra (torch, sentence-transformers); nothing here runs at request time.
"""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["AdaptConfig", "adapt_model", "adapted_fingerprint"]


@dataclass(frozen=True, slots=True)
class AdaptConfig:
    epochs: int = 4
    learning_rate: float = 3e-5
    temperature: float = 0.1
    classes_per_batch: int = 16
    per_class: int = 4
    max_steps: int = 240
    min_steps: int = 30
    seed: int = 0


def adapted_fingerprint(
    base: str, texts: Sequence[str], labels: Sequence[str], cfg: AdaptConfig
) -> str:
    digest = hashlib.sha256()
    digest.update(base.encode())
    digest.update(json.dumps(asdict(cfg), sort_keys=True).encode())
    for text, label in zip(texts, labels, strict=True):
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()[:16]


def adapt_model(
    texts: Sequence[str],
    labels: Sequence[str],
    cache_dir: Path,
    *,
    config: AdaptConfig | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> Path:
    """Fine-tune the packaged model on labelled phrases and export it; returns the model folder.

    Idempotent: the same base model, data and config give the same folder, built once.
    """
    from .build import export_model, source_model_dir

    cfg = config or AdaptConfig()
    source = source_model_dir()
    key = adapted_fingerprint(str(source), texts, labels, cfg)
    target = cache_dir / "models" / f"adapted-{key}"
    if (target / "model.onnx").exists():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        tuned = Path(tmp) / "tuned"
        _fine_tune(source, texts, labels, tuned, cfg, progress)
        return export_model(tuned, target, progress=progress, fingerprint=f"adapted-{key}")


def _batches(labels: Sequence[str], cfg: AdaptConfig, rng: random.Random) -> list[list[int]]:
    """Class-balanced batches: ``per_class`` phrases from each of ``classes_per_batch`` tools,
    so every phrase has positives in its batch."""
    by_class: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_class.setdefault(label, []).append(i)
    chunks: list[list[int]] = []
    for members in by_class.values():
        rng.shuffle(members)
        chunks += [members[j : j + cfg.per_class] for j in range(0, len(members), cfg.per_class)]
    chunks = [c for c in chunks if len(c) >= 2]
    rng.shuffle(chunks)
    step = cfg.classes_per_batch
    return [
        [i for chunk in chunks[j : j + step] for i in chunk] for j in range(0, len(chunks), step)
    ]


def _fine_tune(
    source: Path,
    texts: Sequence[str],
    labels: Sequence[str],
    out: Path,
    cfg: AdaptConfig,
    progress: Callable[[str, float], None] | None,
) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    model = SentenceTransformer(str(source), device="cpu")
    optimiser = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate)
    plan = [b for _ in range(cfg.epochs) for b in _batches(labels, cfg, rng)]
    while plan and len(plan) < cfg.min_steps:
        plan += _batches(labels, cfg, rng)
    plan = plan[: cfg.max_steps]
    model.train()
    for step, batch in enumerate(plan):
        loss = _supcon_loss(model, [texts[i] for i in batch], [labels[i] for i in batch], cfg)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if progress:
            progress("adapting encoder", (step + 1) / len(plan))
    model.eval()
    model.save(str(out))


def _supcon_loss(model: Any, texts: list[str], labels: list[str], cfg: AdaptConfig) -> Any:
    """Supervised contrastive loss (Khosla et al., 2020) over one batch."""
    import torch

    features = model.preprocess(texts) if hasattr(model, "preprocess") else model.tokenize(texts)
    z = torch.nn.functional.normalize(model(features)["sentence_embedding"], dim=1)
    ids = {label: n for n, label in enumerate(sorted(set(labels)))}
    y = torch.tensor([ids[label] for label in labels])
    eye = torch.eye(len(texts), dtype=torch.bool)
    sim = (z @ z.T / cfg.temperature).masked_fill(eye, -1e9)
    positives = (y[:, None] == y[None, :]) & ~eye
    log_prob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    has = positives.sum(1) > 0
    per_anchor = (log_prob * positives).sum(1)[has] / positives.sum(1)[has]
    return -per_anchor.mean()
