"""The local helper's loop: it reads with its class's tools, in bounded steps, then answers.

Every call it makes passes the same ``Dispatcher`` checks as any engine's, with no way to
confirm: it is sent read tools only, and anything else it names is refused.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from ..acting.dispatch import Dispatcher
from ..acting.state import RequestState
from ..engines.base import Engine, EngineTurn, Message, ToolResult
from ..errors import EngineError
from ..tools import ToolRegistry
from ..trace import EngineCall, LocalPrice, ToolRun
from ..types import Fact, Tool
from .policy import Destination, PrivacyPolicy

__all__ = ["Collected", "HelperLimits", "collect"]


@dataclass(frozen=True, slots=True)
class HelperLimits:
    """Bounds on one delegated question: engine steps, tokens (in and out), seconds."""

    max_steps: int = 4
    max_tokens: int = 20_000
    max_seconds: float = 60.0


@dataclass(frozen=True, slots=True)
class Collected:
    """How the helper ended: its answer, or why it has none; what it ran and read."""

    answer: str | None
    problem: str | None = None
    ran: tuple[str, ...] = ()
    results: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class _Job:
    engine: Engine
    registry: ToolRegistry
    policy: PrivacyPolicy
    tools: Sequence[Tool]
    facts: Sequence[Fact]
    price: LocalPrice


async def collect(
    engine: Engine,
    task: str,
    *,
    registry: ToolRegistry,
    policy: PrivacyPolicy,
    tools: Sequence[Tool],
    facts: Sequence[Fact],
    limits: HelperLimits,
    price: LocalPrice,
) -> AsyncIterator[EngineCall | ToolRun | Collected]:
    """Run ``task`` on the local ``engine``: its engine calls and tool runs as they happen,
    then ``Collected``."""
    job = _Job(engine, registry, policy, tools, facts, price)
    messages = [Message("user", task)]
    dispatcher = Dispatcher(registry)  # no confirm callback: anything but a read is refused
    state = RequestState()  # the helper's own ids and runs, apart from the cloud's
    deadline = time.monotonic() + limits.max_seconds
    ran: list[str] = []
    read: list[str] = []
    spent = 0

    def ended(answer: str | None, problem: str | None = None) -> Collected:
        return Collected(answer, problem, tuple(ran), tuple(read))

    for _ in range(limits.max_steps):
        started = time.perf_counter()
        try:
            turn = await asyncio.wait_for(
                engine.complete(messages, tools, [f.text for f in facts]), _left(deadline)
            )
        except EngineError as exc:
            yield ended(None, str(exc))
            return
        except TimeoutError:
            yield ended(None, f"no answer in {limits.max_seconds:g} s")
            return
        yield _engine_call(job, turn, started)
        spent += turn.usage.input_tokens + turn.usage.output_tokens
        if not turn.tool_calls:
            yield ended(turn.text.strip())
            return
        if spent >= limits.max_tokens:
            yield ended(None, f"over {limits.max_tokens} tokens")
            return
        calls = state.identify(turn.tool_calls)
        messages.append(Message("assistant", turn.text, calls))
        names = {t.name for t in tools}
        try:
            runs = await asyncio.wait_for(
                dispatcher.run(calls, names, state=state, origin="engine", tainted=True),
                _left(deadline),
            )
        except TimeoutError:
            yield ended(None, f"its reads took over {limits.max_seconds:g} s")
            return
        for run in runs:
            ran.append(run.tool)
            if not run.is_error:
                read.append(run.result)
            yield run
        results = tuple(ToolResult(r.call_id, r.result, r.is_error) for r in runs)
        messages.append(Message("user", tool_results=results))
    yield ended(None, f"no answer within {limits.max_steps} steps")


def _left(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.001)


def _engine_call(job: _Job, turn: EngineTurn, started: float) -> EngineCall:
    name = job.engine.name
    return EngineCall(
        engine=name,
        tools_sent=tuple(sorted(t.name for t in job.tools)),
        facts_sent=tuple(f.text for f in job.facts),
        usage=turn.usage,
        duration_ms=(time.perf_counter() - started) * 1000.0,
        cost_usd=job.price.cost(turn.usage),
        privacy=job.policy.ledger_entry(Destination.LOCAL, name, job.facts, job.tools),
    )
