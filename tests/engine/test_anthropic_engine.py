"""AnthropicEngine against a fake Messages API server, through the real anthropic client."""

from __future__ import annotations

import time

import pytest

from assistant_sdk import EngineError, Tool
from assistant_sdk.engines import Message
from assistant_sdk.engines.anthropic import AnthropicEngine

from .fake_anthropic import FakeAnthropic, Respond, error, message

TOOLS = [
    Tool(
        "set_alarm",
        "Set an alarm.",
        "clock",
        {"type": "object", "properties": {"time": {"type": "string"}}},
    ),
    Tool("book_ride", "Book a ride.", "rides"),
]
ASK = [Message("user", "wake me at 7")]


async def test_a_text_answer_comes_back_with_token_usage(
    engine: AnthropicEngine, fake: FakeAnthropic
) -> None:
    fake.script.append(Respond(message("Done.", input_tokens=321, output_tokens=7)))
    turn = await engine.complete(ASK, TOOLS, [])
    assert turn.text == "Done." and turn.usage.input_tokens == 321
    assert turn.usage.output_tokens == 7 and fake.auth[0].endswith("test-key")


async def test_tools_go_sorted_with_cache_control_after_the_system_prompt_and_last_tool(
    engine: AnthropicEngine, fake: FakeAnthropic
) -> None:
    await engine.complete(ASK, TOOLS, ["home: 12 Oak Street"])
    body = fake.requests()[0]
    assert [t["name"] for t in body["tools"]] == ["book_ride", "set_alarm"]
    assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert "home: 12 Oak Street" in body["messages"][0]["content"][0]["text"]


async def test_streaming_yields_text_before_the_finished_turn(
    engine: AnthropicEngine, fake: FakeAnthropic
) -> None:
    fake.script.append(Respond(message("It will be sunny tomorrow")))
    pieces = [p async for p in engine.stream(ASK, TOOLS, [])]
    assert "".join(p for p in pieces if isinstance(p, str)).strip() == "It will be sunny tomorrow"
    assert pieces[-1].text == "It will be sunny tomorrow"  # type: ignore[union-attr]


async def test_a_streamed_tool_call_arrives_with_its_parsed_input(
    engine: AnthropicEngine, fake: FakeAnthropic
) -> None:
    fake.script.append(Respond(message(tools=[("tu_1", "set_alarm", {"time": "07:00"})])))
    turn = [p async for p in engine.stream(ASK, TOOLS, [])][-1]
    assert turn.tool_calls[0].arguments == {"time": "07:00"}  # type: ignore[union-attr]


async def test_a_429_is_retried_after_the_servers_retry_after(
    engine: AnthropicEngine, fake: FakeAnthropic
) -> None:
    fake.script += [
        error(429, "rate_limit_error", "slow down", **{"retry-after": "0.4"}),
        Respond(message("ok")),
    ]
    started = time.perf_counter()
    turn = await engine.complete(ASK, TOOLS, [])
    assert turn.text == "ok" and len(fake.bodies) == 2
    assert time.perf_counter() - started >= 0.4


async def test_an_overloaded_server_fails_with_a_typed_error_after_the_retries(
    engine: AnthropicEngine, fake: FakeAnthropic
) -> None:
    fake.script += [error(529, "overloaded_error", "Overloaded") for _ in range(3)]
    with pytest.raises(EngineError, match="529: Overloaded") as caught:
        await engine.complete(ASK, TOOLS, [])
    assert caught.value.status == 529 and len(fake.bodies) == 3


async def test_a_retry_after_longer_than_a_voice_user_waits_fails_at_once(
    engine: AnthropicEngine, fake: FakeAnthropic
) -> None:
    fake.script.append(error(429, "rate_limit_error", "later", **{"retry-after": "60"}))
    with pytest.raises(EngineError, match="asked to wait 60"):
        await engine.complete(ASK, TOOLS, [])
    assert len(fake.bodies) == 1


async def test_a_400_is_not_retried_and_carries_the_servers_message(
    engine: AnthropicEngine, fake: FakeAnthropic
) -> None:
    fake.script.append(error(400, "invalid_request_error", "tools.0.name: bad name"))
    with pytest.raises(EngineError, match="bad name") as caught:
        await engine.complete(ASK, TOOLS, [])
    assert caught.value.status == 400 and not caught.value.retryable and len(fake.bodies) == 1


async def test_malformed_server_json_is_an_engine_error(
    engine: AnthropicEngine, fake: FakeAnthropic
) -> None:
    fake.script.append(Respond(raw=b'{"id": "msg_1", "content": [ truncated'))
    with pytest.raises(EngineError):
        await engine.complete(ASK, TOOLS, [])


async def test_a_truncated_stream_is_an_engine_error(
    engine: AnthropicEngine, fake: FakeAnthropic
) -> None:
    fake.script.append(Respond(message("this answer is cut off midway"), truncate_after=3))
    with pytest.raises(EngineError):
        async for _ in engine.stream(ASK, TOOLS, []):
            pass


async def test_a_read_timeout_is_an_engine_error(fake: FakeAnthropic) -> None:
    from anthropic import AsyncAnthropic

    slow = AnthropicEngine(
        AsyncAnthropic(base_url=fake.url, api_key="k"), timeout=0.3, max_retries=0
    )
    fake.script.append(Respond(message("late"), delay=1.0))
    with pytest.raises(EngineError):
        await slow.complete(ASK, TOOLS, [])


async def test_connection_refused_is_an_engine_error_after_retries() -> None:
    from anthropic import AsyncAnthropic

    dead = AnthropicEngine(
        AsyncAnthropic(base_url="http://127.0.0.1:9", api_key="k"), backoff=0.01, max_retries=1
    )
    with pytest.raises(EngineError, match="Claude engine failed") as caught:
        await dead.complete(ASK, TOOLS, [])
    assert caught.value.retryable


async def test_a_tool_input_that_is_not_json_becomes_a_flagged_call(
    engine: AnthropicEngine, fake: FakeAnthropic
) -> None:
    fake.script.append(Respond(message(tools=[("tu_1", "set_alarm", "{not json")])))
    turn = await engine.complete(ASK, TOOLS, [])
    assert turn.tool_calls[0].error and turn.tool_calls[0].arguments == {}
