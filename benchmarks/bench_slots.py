"""Argument reading on a slot-annotated set: the span reader against two baselines.

python -m benchmarks.bench_slots [--data snips] [--shots 10 all] [--transfer 10 all] [--carve 1000]

Rows are ``{"text", "intent", "split", "slots": [{"type", "value"}]}``. For each K (train rows
per intent, or all), three readers are trained on the same rows and scored on the test rows:

- ``span_reader``: the SDK's tagger over the encoder's token states (``assistant_sdk.reading``),
  with the intent given and end to end (intent from an example head over the same pass);
- ``crf``: a linear-chain CRF on word features (``sklearn-crfsuite``), the classical
  on-device recipe;
- ``rules``: the rule reader of ``assistant_sdk.slots.fill_arguments``, given one tool per
  intent whose string parameters are the intent's slot types.

Figures: span-exact micro slot F1 and frame accuracy (every slot right, none extra).
``--carve N``: score on N seeded train rows instead of the test rows (for choices).
``--transfer K``: the cross-intent check of ``assistant_sdk.reading.slot_transfer`` (train on
the other intents, read the shared slot types of the one held out), per intent and weighted.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from assistant_sdk.reading.slot_eval import SlotRow, evaluate_slots, load_slot_rows, span_f1

from .common import CACHE, RESULTS, dataset, default_embedder, emit

Frame = set[tuple[str, str]]


def _sample(rows: Sequence[SlotRow], shots: int | None, seed: int) -> list[SlotRow]:
    from assistant_sdk.reading.slot_eval import _sample as sample

    return sample(rows, shots, seed)


def _words(text: str) -> list[tuple[str, int, int]]:
    import re

    return [(m[0], m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def _features(words: list[tuple[str, int, int]], i: int) -> dict[str, Any]:
    word = words[i][0].lower()
    out: dict[str, Any] = {
        "w": word,
        "s3": word[-3:],
        "p3": word[:3],
        "digit": word.isdigit(),
        "bias": 1.0,
    }
    for d in (-2, -1, 1, 2):
        j = i + d
        out[f"w{d}"] = words[j][0].lower() if 0 <= j < len(words) else "<pad>"
    return out


def _bio(row: SlotRow) -> list[str]:
    tags = []
    for _, a, b in _words(row.text):
        tag = "O"
        for kind, start, end in row.slots:
            if a >= start and b <= end:
                tag = ("B-" if a == start else "I-") + kind
        tags.append(tag)
    return tags


def _spans(row: SlotRow, tags: list[str]) -> Frame:
    words = _words(row.text)
    found: Frame = set()
    start: tuple[str, int] | None = None
    for n, tag in enumerate([*tags, "O"]):
        if start and not (tag.startswith("I-") and tag[2:] == start[0]):
            found.add((start[0], row.text[words[start[1]][1] : words[n - 1][2]].lower()))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start = (tag[2:], n)
    return found


def _gold(row: SlotRow) -> Frame:
    return {(k, row.text[a:b].lower()) for k, a, b in row.slots}


def crf(rows: Sequence[SlotRow], shots: int | None, seed: int) -> dict[str, Any]:
    import sklearn_crfsuite

    train = _sample(rows, shots, seed)
    test = [r for r in rows if r.split == "test"]
    started = time.perf_counter()
    model = sklearn_crfsuite.CRF(algorithm="lbfgs", c1=0.1, c2=0.1, max_iterations=100)
    feats = [[_features(_words(r.text), i) for i in range(len(_words(r.text)))] for r in train]
    model.fit(feats, [_bio(r) for r in train])
    train_s = time.perf_counter() - started
    guess = [
        _spans(
            r,
            model.predict_single(
                [_features(_words(r.text), i) for i in range(len(_words(r.text)))]
            ),
        )
        for r in test
    ]
    return _scores([_gold(r) for r in test], guess, train_s)


def rules(rows: Sequence[SlotRow], shots: int | None, seed: int) -> dict[str, Any]:
    from assistant_sdk.slots import fill_arguments
    from assistant_sdk.types import Tool

    types: dict[str, set[str]] = defaultdict(set)
    for row in _sample(rows, shots, seed):
        types[row.intent].update(k for k, _, _ in row.slots)
    tools = {
        intent: Tool(
            intent,
            intent,
            "bench",
            {
                "type": "object",
                "properties": {k: {"type": "string", "description": k} for k in sorted(kinds)},
            },
        )
        for intent, kinds in types.items()
    }
    test = [r for r in rows if r.split == "test"]
    guess: list[Frame] = []
    for row in test:
        fill = fill_arguments(tools[row.intent], row.text, [], now=datetime(2026, 3, 4, 10))
        guess.append({(k, str(v).lower()) for k, v in fill.arguments.items()})
    return _scores([_gold(r) for r in test], guess, 0.0)


def _scores(gold: list[Frame], guess: list[Frame], train_s: float) -> dict[str, Any]:
    return {
        "slot_f1": round(100 * span_f1(gold, guess), 2),
        "frame_accuracy": round(
            100 * float(np.mean([g == p for g, p in zip(gold, guess, strict=True)])), 2
        ),
        "train_s": round(train_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="snips")
    parser.add_argument("--shots", nargs="+", default=["10", "all"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--adapt", action="store_true", help="also fine-tune the encoder on the rows (build extra)"
    )
    parser.add_argument("--transfer", nargs="*", default=[], help="K values of the transfer check")
    parser.add_argument(
        "--carve", type=int, default=0, help="score on N train rows carved out, not the test rows"
    )
    args = parser.parse_args()
    rows = carve(load_slot_rows(dataset(args.data)), args.carve)
    embedder = default_embedder()
    for shot in args.shots:
        shots = None if shot == "all" else int(shot)
        reader = evaluate_slots(rows, embedder, shots=shots, seed=args.seed, dataset=args.data)
        record = {
            "bench": "slots",
            "data": args.data,
            "shots": shot,
            "span_reader": reader.to_dict(),
            "crf": crf(rows, shots, args.seed),
            "rules": rules(rows, shots, args.seed),
        }
        if args.adapt:
            record["span_reader_adapted"] = adapted(rows, shots, args)
        emit(record, RESULTS / "slots.jsonl")
    for shot in args.transfer:
        transfer(rows, embedder, shot, args)


def carve(rows: Sequence[SlotRow], n: int) -> list[SlotRow]:
    """With ``n``: ``n`` seeded train rows become the test rows and the test rows are dropped,
    so choices are made without reading the test split; else the rows as they are."""
    import random
    from dataclasses import replace

    if not n:
        return list(rows)
    pool = [r for r in rows if r.split == "train"]
    random.Random(7).shuffle(pool)
    chosen = {id(r) for r in pool[:n]}
    return [replace(r, split="test") if id(r) in chosen else r for r in rows if r.split != "test"]


def adapted(rows: Sequence[SlotRow], shots: int | None, args: Any) -> dict[str, Any]:
    """The span reader over the encoder fine-tuned on the same rows (``adapt`` time)."""
    from assistant_sdk.reading.slot_eval import tuned_embedder

    embedder, seconds = tuned_embedder(rows, shots, args.seed, CACHE)
    if embedder is None:
        return {"skipped": "too few rows to tune on (TUNE_MIN_ROWS)"}
    report = evaluate_slots(rows, embedder, shots=shots, seed=args.seed, dataset=args.data)
    return report.to_dict() | {"adapt_s": seconds}


def transfer(rows: Sequence[SlotRow], embedder: Any, shot: str, args: Any) -> None:
    from assistant_sdk.reading.slot_transfer import evaluate_transfer, weighted_f1

    shots = None if shot == "all" else int(shot)
    started = time.perf_counter()
    reports = evaluate_transfer(rows, embedder, shots=shots, seed=args.seed)
    record = {
        "bench": "slots_transfer",
        "data": args.data,
        "shots": shot,
        "slot_f1": weighted_f1(reports),
        "per_intent": [r.to_dict() for r in reports],
        "seconds": round(time.perf_counter() - started, 1),
    }
    emit(record, RESULTS / "slots.jsonl")


if __name__ == "__main__":
    main()
