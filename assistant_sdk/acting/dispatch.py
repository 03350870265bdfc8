"""Check and run the tool calls of one engine turn.

Every call is checked before anything runs: its id must be its own in the request, it must
parse, name a tool that was sent to the engine, carry arguments valid against the tool's JSON
Schema, and pass the risk gate (``RiskGate``: reads run, writes follow the confirmation
setting, destructive calls always ask, and a write an engine planned after reading tool
results asks too). Failures become error results for the engine, never exceptions.

Read-only tools run concurrently; tools that write run one at a time, in order, and each at
most once per request for the same arguments: a repeat gets the first outcome, and a write
that timed out is reported as one that *may have run*, never retried. Cancellation is checked
before every side effect, and a write the request was cancelled during is still audited.

The dispatcher holds no per-request state: each request passes its own ``RequestState``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from ..engines.base import ToolCall, ToolResult
from ..errors import ToolError, ToolTimeoutError
from ..tools import ToolRegistry
from ..trace import ToolRun
from ..types import Risk, Tool
from .audit import AuditLog
from .gate import Origin, RiskGate
from .state import RequestState, intent_key

__all__ = ["Confirm", "Dispatcher", "as_result"]

Confirm = Callable[[Tool, Mapping[str, Any]], bool]
"""Asks the user to approve a call; the front end supplies it (the console asks y/n)."""


class Dispatcher:
    """Checks and runs calls for any number of concurrent requests (it keeps no request state)."""

    def __init__(
        self,
        registry: ToolRegistry,
        *,
        confirm: Confirm | None = None,
        confirm_writes: bool | Collection[str] = False,
        audit: AuditLog | None = None,
    ) -> None:
        self.registry = registry
        self.gate = RiskGate(confirm, confirm_writes=confirm_writes)
        self.audit = audit

    async def run(
        self,
        calls: Sequence[ToolCall],
        sent: Collection[str],
        *,
        state: RequestState | None = None,
        origin: Origin = "engine",
        tainted: bool = False,
    ) -> list[ToolRun]:
        """Check every call, then run those that passed. ``state`` is the request's own record:
        pass the calls through ``state.identify`` first, so their ids are request-unique (the
        engine's message must carry the same ids). Without a ``state`` the calls are a request
        of their own. ``origin`` says who planned them (the device from the user's own words,
        or an engine); ``tainted`` that the engine had read tool results first, so a write it
        asks for may come from text the user never saw."""
        if state is None:
            state = RequestState()
            calls = state.identify(calls)
        confirmed: set[str] = set()
        checked = [(c, self._problem(c, sent, origin, tainted, state, confirmed)) for c in calls]
        reads = [c for c, p in checked if p is None and self._risk(c) is Risk.READ]
        ran = await asyncio.gather(*(self._execute(c, state, False) for c in reads))
        results = {run.call_id: run for run in ran}
        for call, problem in checked:
            if problem is not None:
                results[call.id] = ToolRun(call.id, call.name, call.arguments, problem, True, 0.0)
            elif call.id not in results:
                results[call.id] = await self._execute(call, state, call.id in confirmed)
        return [results[call.id] for call in calls]

    def _risk(self, call: ToolCall) -> Risk:
        tool = self.registry.get(call.name)
        return tool.risk if tool else Risk.DESTRUCTIVE

    def _problem(
        self,
        call: ToolCall,
        sent: Collection[str],
        origin: Origin,
        tainted: bool,
        state: RequestState,
        confirmed: set[str],
    ) -> str | None:
        tool = self.registry.get(call.name)
        if call.id in state.id_problems:
            return state.id_problems[call.id]
        if call.error:
            return f"Invalid call to {call.name}: {call.error}"
        if call.name not in sent:
            return f"{call.name} was not among the tools provided; use search_tools to find tools"
        if tool is None or self.registry.adapter_for(call.name) is None:
            return f"Unknown tool {call.name}"
        invalid = _schema_errors(tool, call.arguments)
        if invalid:
            return f"Invalid arguments for {call.name}: {invalid}"
        if tool.risk is not Risk.READ and intent_key(tool.name, call.arguments) in state.intents:
            return None  # answered from the first run, without asking again
        gate = self.gate.check(tool, call.arguments, origin=origin, tainted=tainted)
        if not gate.allowed:
            return f"The user did not confirm {call.name}; it was not run ({gate.reason})"
        if gate.asked:
            confirmed.add(call.id)
        return None

    async def _execute(self, call: ToolCall, state: RequestState, confirmed: bool) -> ToolRun:
        tool = self.registry[call.name]
        if tool.risk is Risk.READ:
            return await self._call(call, tool)
        key = intent_key(tool.name, call.arguments)
        first = state.intents.get(key)
        if first is not None:
            return _repeat(call, first)
        await _check_cancelled()
        placeholder = ToolRun(call.id, call.name, call.arguments, "running", True, 0.0)
        state.intents[key] = placeholder  # claimed before the first await: no twin can start
        outcome = "cancelled"
        try:
            run = await self._call(call, tool)
            outcome = _outcome(run)
        finally:
            if outcome == "cancelled":
                state.intents[key] = ToolRun(
                    call.id, call.name, call.arguments, _MAY_HAVE_RUN, True, 0.0
                )
            self._audit(tool, call, outcome, confirmed)
        state.intents[key] = run
        return run

    async def _call(self, call: ToolCall, tool: Tool) -> ToolRun:
        adapter = self.registry.adapter_for(call.name)
        assert adapter is not None
        started = time.perf_counter()
        try:
            result, is_error = _as_text(await adapter.call(call.name, call.arguments)), False
        except (ToolTimeoutError, TimeoutError) as exc:
            text = str(exc) or f"{call.name} did not finish in time"
            writes = tool.risk is not Risk.READ
            result, is_error = (f"{text}. {_MAY_HAVE_RUN}" if writes else text), True
        except ToolError as exc:
            result, is_error = str(exc), True
        except Exception as exc:  # an adapter bug must not end the conversation
            result, is_error = f"{call.name} failed: {type(exc).__name__}: {exc}", True
        duration = (time.perf_counter() - started) * 1000
        return ToolRun(call.id, call.name, call.arguments, result, is_error, duration)

    def _audit(self, tool: Tool, call: ToolCall, outcome: str, confirmed: bool) -> None:
        if self.audit is not None:
            self.audit.append(
                tool=tool.name,
                app=tool.app,
                risk=tool.risk.value,
                arguments=call.arguments,
                outcome=outcome,
                confirmed=confirmed,
            )


_MAY_HAVE_RUN = (
    "It may have run: check before asking for it again (it is not retried in this request)"
)


def _outcome(run: ToolRun) -> str:
    """``ok``, ``error``, or ``unknown`` for a call that timed out and may have run."""
    if not run.is_error:
        return "ok"
    return "unknown" if run.result.endswith(_MAY_HAVE_RUN) else "error"


def _repeat(call: ToolCall, first: ToolRun) -> ToolRun:
    text = (
        f"{call.name} was already called with these arguments in this request, so it was not "
        f"run again. Its outcome was: {first.result}"
    )
    return ToolRun(call.id, call.name, call.arguments, text, True, 0.0)


async def _check_cancelled() -> None:
    """A cancellation point before a side effect: a cancelled request runs nothing more."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
    await asyncio.sleep(0)


def _schema_errors(tool: Tool, arguments: Mapping[str, Any]) -> str | None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        errors = sorted(
            Draft202012Validator(dict(tool.parameters)).iter_errors(dict(arguments)),
            key=lambda e: list(e.path),
        )
    except (SchemaError, LookupError, RecursionError, ValueError) as exc:  # registration
        # checks the schema, so only a tool added behind the registry's back gets here
        return f"the tool's schema could not be applied ({type(exc).__name__})"
    return (
        "; ".join(f"{'.'.join(map(str, e.path)) or 'arguments'}: {e.message}" for e in errors[:3])
        or None
    )


def _as_text(result: Any) -> str:
    return result if isinstance(result, str) else json.dumps(result, ensure_ascii=False)


def as_result(run: ToolRun) -> ToolResult:
    return ToolResult(run.call_id, run.result, run.is_error)
