"""The resolver's BM25 for tools without examples: standardised and trusted by rarity."""

from __future__ import annotations

import numpy as np
import pytest

from assistant_sdk import Tool, ToolRegistry
from assistant_sdk.resolve.rarity import WordRarity
from assistant_sdk.resolve.resolver import Resolver
from embeddings.base import Embedder

pytestmark = pytest.mark.slow

EMPTY = {"type": "object", "properties": {}}


def catalogue() -> list[Tool]:
    return [
        Tool("get_current_time", "Get the current time in a time zone such as Tokyo.", "clock"),
        Tool("read_graph", "Read everything known about the user's knowledge graph.", "memory"),
        Tool("add_note", "Add a note about anything.", "notes", EMPTY, ("note that down",)),
    ]


@pytest.fixture
def resolver(embedder: Embedder) -> Resolver:
    r = Resolver(embedder, ToolRegistry(catalogue()))
    r.build()
    return r


def lexical(resolver: Resolver, request: str) -> dict[str, float]:
    f = resolver.features(request)
    return {resolver.tools[t].name: float(s) for t, s in zip(f.tools, f.lexical, strict=True)}


def test_tools_with_examples_keep_their_raw_lexical_evidence(resolver: Resolver) -> None:
    request = "tell me about my notes"
    docs, raw = resolver._lexical.scores(request)  # type: ignore[union-attr]
    position = next(n for n, t in enumerate(resolver.tools) if t.name == "add_note")
    assert lexical(resolver, request)["add_note"] == pytest.approx(
        float(raw[np.flatnonzero(docs == position)[0]])
    )


def test_a_word_the_language_uses_most_lends_a_bare_tool_no_lexical_evidence(
    resolver: Resolver,
) -> None:
    resolver._lexical._rarity = WordRarity({"about": 1, "tokyo": 30000})
    common = lexical(resolver, "what do you know about tea")
    rare = lexical(resolver, "the hour in tokyo")
    assert common["read_graph"] == 0.0 and common["add_note"] > 0.0  # examples: raw BM25
    assert rare["get_current_time"] > 0.0


def test_bare_tools_lexical_evidence_is_in_the_dense_scores_units(resolver: Resolver) -> None:
    f = resolver.features("the hour in tokyo")
    clock = next(n for n, t in enumerate(f.tools) if resolver.tools[t].name == "get_current_time")
    # standardised: a lone match is worth a fixed number of the dense scores' spreads
    assert f.lexical[clock] > float(f.dense.std())
