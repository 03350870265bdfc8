"""The span tagger: learns spans from token states, decodes legal BIO paths only."""

from __future__ import annotations

import numpy as np
import pytest

from assistant_sdk.errors import ConfigurationError
from assistant_sdk.reading.tagger import Sequence_, bio_tags, decoded_f1, train_tagger

DIM = 8


def _toy(n: int, seed: int) -> list[Sequence_]:
    """Sequences whose tokens 2..3 are a "time" when their state's first coordinate is high."""
    rng = np.random.default_rng(seed)
    sequences = []
    for _ in range(n):
        states = rng.normal(0, 0.1, (6, DIM)).astype(np.float32)
        tags = np.zeros(6, dtype=np.int64)
        if rng.random() < 0.5:
            states[2:4, 0] += 2.0
            tags[2], tags[3] = 1, 2  # B-time, I-time
        sequences.append(Sequence_(states, np.arange(6, dtype=np.int64), tags))
    return sequences


def test_bio_tags_put_outside_first_then_begin_and_inside_per_label() -> None:
    assert bio_tags(["time", "text"]) == ("O", "B-time", "I-time", "B-text", "I-text")


def test_the_tagger_learns_where_a_value_is_from_the_states() -> None:
    tagger = train_tagger(_toy(200, 0), ["time"], epochs=30, batch=64, units=16)
    hits = 0
    test = _toy(40, 1)
    for sequence in test:
        spans = tagger.spans(sequence.states, sequence.ids)
        gold = [(1, 2, 3)] if sequence.tags[2] == 1 else []
        hits += [(1, s.first, s.last) for s in spans] == gold
    assert hits >= 38


def test_decoding_restricted_to_other_labels_finds_no_span() -> None:
    tagger = train_tagger(_toy(100, 0), ["time"], epochs=10, batch=64, units=16)
    sequence = next(s for s in _toy(20, 2) if s.tags[2] == 1)
    assert tagger.spans(sequence.states, sequence.ids, allowed={"text"}) == []


def test_an_inside_tag_never_starts_a_span() -> None:
    tagger = train_tagger(_toy(100, 0), ["time"], epochs=10, batch=64, units=16)
    states = np.zeros((5, DIM), dtype=np.float32)
    states[0, 0] = 2.0  # looks like the inside of a value, at the very start
    for span in tagger.spans(states, np.arange(5, dtype=np.int64)):
        assert span.first <= span.last and 0.0 < span.confidence <= 1.0


def test_the_decoded_f1_counts_only_spans_exact_in_label_and_both_ends() -> None:
    tagger = train_tagger(_toy(200, 0), ["time"], epochs=30, batch=64, units=16)
    test = [s for s in _toy(40, 1) if s.tags[2] == 1]
    assert decoded_f1(tagger, test) > 0.9
    shifted = [Sequence_(s.states, s.ids, np.roll(s.tags, 1)) for s in test]
    assert decoded_f1(tagger, shifted) < 0.1


def test_training_selected_by_validation_f1_reads_as_well_as_by_likelihood() -> None:
    train, held = _toy(200, 0), _toy(60, 3)
    by_f1 = train_tagger(
        train, ["time"], epochs=30, batch=64, units=16, validation=held, select="f1"
    )
    assert decoded_f1(by_f1, _toy(40, 1)) > 0.95


def test_an_unknown_selection_rule_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="select"):
        train_tagger(_toy(10, 0), ["time"], select="accuracy")
