"""OpenAICompatibleEngine against a fake local model server, through the harness loop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant_sdk import EngineError, Resolver, ToolRegistry
from assistant_sdk.assistant import Assistant
from assistant_sdk.engines import Message, OpenAICompatibleEngine

from .fake_openai import FakeOpenAI, completion

pytestmark = pytest.mark.slow


@pytest.fixture
def local() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    yield server
    server.close()


async def test_a_local_model_calls_a_device_tool_through_the_loop(
    registry: ToolRegistry, resolver: Resolver, local: FakeOpenAI, log: list[str]
) -> None:
    local.reply(completion(calls=[("call_1", "book_ride", '{"destination": "home"}')]))
    local.reply(completion("Booked."))
    engine = OpenAICompatibleEngine(local.url, model="llama-3.2-3b")
    assistant = Assistant(registry, resolver, engine, plan_on_device=False)
    reply = await assistant.ahandle("get me a car home")
    assert reply.text == "Booked." and log == ["book_ride home"]
    first, second = local.bodies
    assert first["tools"][0]["type"] == "function" and first["model"] == "llama-3.2-3b"
    assert second["messages"][-1] == {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": '{"booked": "home"}',
    }
    assert reply.cost_usd == 0.0 and reply.usage.input_tokens == 100


async def test_arguments_that_are_not_json_become_a_flagged_call(local: FakeOpenAI) -> None:
    local.reply(completion(calls=[("c1", "book_ride", "{destination: home")]))
    turn = await OpenAICompatibleEngine(local.url, model="m").complete(
        [Message("user", "ride")], [], []
    )
    assert turn.tool_calls[0].error and turn.tool_calls[0].arguments == {}


async def test_an_error_status_carries_the_servers_message(local: FakeOpenAI) -> None:
    local.reply({"error": {"message": "model 'm' not found"}}, status=404)
    with pytest.raises(EngineError, match="model 'm' not found") as caught:
        await OpenAICompatibleEngine(local.url, model="m").complete([Message("user", "hi")], [], [])
    assert caught.value.status == 404


async def test_a_local_engine_that_is_down_is_a_clear_error() -> None:
    engine = OpenAICompatibleEngine("http://127.0.0.1:9/v1", model="m", max_retries=0)
    with pytest.raises(EngineError, match="Nothing answered at"):
        await engine.complete([Message("user", "hi")], [], [])
