"""The harness loop: resolve → plan → check → dispatch, until the engine answers.

    assistant = Assistant(registry, resolver, AnthropicEngine(client))
    reply = assistant.handle("book me a ride home")

``stream`` yields the same steps as they happen (text deltas included), so a voice front end
can speak the first words early; ``ahandle``/``handle`` collect them into a ``Reply``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import TYPE_CHECKING

from .audit import AuditLog
from .dispatch import Confirm, Dispatcher, as_result
from .engines.base import Engine, EngineTurn, Message, ToolCall, ToolResult
from .errors import MaxStepsExceeded
from .prompts import SEARCH_TOOLS_DESCRIPTION, SEARCH_TOOLS_NAME, SEARCH_TOOLS_PARAMETERS
from .tools import ToolRegistry
from .trace import PRICES, EngineCall, Reply, Step, TextDelta, ToolRun, cost_usd
from .types import Decision, Resolution, Tool

if TYPE_CHECKING:
    from .resolve import Resolver

__all__ = ["Assistant", "Event"]

Event = Step | TextDelta | EngineCall | ToolRun | Reply
SEARCH = Tool(SEARCH_TOOLS_NAME, SEARCH_TOOLS_DESCRIPTION, "device", SEARCH_TOOLS_PARAMETERS)
"""The on-device tool search the engine can always call."""


class Assistant:
    def __init__(
        self,
        registry: ToolRegistry,
        resolver: Resolver,
        engine: Engine | None = None,
        *,
        max_steps: int = 8,
        top_k: int = 5,
        max_tools: int = 10,
        coverage: float = 0.9,
        confirm: Confirm | None = None,
        confirm_writes: bool = False,
        audit: AuditLog | None = None,
        prices: Mapping[str, tuple[float, float, float, float]] | None = None,
    ) -> None:
        self.registry = registry
        self.resolver = resolver
        self.engine = engine
        self.max_steps = max_steps
        self.top_k = top_k
        self.max_tools = max_tools
        self.coverage = coverage
        self.prices = {**PRICES, **(prices or {})}
        self.dispatcher = Dispatcher(
            registry, confirm=confirm, confirm_writes=confirm_writes, audit=audit
        )

    def handle(self, request: str) -> Reply:
        """Handle one request to the end (a thin wrapper over ``ahandle``)."""
        return asyncio.run(self.ahandle(request))

    async def ahandle(self, request: str) -> Reply:
        async for event in self.stream(request):
            if isinstance(event, Reply):
                return event
        raise AssertionError("stream ended without a reply")

    async def stream(self, request: str) -> AsyncIterator[Event]:
        trace = _Trace()
        self.dispatcher.reset()
        started = time.perf_counter()
        resolution = self.resolver.resolve(request)
        yield trace.add(
            Step(
                "resolve",
                resolution.decision.value,
                _ms(started),
                {"candidates": [c.tool.name for c in resolution.candidates]},
            )
        )
        if resolution.decision is Decision.OUT_OF_SCOPE and self.engine is None:
            yield trace.reply("No app on this device can do that.", resolution, "device")
            return
        if _runs_on_device(resolution):
            async for event in self._on_device(resolution, trace):
                yield event
            return
        if self.engine is None:
            sent = tuple(t.name for t in self.select(resolution))
            text = "This request needs an engine to plan it, and none is configured."
            yield trace.reply(text, resolution, "none", would_send=sent)
            return
        async for event in self._with_engine(self.engine, request, resolution, trace):
            yield event

    def select(self, resolution: Resolution) -> list[Tool]:
        """The tools the engine receives: the ``top_k`` best, and more (up to ``max_tools``)
        while they are needed to cover ``coverage`` of the probability: a sure device sends few
        tools, an unsure one a few more."""
        chosen: list[Tool] = []
        mass = 0.0
        for candidate in resolution.candidates[: self.max_tools]:
            if len(chosen) >= self.top_k and mass >= self.coverage:
                break
            chosen.append(candidate.tool)
            mass += candidate.probability
        return chosen

    async def _on_device(self, resolution: Resolution, trace: _Trace) -> AsyncIterator[Event]:
        """One confident tool that needs no arguments: run it without any engine."""
        assert resolution.top is not None
        tool = resolution.top.tool
        yield trace.add(Step("plan", tool.name, 0.0, {"planned_by": "device"}))
        (run,) = await self.dispatcher.run([ToolCall("device-1", tool.name, {})], {tool.name})
        yield trace.add(run)
        yield trace.reply(run.result, resolution, "device")

    async def _with_engine(
        self, engine: Engine, request: str, resolution: Resolution, trace: _Trace
    ) -> AsyncIterator[Event]:
        tools = {t.name: t for t in self.select(resolution)}
        facts = [m.fact.text for m in resolution.facts]
        messages = [Message("user", request)]
        for _ in range(self.max_steps):
            turn: EngineTurn | None = None
            started = time.perf_counter()
            async for piece in engine.stream(messages, [*tools.values(), SEARCH], facts):
                if isinstance(piece, str):
                    yield TextDelta(piece)
                else:
                    turn = piece
            assert turn is not None
            yield trace.add(self._engine_call(engine, turn, tools, facts, started))
            if not turn.tool_calls:
                yield trace.reply(turn.text, resolution, engine.name)
                return
            messages.append(Message("assistant", turn.text, turn.tool_calls))
            results: list[ToolResult] = []
            async for event in self._act(turn.tool_calls, tools, results):
                yield trace.add(event)
            messages.append(Message("user", tool_results=tuple(results)))
        raise MaxStepsExceeded(
            f"No answer within {self.max_steps} engine steps",
            trace.reply("", resolution, engine.name),
        )

    async def _act(
        self, calls: Sequence[ToolCall], tools: dict[str, Tool], results: list[ToolResult]
    ) -> AsyncIterator[Step | ToolRun]:
        """Answer ``search_tools`` on the device, then check and run the other calls."""
        for call in calls:
            if call.name == SEARCH.name:
                started = time.perf_counter()
                found = self.resolver.search(str(call.arguments.get("query", "")), self.top_k)
                tools.update({t.name: t for t in found})
                results.append(
                    ToolResult(
                        call.id,
                        json.dumps([{"name": t.name, "description": t.description} for t in found]),
                    )
                )
                yield Step(
                    "search",
                    str(call.arguments.get("query", "")),
                    _ms(started),
                    {"found": [t.name for t in found]},
                )
        runs = await self.dispatcher.run([c for c in calls if c.name != SEARCH.name], set(tools))
        for run in runs:
            results.append(as_result(run))
            yield run

    def _engine_call(
        self, engine: Engine, turn: EngineTurn, tools: dict[str, Tool], facts: list[str], t0: float
    ) -> EngineCall:
        return EngineCall(
            engine=engine.name,
            tools_sent=(*sorted(tools), SEARCH.name),
            facts_sent=tuple(facts),
            usage=turn.usage,
            duration_ms=_ms(t0),
            cost_usd=cost_usd(turn.model or engine.name.split(":")[-1], turn.usage, self.prices),
        )


def _runs_on_device(resolution: Resolution) -> bool:
    top = resolution.top
    return resolution.decision is Decision.LOCAL and top is not None and not top.tool.required


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0


class _Trace:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.calls: list[EngineCall] = []
        self.runs: list[ToolRun] = []

    def add(self, event: Step | EngineCall | ToolRun) -> Step | EngineCall | ToolRun:
        if isinstance(event, Step):
            self.steps.append(event)
        elif isinstance(event, EngineCall):
            self.calls.append(event)
            self.steps.append(
                Step(
                    "engine",
                    event.engine,
                    event.duration_ms,
                    {
                        "input_tokens": event.usage.input_tokens,
                        "output_tokens": event.usage.output_tokens,
                    },
                )
            )
        else:
            self.runs.append(event)
            self.steps.append(
                Step("tool", event.tool, event.duration_ms, {"is_error": event.is_error})
            )
        return event

    def reply(
        self, text: str, resolution: Resolution, planned_by: str, would_send: tuple[str, ...] = ()
    ) -> Reply:
        return Reply(
            text,
            resolution,
            planned_by,
            tuple(self.steps),
            tuple(self.calls),
            tuple(self.runs),
            would_send,
        )
