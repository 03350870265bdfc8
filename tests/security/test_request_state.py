"""State belongs to the request: concurrent requests, call ids, at-most-once writes,
cancellation and the audit's ``confirmed``, on one shared ``Assistant``."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from app_adapters import PythonApp
from assistant_sdk import (
    Assistant,
    AuditLog,
    EngineTurn,
    FactStore,
    Resolver,
    Risk,
    Tool,
    ToolCall,
    ToolRegistry,
)
from assistant_sdk.engines.base import Message
from embeddings.base import Embedder

pytestmark = pytest.mark.slow


class Planner:
    """An engine that plays one list of turns per request text, and can hold a request's first
    turn until the test lets it go."""

    name = "planner"

    def __init__(self, plans: Mapping[str, Sequence[EngineTurn]]) -> None:
        self.plans = plans
        self.held: dict[str, asyncio.Event] = {}
        self.waiting: dict[str, asyncio.Event] = {}

    def hold(self, request: str) -> None:
        self.held[request], self.waiting[request] = asyncio.Event(), asyncio.Event()

    async def complete(
        self, messages: Sequence[Message], tools: Sequence[Tool], facts: Sequence[str]
    ) -> EngineTurn:
        request = messages[0].text
        step = sum(m.role == "assistant" for m in messages)
        if step == 0 and request in self.held:
            self.waiting[request].set()
            await self.held[request].wait()
        turns = self.plans[request]
        return turns[step] if step < len(turns) else EngineTurn("Done.")

    async def stream(
        self, messages: Sequence[Message], tools: Sequence[Tool], facts: Sequence[str]
    ) -> AsyncIterator[str | EngineTurn]:
        yield await self.complete(messages, tools, facts)


def calls(*planned: tuple[str, str, dict[str, Any]]) -> EngineTurn:
    return EngineTurn(tool_calls=tuple(ToolCall(*c) for c in planned), stop_reason="tool_use")


def jot_app(log: list[str], started: threading.Event, finished: threading.Event) -> PythonApp:
    app = PythonApp("jot")

    @app.tool(examples=["delete the note"], risk="destructive", data_classes=["notes"])
    def delete_jotting(title: str) -> str:
        """Delete a jotting."""
        log.append(f"delete {title}")
        return "deleted"

    @app.tool(examples=["jot down milk"], risk="write", data_classes=["notes"])
    def jot(text: str) -> str:
        """Jot a line down."""
        log.append(f"jot {text}")
        return "jotted"

    @app.tool(examples=["jot down slowly"], risk="write", data_classes=["notes"], timeout=0.2)
    def slow_jot(text: str) -> str:
        """Jot a line down, slowly."""
        started.set()
        time.sleep(0.5)
        log.append(f"slow {text}")
        finished.set()
        return "jotted"

    return app


@pytest.fixture
def log() -> list[str]:
    return []


@pytest.fixture
def started() -> threading.Event:
    return threading.Event()


@pytest.fixture
def finished() -> threading.Event:
    return threading.Event()


@pytest.fixture
def registry(log: list[str], started: threading.Event, finished: threading.Event) -> ToolRegistry:
    registry = ToolRegistry()
    registry.add_app(jot_app(log, started, finished))
    return registry


@pytest.fixture
def resolver(embedder: Embedder, registry: ToolRegistry) -> Resolver:
    resolver = Resolver(embedder, registry, FactStore(":memory:"))
    resolver.build()
    return resolver


def assistant(
    registry: ToolRegistry, resolver: Resolver, engine: Planner, **options: Any
) -> Assistant:
    return Assistant(registry, resolver, engine, plan_on_device=False, **options)


async def settle(finished: threading.Event) -> None:
    """Let a tool thread that outlived its timeout finish, so the log shows all it did."""
    assert await asyncio.to_thread(finished.wait, 10)


async def test_a_call_id_another_request_used_is_checked_and_run_on_its_own(
    registry: ToolRegistry, resolver: Resolver, log: list[str]
) -> None:
    engine = Planner(
        {
            "delete note A": [calls(("tu_1", "delete_jotting", {"title": "A"}))],
            "delete note B": [calls(("tu_1", "delete_jotting", {"title": "B"}))],
        }
    )
    asked: list[str] = []

    def confirm(tool: Tool, arguments: Mapping[str, Any]) -> bool:
        asked.append(arguments["title"])
        return bool(arguments["title"] == "A")

    shared = assistant(registry, resolver, engine, confirm=confirm)
    engine.hold("delete note B")
    second = asyncio.create_task(shared.ahandle("delete note B"))
    await engine.waiting["delete note B"].wait()
    first = await shared.ahandle("delete note A")
    engine.held["delete note B"].set()
    refused = await second
    assert asked == ["A", "B"] and log == ["delete A"]
    assert not first.tool_runs[0].is_error
    assert refused.tool_runs[0].is_error and "did not confirm" in refused.tool_runs[0].result


async def test_two_calls_sharing_an_id_both_get_a_result_and_the_second_does_not_run(
    registry: ToolRegistry, resolver: Resolver, log: list[str]
) -> None:
    turn = calls(("tu_1", "jot", {"text": "milk"}), ("tu_1", "jot", {"text": "eggs"}))
    reply = await assistant(registry, resolver, Planner({"jot both": [turn]})).ahandle("jot both")
    first, second = reply.tool_runs
    assert log == ["jot milk"] and first.call_id != second.call_id
    assert not first.is_error and second.is_error and "already used" in second.result


async def test_a_call_without_an_id_gets_an_error_result_and_does_not_run(
    registry: ToolRegistry, resolver: Resolver, log: list[str]
) -> None:
    turn = calls(("", "jot", {"text": "milk"}))
    reply = await assistant(registry, resolver, Planner({"jot it": [turn]})).ahandle("jot it")
    (run,) = reply.tool_runs
    assert log == [] and run.is_error and "no id" in run.result and run.call_id


async def test_a_timed_out_write_is_reported_as_may_have_run_and_never_retried(
    registry: ToolRegistry,
    resolver: Resolver,
    log: list[str],
    finished: threading.Event,
    tmp_path: Path,
) -> None:
    again = [calls(("a", "slow_jot", {"text": "x"})), calls(("b", "slow_jot", {"text": "x"}))]
    audit = AuditLog(tmp_path / "audit.jsonl")
    engine = Planner({"jot slowly": again})
    reply = await assistant(registry, resolver, engine, audit=audit).ahandle("jot slowly")
    await settle(finished)
    timed_out, retried = reply.tool_runs
    assert "may have run" in timed_out.result and "not run again" in retried.result
    assert log == ["slow x"]
    assert [e["outcome"] for e in audit.entries()] == ["unknown"]


async def test_a_write_the_request_was_cancelled_during_is_audited(
    registry: ToolRegistry,
    resolver: Resolver,
    log: list[str],
    started: threading.Event,
    finished: threading.Event,
    tmp_path: Path,
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    engine = Planner({"jot slowly": [calls(("a", "slow_jot", {"text": "x"}))]})
    task = asyncio.create_task(
        assistant(registry, resolver, engine, audit=audit).ahandle("jot slowly")
    )
    await asyncio.to_thread(started.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await settle(finished)
    assert log == ["slow x"]
    assert [(e["tool"], e["outcome"]) for e in audit.entries()] == [("slow_jot", "cancelled")]


class Sender:
    """An app adapter whose call acts at once, before its first await (as many do)."""

    name = "sender"

    def __init__(self) -> None:
        self.sent: list[str] = []

    def tools(self) -> Sequence[Tool]:
        schema = {"type": "object", "properties": {"to": {"type": "string"}}, "required": ["to"]}
        return [Tool("send_now", "Send a message now.", "sender", schema, ("send it",), Risk.WRITE)]

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> Any:
        self.sent.append(arguments["to"])
        return "sent"


async def test_no_side_effect_runs_once_the_request_is_cancelled(
    embedder: Embedder, tmp_path: Path
) -> None:
    sender, registry = Sender(), ToolRegistry()
    registry.add_app(sender)
    resolver = Resolver(embedder, registry, FactStore(":memory:"))
    resolver.build()
    audit = AuditLog(tmp_path / "audit.jsonl")

    def cancel_then_yes(tool: Tool, arguments: Mapping[str, Any]) -> bool:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()  # the user hung up while the question was on screen
        return True

    engine = Planner({"send it": [calls(("a", "send_now", {"to": "Sam"}))]})
    shared = assistant(
        registry, resolver, engine, audit=audit, confirm=cancel_then_yes, confirm_writes=True
    )
    request = asyncio.create_task(shared.ahandle("send it"))
    with pytest.raises(asyncio.CancelledError):
        await request
    assert sender.sent == [] and audit.entries() == []


async def test_confirmed_in_the_audit_means_this_calls_own_yes(
    registry: ToolRegistry, resolver: Resolver, tmp_path: Path
) -> None:
    engine = Planner(
        {
            "delete note A": [calls(("tu_1", "delete_jotting", {"title": "A"}))],
            "jot milk": [calls(("tu_1", "jot", {"text": "milk"}))],
        }
    )
    audit = AuditLog(tmp_path / "audit.jsonl")
    shared = assistant(registry, resolver, engine, audit=audit, confirm=lambda t, a: True)
    await shared.ahandle("delete note A")
    await shared.ahandle("jot milk")
    assert [(e["tool"], e["confirmed"]) for e in audit.entries()] == [
        ("delete_jotting", True),
        ("jot", False),
    ]
