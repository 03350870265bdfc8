"""The harness loop end to end: the on-device resolver, Claude (a fake Messages API server
spoken to by the real anthropic client) and a real Python app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant_sdk import MaxStepsExceeded, Resolver, ToolRegistry
from assistant_sdk.assistant import Assistant
from assistant_sdk.engines import EngineTurn, ScriptedEngine, ToolCall, Usage
from assistant_sdk.engines.anthropic import AnthropicEngine
from assistant_sdk.trace import TextDelta

from .fake_anthropic import FakeAnthropic, Respond, message

pytestmark = pytest.mark.slow


def tool_results(body: dict) -> list[dict]:  # type: ignore[type-arg]
    return [c for c in body["messages"][-1]["content"] if c["type"] == "tool_result"]


async def test_a_tool_call_runs_and_its_result_returns_before_the_final_answer(
    registry: ToolRegistry,
    resolver: Resolver,
    engine: AnthropicEngine,
    fake: FakeAnthropic,
    log: list[str],
) -> None:
    fake.script += [
        Respond(message(tools=[("tu_1", "book_ride", {"destination": "12 Oak Street"})])),
        Respond(message("Your ride is booked.")),
    ]
    reply = await Assistant(registry, resolver, engine).ahandle("get me a car to my place")
    assert reply.text.strip() == "Your ride is booked." and log == ["book_ride 12 Oak Street"]
    (result,) = tool_results(fake.requests()[1])
    assert json.loads(result["content"]) == {"booked": "PLACE_HOME"}  # the address stays here
    assert reply.usage.input_tokens == 200 and reply.cost_usd > 0
    assert [s.kind for s in reply.steps] == ["resolve", "plan", "engine", "tool", "engine"]
    assert reply.steps[1].detail["planned_by"] == "engine"  # "my place" is no known place


async def test_only_the_selected_tools_and_search_tools_are_sent(
    registry: ToolRegistry,
    resolver: Resolver,
    engine: AnthropicEngine,
    fake: FakeAnthropic,
) -> None:
    await Assistant(registry, resolver, engine, top_k=2).ahandle("will it rain tomorrow")
    sent = [t["name"] for t in fake.requests()[0]["tools"]]
    assert len(sent) == 3 and "search_tools" in sent and "get_weather" in sent


async def test_two_requests_selecting_the_same_tools_share_a_byte_identical_prefix(
    registry: ToolRegistry,
    resolver: Resolver,
    engine: AnthropicEngine,
    fake: FakeAnthropic,
) -> None:
    assistant = Assistant(registry, resolver, engine, top_k=len(registry))
    await assistant.ahandle("will it rain tomorrow")
    await assistant.ahandle("what's the weather like in town")
    a, b = fake.bodies
    prefix = lambda body: body[: body.index(b'"messages"')]  # noqa: E731
    assert prefix(a) == prefix(b)


async def test_parallel_calls_are_all_answered_in_one_message(
    registry: ToolRegistry,
    resolver: Resolver,
    engine: AnthropicEngine,
    fake: FakeAnthropic,
) -> None:
    calls = [("tu_1", "get_weather", {"city": "Paris"}), ("tu_2", "get_weather", {"city": "Rome"})]
    fake.script += [Respond(message(tools=calls)), Respond(message("Sunny in both."))]
    await Assistant(registry, resolver, engine).ahandle("weather in paris and rome")
    results = tool_results(fake.requests()[1])
    assert [r["tool_use_id"] for r in results] == ["tu_1", "tu_2"]
    assert not any(r["is_error"] for r in results)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (("tu_1", "get_weather", {"city": 42}), "Invalid arguments"),
        (("tu_1", "launch_rocket", {}), "was not among the tools provided"),
        (("tu_1", "send email!", {}), "was not among the tools provided"),
        (("tu_1", "bank_balance", {"account": "x"}), "was not among the tools provided"),
    ],
)
async def test_bad_calls_go_back_to_the_engine_as_errors(
    registry: ToolRegistry,
    resolver: Resolver,
    engine: AnthropicEngine,
    fake: FakeAnthropic,
    call: tuple[str, str, dict],
    expected: str,  # type: ignore[type-arg]
) -> None:
    fake.script += [Respond(message(tools=[call])), Respond(message("Sorry."))]
    reply = await Assistant(registry, resolver, engine, top_k=2).ahandle("will it rain")
    (result,) = tool_results(fake.requests()[1])
    assert result["is_error"] and expected in result["content"]
    assert reply.text.strip() == "Sorry."


async def test_a_tool_that_raises_becomes_an_error_result_not_a_crash(
    registry: ToolRegistry,
    resolver: Resolver,
    engine: AnthropicEngine,
    fake: FakeAnthropic,
) -> None:
    fake.script += [
        Respond(message(tools=[("tu_1", "bank_balance", {"account": "checking"})])),
        Respond(message("Down.")),
    ]
    await Assistant(registry, resolver, engine).ahandle("check my bank balance please")
    (result,) = tool_results(fake.requests()[1])
    assert result["is_error"] and "bank app is offline" in result["content"]


async def test_search_tools_is_answered_on_the_device_and_makes_found_tools_callable(
    registry: ToolRegistry,
    resolver: Resolver,
    engine: AnthropicEngine,
    fake: FakeAnthropic,
) -> None:
    fake.script += [
        Respond(message(tools=[("tu_1", "search_tools", {"query": "play music"})])),
        Respond(message(tools=[("tu_2", "play_music", {"query": "jazz"})])),
        Respond(message("Playing.")),
    ]
    reply = await Assistant(registry, resolver, engine, top_k=1).ahandle("will it rain")
    found = json.loads(tool_results(fake.requests()[1])[0]["content"])
    assert "play_music" in [t["name"] for t in found]
    assert "play_music" in [t["name"] for t in fake.requests()[2]["tools"]]
    assert reply.tool_runs[-1].result == "playing jazz"


async def test_an_injected_instruction_in_a_tool_result_cannot_delete_without_confirmation(
    registry: ToolRegistry,
    resolver: Resolver,
    engine: AnthropicEngine,
    fake: FakeAnthropic,
    log: list[str],
) -> None:
    fake.script += [
        Respond(message(tools=[("tu_1", "read_note", {"title": "milk"})])),
        Respond(message(tools=[("tu_2", "delete_note", {"title": "milk"})])),
        Respond(message("I did not delete anything.")),
    ]
    asked: list[str] = []
    assistant = Assistant(
        registry,
        resolver,
        engine,
        top_k=6,
        confirm=lambda tool, args: asked.append(tool.name) or False,
        plan_on_device=False,  # the device could read this note itself; make the engine do it
    )
    await assistant.ahandle("read my note about milk")
    assert asked == ["delete_note"] and not any(e.startswith("delete_note") for e in log)
    (result,) = tool_results(fake.requests()[2])
    assert result["is_error"] and "did not confirm" in result["content"]


async def test_the_loop_stops_at_max_steps_with_the_partial_trace(
    registry: ToolRegistry,
    resolver: Resolver,
) -> None:
    call = ToolCall("x", "get_weather", {"city": "Oslo"})
    again = EngineTurn(tool_calls=(call,), usage=Usage(10, 1))
    engine = ScriptedEngine(lambda messages, tools, facts: again)
    with pytest.raises(MaxStepsExceeded) as caught:
        await Assistant(registry, resolver, engine, max_steps=3).ahandle("will it rain")
    assert len(caught.value.trace.engine_calls) == 3


async def test_a_repeated_call_id_is_never_executed_twice(
    registry: ToolRegistry,
    resolver: Resolver,
    log: list[str],
) -> None:
    call = ToolCall("same", "book_ride", {"destination": "home"})
    engine = ScriptedEngine(
        [EngineTurn(tool_calls=(call,)), EngineTurn(tool_calls=(call,)), EngineTurn(text="done")]
    )
    await Assistant(registry, resolver, engine, plan_on_device=False).ahandle("get me a car home")
    assert log == ["book_ride home"]


async def test_without_an_engine_the_reply_says_so_and_what_it_would_send(
    registry: ToolRegistry,
    resolver: Resolver,
) -> None:
    reply = await Assistant(registry, resolver).ahandle("book me a ride to the airport")
    assert reply.planned_by == "none" and "none is configured" in reply.text
    assert "book_ride" in reply.would_send


async def test_stream_yields_text_deltas_before_the_reply(
    registry: ToolRegistry,
    resolver: Resolver,
    engine: AnthropicEngine,
    fake: FakeAnthropic,
) -> None:
    fake.script.append(Respond(message("It will be sunny all day")))
    events = [e async for e in Assistant(registry, resolver, engine).stream("will it rain")]
    deltas = [e for e in events if isinstance(e, TextDelta)]
    assert len(deltas) > 1 and events.index(deltas[0]) < len(events) - 1


async def test_a_confident_request_without_arguments_runs_on_the_device_with_zero_tokens(
    registry: ToolRegistry,
    resolver: Resolver,
    engine: AnthropicEngine,
    fake: FakeAnthropic,
    log: list[str],
) -> None:
    reply = await Assistant(registry, resolver, engine).ahandle("what alarms are set")
    assert reply.planned_by == "device" and log == ["list_alarms"]
    assert fake.bodies == [] and reply.usage.input_tokens == 0


async def test_executed_writes_are_audited_and_reads_and_refusals_are_not(
    registry: ToolRegistry, resolver: Resolver, tmp_path: Path
) -> None:
    from assistant_sdk.acting import AuditLog

    calls = (
        ToolCall("a", "book_ride", {"destination": "home"}),
        ToolCall("b", "get_weather", {"city": "Oslo"}),
        ToolCall("c", "delete_note", {"title": "milk"}),
    )
    engine = ScriptedEngine([EngineTurn(tool_calls=calls), EngineTurn(text="done")])
    audit = AuditLog(tmp_path / "audit.jsonl")
    assistant = Assistant(
        registry,
        resolver,
        engine,
        top_k=7,
        max_tools=7,
        confirm=lambda tool, args: False,
        audit=audit,
    )
    await assistant.ahandle("get me a car home and tell me the weather")
    entries = [json.loads(line) for line in audit.path.read_text().splitlines()]
    assert [e["tool"] for e in entries] == ["book_ride"] and audit.verify().ok
