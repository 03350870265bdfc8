"""Spelling features: stable hashed prefixes, suffixes and shapes the tagger generalises from."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from assistant_sdk.reading.tagger import Sequence_, train_tagger
from assistant_sdk.reading.words import SPELLING, spelling_ids


def test_spelling_features_are_the_same_in_every_process() -> None:
    code = "from assistant_sdk.reading.words import spelling_ids; print(spelling_ids('Sam7:30'))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert outputs == {f"{spelling_ids('Sam7:30')}\n"}


def test_words_of_one_shape_share_the_shape_feature_and_others_do_not() -> None:
    shape = 5
    assert len(spelling_ids("7:30")) == SPELLING
    assert spelling_ids("7:30")[shape] == spelling_ids("11:45")[shape]
    assert spelling_ids("7:30")[shape] != spelling_ids("Sam")[shape]
    assert spelling_ids("Sam")[shape] == spelling_ids("Jonathan")[shape]


def _names(n: int, seed: int) -> list[Sequence_]:
    """Five-word sequences with uninformative states where one capitalised word, never seen
    twice, is a "name": only its spelling features say so."""
    rng = np.random.default_rng(seed)
    sequences = []
    for _ in range(n):
        words = [str(w) for w in rng.choice(["call", "text", "the", "now", "please"], 5)]
        at = int(rng.integers(0, 5))
        words[at] = "Z" + "".join(rng.choice(list("aeioulmnrst"), 5))
        ids = np.array([[int(rng.integers(1 << 20)), *spelling_ids(w)] for w in words])
        tags = np.zeros(5, dtype=np.int64)
        tags[at] = 1
        states = rng.normal(0, 1.0, (5, 4)).astype(np.float32)
        sequences.append(Sequence_(states, ids.astype(np.int64), tags))
    return sequences


def test_the_tagger_finds_a_name_it_never_saw_from_its_spelling() -> None:
    tagger = train_tagger(_names(200, 0), ["name"], epochs=20, batch=64, units=8)
    found = [[(s.first, s.last) for s in tagger.spans(q.states, q.ids)] for q in _names(30, 1)]
    gold = [[(int(np.argmax(q.tags)),) * 2] for q in _names(30, 1)]
    assert sum(f == g for f, g in zip(found, gold, strict=True)) >= 28
