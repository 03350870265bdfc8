"""Cards and fusion for tools without examples (pure functions)."""

from __future__ import annotations

import numpy as np

from assistant_sdk.resolve.cards import tool_cards, tool_document
from assistant_sdk.resolve.ranking import rrf, standardise
from assistant_sdk.types import Tool

CONVERT = Tool(
    name="convert_time",
    description="Convert time between timezones. Uses IANA names.",
    app="clock",
    parameters={
        "type": "object",
        "properties": {
            "source_timezone": {"type": "string", "description": "Source IANA timezone name."},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
    },
)


def test_a_tool_gets_a_card_for_its_description_and_one_for_its_parameters() -> None:
    cards = tool_cards(CONVERT)
    assert cards[1] == "convert time: Convert time between timezones."
    assert (
        cards[2]
        == "convert time: source timezone; Source IANA timezone name.; unit; celsius; fahrenheit"
    )


def test_a_one_sentence_tool_without_parameters_needs_only_one_card() -> None:
    bare = Tool(name="read_graph", description="Read the whole graph.", app="m")
    assert tool_cards(bare) == ["read graph: Read the whole graph."]


def test_the_lexical_document_weights_the_name_and_holds_enum_values() -> None:
    document = tool_document(CONVERT)
    assert document.count("convert time") == 2 and "fahrenheit" in document


def test_standardised_rows_have_zero_mean_and_unit_spread() -> None:
    z = standardise(np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]]))
    assert np.allclose(z[0], [-1.2247, 0.0, 1.2247], atol=1e-4)
    assert np.allclose(z[1], 0.0)  # a flat row stays flat instead of dividing by zero


def test_reciprocal_rank_fusion_prefers_what_both_rankings_place_high() -> None:
    a = np.array([[0.9, 0.8, 0.7]])  # ranks 1 2 3
    b = np.array([[0.7, 0.9, 0.8]])  # ranks 3 1 2: the second is placed highest overall
    assert int(np.argmax(rrf([a, b]))) == 1
