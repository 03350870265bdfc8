"""Tuning the encoder for tagging: piece-level BIO targets, a cache key that follows the data."""

from __future__ import annotations

from embeddings.build import source_model_dir
from embeddings.tag_tune import TagTuneConfig, _fingerprint, _piece_tags


def _encode(text: str) -> object:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(source_model_dir() / "tokenizer.json"))
    tokenizer.enable_padding(length=12)
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
