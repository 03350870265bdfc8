"""Tuning the encoder for tagging: piece-level BIO targets, a cache key that follows the data."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.base import ConfigurationError
from embeddings.build import source_model_dir
from embeddings.tag_tune import TagTuneConfig, _fingerprint, _piece_tags


def _encode(text: str) -> object:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(source_model_dir() / "tokenizer.json"))
    tokenizer.enable_padding(length=16)
    return tokenizer.encode(text)


def test_a_spans_pieces_are_tagged_begin_then_inside_and_special_and_padding_are_skipped() -> None:
    text = "wake me at half past seven"
    encoding = _encode(text)
    start = text.index("half past seven")
    tags = _piece_tags(encoding, [("time", start, len(text))], {"time": 0})
    words = [text[a:b] for a, b in encoding.offsets]  # type: ignore[attr-defined]
    assert tags[0] == tags[7] == -100 and set(tags[8:]) == {-100}  # [CLS], [SEP], padding
    assert dict(zip(words[1:7], tags[1:7], strict=True)) == {
        "wake": 0,
        "me": 0,
        "at": 0,
        "half": 1,
        "past": 2,
        "seven": 2,
    }


def test_the_tuned_models_cache_key_changes_with_the_spans_not_only_the_texts() -> None:
    cfg = TagTuneConfig()
    one = _fingerprint("base", ["call sam"], [[("name", 5, 8)]], cfg)
    other = _fingerprint("base", ["call sam"], [[("contact", 5, 8)]], cfg)
    assert one != other == _fingerprint("base", ["call sam"], [[("contact", 5, 8)]], cfg)


def test_the_tunings_sequence_loss_is_the_likelihood_the_readers_crf_computes() -> None:
    torch = pytest.importorskip("torch")
    from assistant_sdk.reading._crf import crf_gradients
    from embeddings._tag_words import crf_nll

    rng = np.random.default_rng(5)
    emit = rng.normal(0, 1, (2, 4, 5)).astype(np.float32)
    moves = rng.normal(0, 1, (6, 5)).astype(np.float32)
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=bool)
    tags = np.array([[0, 1, 2, 0], [3, 4, 0, 0]])
    expected = crf_gradients(emit, moves, mask, tags)[2]
    got = crf_nll(torch.tensor(emit), torch.tensor(moves), torch.tensor(mask), torch.tensor(tags))
    assert float(got) == pytest.approx(expected, rel=1e-4)


def test_word_targets_pool_a_words_pieces_evenly_and_tag_its_span_begin_then_inside() -> None:
    pytest.importorskip("torch")
    from embeddings._tag_words import word_batch

    text = "remind me about kubernetes tomorrow"
    encoding = _encode(text)
    start = text.index("kubernetes")
    pool, mask, tags = word_batch([encoding], [[("topic", start, len(text))]], {"topic": 0})
    assert mask[0].tolist() == [True] * 5
    assert tags[0].tolist() == [0, 0, 0, 1, 2]
    pieces = pool[0, 3].nonzero().flatten().tolist()  # "ku", "##ber", ...
    assert len(pieces) > 1 and pool[0, 3, pieces].tolist() == pytest.approx(
        [1 / len(pieces)] * len(pieces)
    )


def test_an_unknown_tuning_loss_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="loss"):
        TagTuneConfig(loss="hinge")
