"""The local engine says what happened: checked against the fake OpenAI-compatible server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from assistant_sdk.engines import Message, OpenAICompatibleEngine
from assistant_sdk.errors import (
    ConfigurationError,
    EngineTimeoutError,
    EngineUnreachableError,
    ToolsIgnoredError,
    TruncatedAnswerError,
)
from assistant_sdk.types import Tool

from .fake_openai import FakeOpenAI, completion

RIDE = Tool(
    name="book_ride",
    description="Book a ride to a destination.",
    app="rides",
    parameters={"type": "object", "properties": {"destination": {"type": "string"}}},
)
ASK = [Message("user", "get me a car home")]


@pytest.fixture
def local() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    yield server
    server.close()


async def test_the_output_cap_and_tool_choice_are_sent_with_the_tools(local: FakeOpenAI) -> None:
    await OpenAICompatibleEngine(local.url, model="m", max_tokens=256).complete(ASK, [RIDE], [])
    body = local.bodies[0]
    assert body["max_tokens"] == 256 and body["tool_choice"] == "auto"
    assert body["tools"][0]["function"]["name"] == "book_ride"


async def test_tool_choice_can_be_left_out_for_servers_that_refuse_it(local: FakeOpenAI) -> None:
    engine = OpenAICompatibleEngine(local.url, model="m", tool_choice=None)
    await engine.complete(ASK, [RIDE], [])
    assert "tool_choice" not in local.bodies[0]


async def test_without_tools_neither_tools_nor_tool_choice_is_sent(local: FakeOpenAI) -> None:
    await OpenAICompatibleEngine(local.url, model="m").complete(ASK, [], [])
    assert "tools" not in local.bodies[0] and "tool_choice" not in local.bodies[0]


async def test_a_slow_model_within_the_timeout_is_simply_awaited(local: FakeOpenAI) -> None:
    local.reply(completion("Booked."), delay=1.5)
    engine = OpenAICompatibleEngine(local.url, model="m", timeout=10)
    assert (await engine.complete(ASK, [RIDE], [])).text == "Booked."


async def test_a_timeout_is_a_timeout_error_and_the_request_is_not_resent(
    local: FakeOpenAI,
) -> None:
    local.reply(completion("late"), delay=3)
    engine = OpenAICompatibleEngine(local.url, model="m", timeout=0.5, max_retries=3)
    with pytest.raises(EngineTimeoutError, match=r"within 0\.5 s; a slow model needs"):
        await engine.complete(ASK, [RIDE], [])
    assert len(local.bodies) == 1


async def test_a_refused_connection_is_an_unreachable_error_naming_the_address() -> None:
    engine = OpenAICompatibleEngine("http://127.0.0.1:9", model="m", max_retries=1)
    with pytest.raises(EngineUnreachableError, match=r"Nothing answered at http://127\.0\.0\.1:9"):
        await engine.complete(ASK, [RIDE], [])


async def test_an_answer_cut_at_the_output_cap_is_a_truncation_error_with_the_partial_text(
    local: FakeOpenAI,
) -> None:
    local.reply(completion("Your ride is booked for", finish_reason="length"))
    engine = OpenAICompatibleEngine(local.url, model="m", max_tokens=5)
    with pytest.raises(TruncatedAnswerError, match="max_tokens=5") as caught:
        await engine.complete(ASK, [RIDE], [])
    assert caught.value.partial == "Your ride is booked for"


async def test_a_tool_call_written_as_text_means_the_server_ignored_the_tools(
    local: FakeOpenAI,
) -> None:
    text = 'Sure! {"name": "book_ride", "arguments": {"destination": "home"}}'
    local.reply(completion(text))
    with pytest.raises(ToolsIgnoredError, match="wrote a tool call as text"):
        await OpenAICompatibleEngine(local.url, model="m").complete(ASK, [RIDE], [])


async def test_json_in_an_answer_that_names_no_offered_tool_is_just_text(
    local: FakeOpenAI,
) -> None:
    local.reply(completion('The forecast is {"city": "Paris", "sky": "clear"}.'))
    turn = await OpenAICompatibleEngine(local.url, model="m").complete(ASK, [RIDE], [])
    assert "Paris" in turn.text


async def test_property_keys_are_renamed_on_the_wire_and_mapped_back(local: FakeOpenAI) -> None:
    tool = Tool(
        name="list_items",
        description="List items.",
        app="drive",
        parameters={"type": "object", "properties": {"$top": {"type": "integer"}}},
    )
    local.reply(completion(calls=[("c1", "list_items", json.dumps({"top": 3}))]))
    turn = await OpenAICompatibleEngine(local.url, model="m").complete(ASK, [tool], [])
    assert list(local.bodies[0]["tools"][0]["function"]["parameters"]["properties"]) == ["top"]
    assert turn.tool_calls[0].arguments == {"$top": 3}


def test_a_non_positive_output_cap_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="max_tokens"):
        OpenAICompatibleEngine("http://127.0.0.1:9", model="m", max_tokens=0)
