"""Annotated example phrases: placeholders name parameters and are filled before indexing."""

from __future__ import annotations

import pytest

from assistant_sdk import ToolDefinitionError, ToolRegistry
from assistant_sdk.reading.examples import fill_example, index_examples, parse_example
from assistant_sdk.types import Tool

PARAMS = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "description": "What to remember."},
        "due": {"type": "string", "description": "When, YYYY-MM-DDTHH:MM."},
    },
    "required": ["text"],
}


def _tool(*examples: str) -> Tool:
    return Tool("add_reminder", "Add a reminder.", "reminders", PARAMS, examples=examples)


def test_an_example_splits_into_literal_text_and_placeholders() -> None:
    pieces = parse_example("remind me to {text} at {due}")
    assert [(p.text, p.parameter) for p in pieces] == [
        ("remind me to ", None),
        ("{text}", "text"),
        (" at ", None),
        ("{due}", "due"),
    ]


def test_doubled_braces_are_literal_braces() -> None:
    assert [p.text for p in parse_example("say {{hi}}")] == ["say {hi}"]


def test_filling_an_example_records_where_each_value_went() -> None:
    text, spans = fill_example("remind me to {text} at {due}", {"text": "buy milk", "due": "7"}.get)  # type: ignore[arg-type]
    assert text == "remind me to buy milk at 7"
    assert [(name, text[a:b]) for name, a, b in spans] == [("text", "buy milk"), ("due", "7")]


def test_the_index_embeds_annotated_examples_filled_and_plain_ones_as_they_are() -> None:
    tool = _tool("remind me to buy milk", "remind me to {text} {due}")
    plain, filled = index_examples(tool)
    assert plain == "remind me to buy milk"
    assert "{" not in filled and filled.startswith("remind me to ")
    assert index_examples(tool) == (plain, filled)  # the same every time: the index does not churn


def test_a_placeholder_that_names_no_parameter_is_refused_at_registration() -> None:
    with pytest.raises(ToolDefinitionError, match="'when'"):
        ToolRegistry([_tool("remind me to {text} at {when}")])


def test_a_malformed_placeholder_is_refused_at_registration() -> None:
    with pytest.raises(ToolDefinitionError, match="placeholder"):
        ToolRegistry([_tool("remind me to {text at 7")])


def test_a_manifest_carries_annotated_examples_and_names_the_entry_at_fault() -> None:
    from assistant_sdk.manifest import dump_manifest, load_manifest

    (tool,) = load_manifest(dump_manifest([_tool("remind me to {text} {due}")]))
    assert tool.examples == ("remind me to {text} {due}",)
    entry = {"name": "x", "description": "X.", "examples": ["do {nothing}"]}
    with pytest.raises(ToolDefinitionError, match=r"tools\[0\] \('x'\)"):
        load_manifest([entry])
