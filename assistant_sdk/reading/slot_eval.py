"""Slot evaluation on a labelled set with spans (``assistant-sdk eval DATA --slots``).

Rows are JSON Lines ``{"text", "intent", "split", "slots": [{"type", "value"}]}``, each value
a substring of ``text``. The span tagger (three seeds merged, with a value memory of the
train rows' values) is trained on K train rows per intent (or all of them), stopped early
on the ``val`` rows when there are any, and scored on the test rows:
span-exact micro F1 over ``(type, value)`` pairs, and frame accuracy (every slot right, none
extra) with the intent given and end to end (the intent predicted by an example head over
the same forward pass's pooled vector).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..resolve.evaluate import read_split_rows
from .tagger import Sequence_, Tagger, train_tagger
from .words import Words, word_view

if TYPE_CHECKING:
    from embeddings.onnx import OnnxEmbedder, TokenStates

__all__ = [
    "MEMORY",
    "SEEDS",
    "TUNE_MIN_ROWS",
    "SlotReport",
    "SlotRow",
    "char_tags",
    "evaluate_slots",
    "load_slot_rows",
    "span_f1",
    "tuned_embedder",
]


@dataclass(frozen=True, slots=True)
class SlotRow:
    text: str
    intent: str
    split: str
    slots: tuple[tuple[str, int, int], ...]
    """``(type, start, end)`` character spans."""


@dataclass(frozen=True, slots=True)
class SlotReport:
    dataset: str
    shots: int | None
    seed: int
    n_train: int
    n_test: int
    slot_f1: float
    frame_accuracy: float
    frame_accuracy_e2e: float
    intent_accuracy: float
    train_s: float
    read_ms_p50: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_slot_rows(path: Path) -> list[SlotRow]:
    """Rows with slots; a value that is not part of its text raises ``ConfigurationError``."""

    def parse(data: Any) -> SlotRow:
        try:
            text, slots = str(data["text"]), list(data.get("slots") or [])
            spans = _locate(text, [(str(s["type"]), str(s["value"])) for s in slots])
            return SlotRow(text, str(data["intent"]), str(data["split"]), spans)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(str(exc)) from None

    return read_split_rows(path, parse)


def _locate(text: str, slots: Sequence[tuple[str, str]]) -> tuple[tuple[str, int, int], ...]:
    found: list[tuple[str, int, int]] = []
    cursor = 0
    lowered = text.lower()
    for kind, value in slots:
        at = lowered.find(value.lower(), cursor)
        at = lowered.find(value.lower()) if at < 0 else at
        if at < 0 or not value:
            raise ValueError(f"slot value {value!r} is not in {text!r}")
        found.append((kind, at, at + len(value)))
        cursor = at + len(value)
    return tuple(found)


def char_tags(
    offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[str, int, int]], labels: Sequence[str]
) -> np.ndarray:
    """BIO tag indexes of tokens at ``offsets`` for character ``spans``."""
    index = {label: n for n, label in enumerate(labels)}
    tags = np.zeros(len(offsets), dtype=np.int64)
    for kind, start, end in spans:
        inside = [i for i, (a, b) in enumerate(offsets) if a < end and b > start and b > a]
        for n, i in enumerate(inside):
            tags[i] = 1 + 2 * index[kind] + (0 if n == 0 else 1)
    return tags


def read_spans(tagger: Tagger, words: Words, allowed: set[str] | None) -> set[tuple[str, str]]:
    spans = tagger.spans(words.states, words.ids, allowed)
    return {(s.label, words.span_text(s.first, s.last).lower()) for s in spans}


def span_f1(gold: Sequence[set[tuple[str, str]]], guess: Sequence[set[tuple[str, str]]]) -> float:
    hit = sum(len(g & p) for g, p in zip(gold, guess, strict=True))
    n_gold, n_guess = sum(map(len, gold)), sum(map(len, guess))
    if not n_gold and not n_guess:
        return 1.0
    return 2 * hit / max(n_gold + n_guess, 1)


def _sample(rows: Sequence[SlotRow], shots: int | None, seed: int) -> list[SlotRow]:
    train = [r for r in rows if r.split == "train"]
    if shots is None:
        return train
    by_intent: dict[str, list[SlotRow]] = defaultdict(list)
    for row in train:
        by_intent[row.intent].append(row)
    rng = random.Random(seed)
    return [
        r
        for i in sorted(by_intent)
        for r in rng.sample(by_intent[i], min(shots, len(by_intent[i])))
    ]


def _fit(
    train: Sequence[SlotRow], held: Sequence[SlotRow], embedder: OnnxEmbedder
) -> tuple[Tagger, list[TokenStates]]:
    """A tagger for ``train``'s slot types, stopped early on ``held``; and ``train``'s states."""
    labels = tuple(sorted({k for r in train for k, _, _ in r.slots}))
    known = set(labels)

    def sequences(chosen: Sequence[SlotRow], states: Sequence[TokenStates]) -> list[Sequence_]:
        views = [word_view(s) for s in states]
        return [
            Sequence_(
                w.states, w.ids, char_tags(w.offsets, [x for x in r.slots if x[0] in known], labels)
            )
            for r, w in zip(chosen, views, strict=True)
        ]

    train_states = embedder.embed_tokens([r.text for r in train])
    training = sequences(train, train_states)
    validation = sequences(held, embedder.embed_tokens([r.text for r in held]))
    tokens = sum(len(s.tags) for s in training)
    tagger = train_tagger(
        training,
        labels,
        epochs=_epochs(tokens),
        batch=64 if tokens < 20000 else 256,
        validation=validation,
        average=True,
        select="f1",
        memory=MEMORY,
        seeds=SEEDS,
    )
    return tagger, train_states


def evaluate_slots(
    rows: Sequence[SlotRow],
    embedder: OnnxEmbedder,
    *,
    shots: int | None,
    seed: int = 0,
    dataset: str = "",
) -> SlotReport:
    """Train on K rows per intent (``shots=None``: all), report on the test rows."""
    from ..resolve.ranking import train_head

    train = _sample(rows, shots, seed)
    test = [r for r in rows if r.split == "test"]
    started = time.perf_counter()
    tagger, train_states = _fit(train, [r for r in rows if r.split == "val"], embedder)
    head = train_head(np.stack([s.vector for s in train_states]), [r.intent for r in train])
    train_s = time.perf_counter() - started
    per_intent: dict[str, set[str]] = defaultdict(set)
    for row in train:
        per_intent[row.intent].update(k for k, _, _ in row.slots)
    gold, given, e2e, intents, times = [], [], [], [], []
    for row in test:
        begun = time.perf_counter()
        (states,) = embedder.embed_tokens([row.text])
        words = word_view(states)
        guess = head.classes[int(np.argmax(head.log_probs(states.vector)))]
        e2e.append(read_spans(tagger, words, per_intent.get(guess, set())))
        times.append((time.perf_counter() - begun) * 1000)
        given.append(read_spans(tagger, words, per_intent.get(row.intent, set())))
        gold.append({(k, row.text[a:b].lower()) for k, a, b in row.slots})
        intents.append(guess == row.intent)
    return SlotReport(
        dataset=dataset,
        shots=shots,
        seed=seed,
        n_train=len(train),
        n_test=len(test),
        slot_f1=round(100 * span_f1(gold, given), 2),
        frame_accuracy=_percent([g == p for g, p in zip(gold, given, strict=True)]),
        frame_accuracy_e2e=_percent(
            [i and g == p for i, g, p in zip(intents, gold, e2e, strict=True)]
        ),
        intent_accuracy=_percent(intents),
        train_s=round(train_s, 2),
        read_ms_p50=round(float(np.percentile(times, 50)), 3),
    )


SEEDS = 3
"""Taggers trained from seeds 0, 1, 2 and read as one (the mean of their scores)."""

MEMORY: float | None = 0.0
"""The tagger remembers the values its train rows tag (``_memory.py``), each row blind to
its own; no further values are hidden each epoch (``train_tagger(memory=...)``)."""

TUNE_MIN_ROWS = 500
"""Fewer labelled rows than this are not worth tuning the encoder on: at K = 10 per intent
(70 rows) the tuning overfits them and costs slot F1 and intent accuracy."""


def tuned_embedder(
    rows: Sequence[SlotRow], shots: int | None, seed: int, cache_dir: Path
) -> tuple[OnnxEmbedder | None, float]:
    """The encoder fine-tuned to tag the slots of the K train rows per intent (``adapt``; the
    ``build`` extra; the pass kept is the one with the lowest loss on the ``val`` rows), and the
    seconds it took (near zero when the cache already holds it); None when there are fewer
    than ``TUNE_MIN_ROWS`` train rows."""
    from embeddings.onnx import OnnxEmbedder
    from embeddings.tag_tune import tune_for_tagging

    train = _sample(rows, shots, seed)
    if len(train) < TUNE_MIN_ROWS:
        return None, 0.0
    held = [r for r in rows if r.split == "val"]
    started = time.perf_counter()
    folder = tune_for_tagging(
        [r.text for r in train],
        [r.slots for r in train],
        cache_dir,
        validation=([r.text for r in held], [r.slots for r in held]),
    )
    return OnnxEmbedder(folder), round(time.perf_counter() - started, 1)


def _percent(hits: Sequence[bool]) -> float:
    return round(100 * float(np.mean(hits)), 2) if hits else 0.0


def _epochs(tokens: int) -> int:
    """More passes over small sets, so K = 10 gets as many updates as it needs."""
    return int(min(60, max(6, 160_000 // max(tokens, 1))))
