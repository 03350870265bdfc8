"""The zero-shot ranker over a small catalogue, with the packaged encoder (and the static one)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from assistant_sdk.errors import ConfigurationError
from assistant_sdk.resolve.zero_shot import ZeroShotRanker
from assistant_sdk.types import Tool
from embeddings.base import Embedder, MissingDependencyError

pytestmark = pytest.mark.slow


def _tool(name: str, description: str, **properties: dict[str, object]) -> Tool:
    return Tool(name, description, "third-party", {"type": "object", "properties": properties})


CATALOGUE = [
    _tool(
        "get_current_time", "Get current time in a specific timezone.", timezone={"type": "string"}
    ),
    _tool("get_sum", "Returns the sum of two numbers.", a={"type": "number"}, b={"type": "number"}),
    _tool(
        "add_observations",
        "Add new observations to existing entities in the knowledge graph.",
        observations={"type": "array"},
    ),
    _tool("read_graph", "Read the entire knowledge graph."),
]


def test_every_tool_gets_a_score_for_every_request(embedder: Embedder) -> None:
    ranker = ZeroShotRanker(CATALOGUE, embedder)
    scores = ranker.scores(["what time is it in Tokyo", "show me the graph", "sum 3 and 4"])
    assert scores.shape == (3, len(CATALOGUE)) and np.isfinite(scores).all()
    assert ranker.scores([]).shape == (0, len(CATALOGUE))
    assert ZeroShotRanker([], embedder).scores(["anything"]).shape == (1, 0)


def test_a_request_is_ranked_to_the_tool_its_description_matches(embedder: Embedder) -> None:
    ranker = ZeroShotRanker(CATALOGUE, embedder)
    assert ranker.rank("what time is it in Tokyo", k=1)[0].name == "get_current_time"
    assert ranker.rank("read the whole knowledge graph", k=4)[0].name == "read_graph"


def test_asking_for_a_negative_number_of_tools_is_a_configuration_error(
    embedder: Embedder,
) -> None:
    ranker = ZeroShotRanker(CATALOGUE, embedder)
    with pytest.raises(ConfigurationError, match="k must be 0 or more"):
        ranker.rank("what time is it", k=-1)
    assert ranker.rank("what time is it", k=0) == []


def test_the_static_encoder_gives_unit_vectors_that_place_paraphrases_close() -> None:
    pytest.importorskip("wordllama")
    from embeddings.static import WordLlamaEmbedder

    static = WordLlamaEmbedder()
    a, b, c = static.embed_queries(["what time is it", "tell me the current time", "buy milk"])
    assert np.allclose([a @ a, c @ c], 1.0, atol=1e-4)
    assert a @ b > a @ c
    assert static.embed_documents([]).shape == (0, static.dim)


def test_the_static_encoder_without_its_package_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from embeddings.static import WordLlamaEmbedder

    monkeypatch.setitem(sys.modules, "wordllama", None)  # as if it were not installed
    with pytest.raises(MissingDependencyError, match=r"assistant-sdk\[static\]"):
        WordLlamaEmbedder()


def test_a_second_encoder_joins_the_ranking(embedder: Embedder) -> None:
    pytest.importorskip("wordllama")
    from embeddings.static import WordLlamaEmbedder

    ranker = ZeroShotRanker(CATALOGUE, embedder, second=WordLlamaEmbedder())
    assert ranker.rank("what time is it in Tokyo", k=1)[0].name == "get_current_time"


def test_the_late_interaction_stage_rescores_the_catalogue_and_keeps_clear_requests_right(
    embedder: Embedder,
) -> None:
    from assistant_sdk.resolve.zero_shot import ZeroShotWeights

    ranker = ZeroShotRanker(CATALOGUE, embedder, weights=ZeroShotWeights(late=0.25, late_depth=3))
    scores = ranker.scores(["what time is it in Tokyo", "add an observation to Ada"])
    assert scores.shape == (2, len(CATALOGUE)) and np.isfinite(scores).all()
    assert ranker.rank("what time is it in Tokyo", k=1)[0].name == "get_current_time"
    assert ranker.rank("add an observation to Ada", k=1)[0].name == "add_observations"


def test_late_interaction_with_an_encoder_without_token_states_is_a_configuration_error() -> None:
    pytest.importorskip("wordllama")
    from assistant_sdk.resolve.zero_shot import ZeroShotWeights
    from embeddings.static import WordLlamaEmbedder

    with pytest.raises(ConfigurationError, match="token states"):
        ZeroShotRanker(CATALOGUE, WordLlamaEmbedder(), weights=ZeroShotWeights(late=0.25))
