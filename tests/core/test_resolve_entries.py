"""Every kind of index entry counts as evidence for the tool it belongs to."""

from __future__ import annotations

import pytest

from assistant_sdk import Resolver, Tool, ToolRegistry
from assistant_sdk.reading.examples import INDEX_FILLINGS, index_fillings, index_masked
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


def test_a_request_that_says_values_can_score_by_an_example_filled_with_others(
    embedder: Embedder,
) -> None:
    params = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "who to call"},
            "when": {"type": "string", "description": "when, YYYY-MM-DDTHH:MM"},
        },
    }
    tool = Tool("call_later", "Call someone later.", "phone", params,
                examples=("call {name} {when}",))  # fmt: skip
    resolver = Resolver(embedder, ToolRegistry([tool]))
    resolver.build()
    held = sorted(t for i, t in resolver._texts.items() if i.startswith("e:"))
    assert len(held) == 1 + INDEX_FILLINGS + len(index_masked(tool)) == 2 + INDEX_FILLINGS
    filling = index_fillings(tool)[-1]
    top = resolver.resolve(filling).top
    assert top is not None and top.example == filling and top.dense > 0.95


def test_a_request_whose_values_are_masked_scores_by_the_masked_example(
    embedder: Embedder,
) -> None:
    params = {
        "type": "object",
        "properties": {
            "text": {"type": "string", "description": "What to remember."},
            "due": {"type": "string", "description": "When, YYYY-MM-DDTHH:MM."},
        },
    }
    tool = Tool("add_reminder", "Add a reminder.", "reminders", params,
                examples=("remind me to {text} {due}",))  # fmt: skip
    resolver = Resolver(embedder, ToolRegistry([tool]))
    resolver.build()
    top = resolver.resolve("remind me to something on Friday at 4pm").top
    assert top is not None and top.example == "remind me to something then"
