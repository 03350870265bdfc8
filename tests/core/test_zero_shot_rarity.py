"""Lexical evidence trusted by how rare the shared word is (pure functions, tiny vocabularies)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assistant_sdk.resolve.ranking import BM25
from assistant_sdk.resolve.rarity import WordRarity, lexical_trust, word_rarity
from assistant_sdk.resolve.zero_shot import ZeroShotWeights, fuse_zero_shot

# ids in frequency order, as a WordPiece vocabulary is built: specials and characters first
VOCABULARY = {"[PAD]": 0, "[CLS]": 1, "a": 2, "the": 3, "about": 4, "##s": 5, "time": 6, "tokyo": 9}


def test_ranks_follow_the_vocabulary_order_over_whole_words_only() -> None:
    rarity = WordRarity.from_vocabulary(VOCABULARY)
    assert rarity.ranks == {"the": 1, "about": 2, "time": 3, "tokyo": 4}


def test_a_word_outside_the_vocabulary_is_rarer_than_every_ranked_word() -> None:
    rarity = WordRarity.from_vocabulary(VOCABULARY)
    assert rarity.surprisal("zanzibar") > rarity.surprisal("tokyo") > rarity.surprisal("about")


def test_a_request_sharing_only_common_words_with_the_catalogue_is_trusted_less() -> None:
    rarity = WordRarity({"about": 50, "time": 60, "tokyo": 5000})
    catalogue = frozenset({"about", "time", "tokyo"})
    common, rare, none = lexical_trust(
        ["tell me about tea", "tokyo please", "nothing shared"], catalogue, rarity
    )
    assert 0.0 < common < rare == 1.0
    assert none == 0.0


def test_without_a_background_ranking_any_shared_word_is_trusted_fully() -> None:
    trust = lexical_trust(["about tea", "tea"], frozenset({"about"}), None)
    assert trust.tolist() == [1.0, 0.0]


def test_an_untrusted_shared_word_does_not_overturn_the_dense_ranking() -> None:
    dense = np.array([[0.60, 0.55, 0.20, 0.10]])
    lexical = np.array([[0.0, 1.0, 0.0, 0.0]])  # one weak word shared with the second tool
    weights = ZeroShotWeights(lexical=0.3)
    assert int(np.argmax(fuse_zero_shot(dense, lexical, np.array([1.0]), weights))) == 1
    assert int(np.argmax(fuse_zero_shot(dense, lexical, np.array([0.2]), weights))) == 0


def test_a_second_encoder_breaks_a_tie_the_first_cannot() -> None:
    dense = np.array([[0.50, 0.50, 0.10]])
    second = np.array([[0.20, 0.70, 0.10]])
    none = np.zeros((1, 3))
    fused = fuse_zero_shot(dense, none, np.array([0.0]), ZeroShotWeights(), second)
    assert int(np.argmax(fused)) == 1


def test_the_rarity_of_an_embedders_vocabulary_is_read_from_its_tokenizer_file(
    tmp_path: Path,
) -> None:
    document = {"model": {"type": "WordPiece", "vocab": VOCABULARY}}
    (tmp_path / "tokenizer.json").write_text(json.dumps(document), encoding="utf-8")

    class Folder:
        model_dir = tmp_path

    found = word_rarity(Folder())
    assert found is not None and found.ranks["tokyo"] == 4
    assert word_rarity(object()) is None  # an embedder without a model folder


def test_the_lexical_index_lists_every_term_of_its_documents() -> None:
    assert BM25(["get the time", "convert time zones"]).vocabulary == {
        "get",
        "time",
        "convert",
        "zones",
    }
