"""Tool schemas the Claude API refuses are rewritten for it and the arguments mapped back:
checked against the fake Messages API server, which refuses what the real API refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant_sdk import ToolRegistry
from assistant_sdk.engines import Message, ToolCall
from assistant_sdk.engines.anthropic import AnthropicEngine
from assistant_sdk.engines.schemas import (
    ANTHROPIC,
    OPENAI,
    EngineSchemaWarning,
    engine_changes,
    wire_tool,
)
from assistant_sdk.types import Tool

from .fake_anthropic import FakeAnthropic, Respond, message

LONG = "settings__approved__or__denied__countries__or__regions__approved__list"  # 70 chars
WILD = Tool(
    name="list_items",
    description="List the items of a drive.",
    app="drive",
    parameters={
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "filter[id]": {"type": "string"},
            "$top": {"type": "integer"},
            "user name": {"type": "string"},
            LONG: {"type": "boolean"},
            "options": {
                "type": "object",
                "properties": {"@odata.type": {"type": "string"}},
            },
        },
        "required": ["filter[id]"],
    },
)
UNION = Tool(
    name="find",
    description="Find by id or by path.",
    app="drive",
    parameters={
        "type": "object",
        "properties": {"limit": {"type": "integer"}},
        "anyOf": [
            {"properties": {"id": {"type": "string"}}, "required": ["id"]},
            {"properties": {"path": {"type": "string"}}, "required": ["path"]},
        ],
    },
)


async def test_a_request_with_keys_the_api_refuses_is_accepted_once_rewritten(
    fake: FakeAnthropic, engine: AnthropicEngine
) -> None:
    wire = wire_tool(WILD, ANTHROPIC)
    sent_keys = list(wire.schema["properties"])
    assert sent_keys[:3] == ["filter.id", "top", "user_name"]
    answer = {"filter.id": "42", "top": 5, sent_keys[3]: True, "options": {"odata.type": "x"}}
    fake.script.append(Respond(message(tools=[("tu_1", "list_items", answer)])))
    turn = await engine.complete([Message("user", "list my files")], [WILD, UNION], [])
    body = fake.requests()[0]
    assert "$schema" not in body["tools"][1]["input_schema"]
    (call,) = turn.tool_calls
    assert call.arguments == {
        "filter[id]": "42",
        "$top": 5,
        LONG: True,
        "options": {"@odata.type": "x"},
    }


async def test_the_unrewritten_schema_is_what_the_fake_api_refuses(fake: FakeAnthropic) -> None:
    import httpx

    body = {"model": "m", "max_tokens": 1, "messages": [], "tools": [
        {"name": "list_items", "description": "d", "input_schema": WILD.parameters}
    ]}  # fmt: skip
    response = httpx.post(f"{fake.url}/v1/messages", json=body, headers={"x-api-key": "k"})
    assert response.status_code == 400
    assert "Property keys should match pattern" in response.json()["error"]["message"]


def test_a_top_level_union_is_flattened_into_one_object() -> None:
    schema = wire_tool(UNION, ANTHROPIC).schema
    assert "anyOf" not in schema
    assert set(schema["properties"]) == {"limit", "id", "path"}
    assert "required" not in schema  # neither id nor path is required by every variant


def test_required_follows_renamed_keys() -> None:
    assert wire_tool(WILD, ANTHROPIC).schema["required"] == ["filter.id"]


def test_every_renamed_key_fits_the_api_pattern_and_stays_distinct() -> None:
    keys = list(wire_tool(WILD, ANTHROPIC).schema["properties"])
    assert all(ANTHROPIC.key_pattern and ANTHROPIC.key_pattern.match(k) for k in keys)
    assert len(set(keys)) == len(keys) == 5


def test_keys_that_collide_once_cleaned_get_distinct_names_and_map_back() -> None:
    tool = Tool(
        name="t",
        description="d",
        app="x",
        parameters={"type": "object", "properties": {"a b": {}, "a_b": {}, "a[b]": {}, "a.b": {}}},
    )
    wire = wire_tool(tool, ANTHROPIC)
    keys = list(wire.schema["properties"])
    assert len(set(keys)) == 4
    args = {k: i for i, k in enumerate(keys)}
    assert wire.keys.restore(args) == {k: i for i, k in enumerate(tool.parameters["properties"])}


def test_arguments_map_to_the_wire_and_back_unchanged() -> None:
    keys = wire_tool(WILD, ANTHROPIC).keys
    original: dict[str, Any] = {"filter[id]": "1", "$top": 2, "options": {"@odata.type": "y"}}
    assert keys.restore(keys.to_wire(original)) == original


def test_a_schema_every_engine_accepts_is_sent_byte_identical() -> None:
    tool = Tool(
        name="get_weather",
        description="Get the weather.",
        app="x",
        parameters={"type": "object", "properties": {"city": {"type": "string"}}},
    )
    wire = wire_tool(tool, ANTHROPIC)
    assert json.dumps(wire.schema) == json.dumps(tool.parameters) and not wire.changes
    assert engine_changes(tool) == []


async def test_earlier_calls_in_the_conversation_are_sent_in_the_engines_names(
    fake: FakeAnthropic, engine: AnthropicEngine
) -> None:
    history = [
        Message("user", "list my files"),
        Message("assistant", tool_calls=(ToolCall("tu_0", "list_items", {"filter[id]": "7"}),)),
    ]
    await engine.complete(history, [WILD], [])
    sent = fake.requests()[0]["messages"][1]["content"][0]
    assert sent["input"] == {"filter.id": "7"}


def test_long_descriptions_are_shortened_only_for_the_engine_that_limits_them() -> None:
    tool = Tool(name="t", description="word " * 400, app="x", parameters={"type": "object"})
    assert len(wire_tool(tool, OPENAI).description) <= 1024
    assert wire_tool(tool, ANTHROPIC).description == tool.description


def test_registering_a_tool_the_engines_would_refuse_warns_once_saying_what_changes() -> None:
    with pytest.warns(EngineSchemaWarning) as caught:
        ToolRegistry([WILD, UNION])
    assert len(caught) == 1
    text = str(caught[0].message)
    assert "2 tool schema(s) rewritten" in text
    assert "anthropic, openai: property 'filter[id]' sent as 'filter.id'" in text
    assert "top-level anyOf flattened" in text and "'$schema' dropped" in text
