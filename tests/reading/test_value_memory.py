"""The tagger's value memory and its seed ensembles: remembered values mark where they occur,
training never sees its own values, and several seeds read as the mean of their scores."""

from __future__ import annotations

import numpy as np
import pytest

from assistant_sdk.errors import ConfigurationError
from assistant_sdk.reading._memory import build_memory
from assistant_sdk.reading._tag_fit import merge
from assistant_sdk.reading.tagger import Sequence_, decoded_f1, train_tagger

DIM = 8


def _memory(sequences: list[tuple[list[int], list[int]]]):  # type: ignore[no-untyped-def]
    words = np.concatenate([np.array(w, np.int64) for w, _ in sequences])
    tags = np.concatenate([np.array(t, np.int64) for _, t in sequences])
    lengths = np.array([len(w) for w, _ in sequences], np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    memory, own = build_memory(words, starts, lengths, tags, labels=2)
    return memory, own, words, starts, lengths


# Two labels: tags 1/2 are B/I of label 0, 3/4 of label 1.
TRAIN = [([5, 7, 8, 9], [0, 1, 2, 0]), ([6, 7, 8], [0, 1, 2]), ([4, 3], [0, 3])]


def test_a_remembered_value_marks_its_first_word_as_begin_and_the_rest_as_inside() -> None:
    memory = _memory(TRAIN)[0]
    features = memory.features(np.array([1, 7, 8, 2], np.int64))
    assert features[:, 0].tolist() == [0, 1, 0, 0]  # a value of label 0 begins
    assert features[:, 1].tolist() == [0, 0, 1, 0]  # inside one
    assert not features[:, 2:].any()


def test_a_value_weighs_the_share_of_its_occurrences_that_were_tagged_as_it() -> None:
    memory = _memory([([3, 5], [3, 0]), ([3, 6], [0, 0]), ([6, 3], [0, 0]), ([3], [0])])[0]
    assert memory.features(np.array([3], np.int64))[0, 2] == pytest.approx(0.25)


def test_words_that_are_only_part_of_a_value_are_not_a_value() -> None:
    memory = _memory(TRAIN)[0]
    assert not memory.features(np.array([8, 9], np.int64)).any()


def test_a_training_sequence_does_not_see_a_value_only_it_tags() -> None:
    memory, own, words, starts, lengths = _memory(TRAIN)
    features = memory.batch_features(words, starts, lengths, own, None)
    assert features[:7, :2].sum() == 4  # "7 8" is tagged twice: each sequence sees the other's
    assert not features[7:].any()  # "3" is tagged once, by the sequence that holds it


def test_hidden_values_are_seen_by_no_sequence() -> None:
    memory, own, words, starts, lengths = _memory(TRAIN)
    hidden = np.ones(memory.counts.shape, bool)
    assert not memory.batch_features(words, starts, lengths, own, hidden).any()


def _toy(n: int, seed: int) -> list[Sequence_]:
    """Words 2..3 are a value ("time") when the states say so; word ids are their positions."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        states = rng.normal(0, 0.1, (6, DIM)).astype(np.float32)
        tags = np.zeros(6, dtype=np.int64)
        if rng.random() < 0.5:
            states[2:4, 0] += 2.0
            tags[2], tags[3] = 1, 2
        out.append(Sequence_(states, np.arange(6, dtype=np.int64) + 10 * (tags > 0), tags))
    return out


def test_a_tagger_with_a_value_memory_reads_the_values_it_learned() -> None:
    tagger = train_tagger(_toy(200, 0), ["time"], epochs=20, batch=64, units=16, memory=0.2)
    assert tagger.memory is not None and len(tagger.memory.keys) > 0
    assert decoded_f1(tagger, _toy(40, 1)) > 0.95


def test_taggers_of_several_seeds_merge_into_one_that_scores_their_mean() -> None:
    train = _toy(100, 0)
    heads = [train_tagger(train, ["time"], epochs=3, batch=64, units=8, seed=s) for s in (0, 1)]
    merged = merge(heads)
    sequence = train[0]
    mean = np.mean([h.scores(sequence.states, sequence.ids) for h in heads], axis=0)
    assert np.allclose(merged.scores(sequence.states, sequence.ids), mean, atol=1e-5)
    assert merged.hidden.shape[1] == 16


def test_training_with_seeds_gives_the_merge_of_those_seeds() -> None:
    train = _toy(60, 0)
    options = {"epochs": 2, "batch": 64, "units": 8}
    both = train_tagger(train, ["time"], seeds=2, **options)  # type: ignore[arg-type]
    alone = [train_tagger(train, ["time"], seed=s, **options) for s in (0, 1)]  # type: ignore[arg-type]
    assert np.array_equal(both.hidden, merge(alone).hidden)


@pytest.mark.parametrize(("option", "value"), [("seeds", 0), ("memory", 1.0), ("memory", -0.1)])
def test_an_impossible_ensemble_or_memory_share_is_a_configuration_error(
    option: str, value: float
) -> None:
    with pytest.raises(ConfigurationError, match=option):
        train_tagger(_toy(10, 0), ["time"], **{option: value})  # type: ignore[arg-type]
