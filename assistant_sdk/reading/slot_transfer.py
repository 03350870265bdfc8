"""Cross-intent transfer: how well the tagger reads slot types in requests of a kind it never saw.

For each intent in turn, the tagger is trained on the other intents' rows (K per intent, or
all) and reads the held-out intent's test rows, decoding and scoring only the slot types it
shares with them (a ``city`` learned from weather requests, read in restaurant bookings).
It stands in for requests phrased unlike any training frame, which a set tuned on cannot show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from .slot_eval import SlotRow, _fit, _sample, read_spans, span_f1
from .words import word_view

if TYPE_CHECKING:
    from embeddings.onnx import OnnxEmbedder, TokenStates

__all__ = ["TransferReport", "evaluate_transfer", "weighted_f1"]


@dataclass(frozen=True, slots=True)
class TransferReport:
    intent: str
    """The intent held out of training and read."""
    shared: tuple[str, ...]
    """Its slot types that the other intents also have (the ones scored)."""
    n_test: int
    slot_f1: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Cached:
    """The embedder's token states, each text run once however many folds ask for it."""

    def __init__(self, embedder: OnnxEmbedder) -> None:
        self._embedder = embedder
        self._known: dict[str, TokenStates] = {}

    def embed_tokens(self, texts: Sequence[str]) -> list[TokenStates]:
        missing = sorted({t for t in texts if t not in self._known})
        for text, states in zip(missing, self._embedder.embed_tokens(missing), strict=True):
            self._known[text] = states
        return [self._known[t] for t in texts]


def evaluate_transfer(
    rows: Sequence[SlotRow], embedder: OnnxEmbedder, *, shots: int | None, seed: int = 0
) -> list[TransferReport]:
    """One report per intent that shares a slot type with another intent."""
    cached = _Cached(embedder)
    reports = []
    for intent in sorted({r.intent for r in rows}):
        others = [r for r in rows if r.intent != intent]
        train = _sample(others, shots, seed)
        mine = {k for r in rows if r.intent == intent for k, _, _ in r.slots}
        shared = mine & {k for r in train for k, _, _ in r.slots}
        test = [r for r in rows if r.intent == intent and r.split == "test"]
        if not shared or not test:
            continue
        held = [r for r in others if r.split == "val"]
        tagger, _ = _fit(train, held, cached)  # type: ignore[arg-type]
        states = cached.embed_tokens([r.text for r in test])
        guess = [read_spans(tagger, word_view(s), shared) for s in states]
        gold = [{(k, r.text[a:b].lower()) for k, a, b in r.slots if k in shared} for r in test]
        reports.append(
            TransferReport(
                intent, tuple(sorted(shared)), len(test), round(100 * span_f1(gold, guess), 2)
            )
        )
    return reports


def weighted_f1(reports: Sequence[TransferReport]) -> float:
    """The reports' F1 figures weighted by their test rows."""
    total = sum(r.n_test for r in reports)
    return round(sum(r.slot_f1 * r.n_test for r in reports) / total, 2) if total else 0.0
