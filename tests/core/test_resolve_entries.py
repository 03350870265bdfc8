"""Every kind of index entry counts as evidence for the tool it belongs to."""

from __future__ import annotations

import pytest

from assistant_sdk import Resolver, Tool, ToolRegistry
from assistant_sdk.resolve.cards import tool_cards
from embeddings.base import Embedder

pytestmark = pytest.mark.slow


def zero_shot_tools() -> list[Tool]:
    return [
        Tool(
            "convert_currency",
            "Convert an amount of money. Uses the day's exchange rates.",
            "finance",
            {
                "type": "object",
                "properties": {
                    "amount": {"type": "number", "description": "how much money"},
                    "target": {"type": "string", "enum": ["EUR", "USD", "JPY"]},
                },
            },
        ),
        Tool("play_music", "Play a song, an album or a playlist.", "music", {"type": "object"}),
    ]


def test_a_tool_without_examples_scores_by_its_best_card(embedder: Embedder) -> None:
    tools = zero_shot_tools()
    resolver = Resolver(embedder, ToolRegistry(tools))
    resolver.build()
    extra = tool_cards(tools[0])[-1]
    top = resolver.resolve(extra).top
    assert top is not None and top.tool.name == "convert_currency"
    assert top.example == extra and top.dense > 0.99
