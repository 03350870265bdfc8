"""Check and run the tool calls of one engine turn.

Every call is checked before anything runs: it must parse, name a tool that was sent to the
engine, carry arguments valid against the tool's JSON Schema, and pass the risk gate
(``RiskGate``: reads run, writes follow the confirmation setting, destructive calls always ask,
and a write an engine planned after reading tool results asks too).
Failures become error results for the engine, never exceptions. Read-only tools run
concurrently; tools that write run one at a time, in order. A call id that already ran in this
request is answered from its first result, so nothing with side effects runs twice.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from .audit import AuditLog
from .engines.base import ToolCall, ToolResult
from .errors import ToolError
from .privacy.policy import Origin, RiskGate
from .tools import ToolRegistry
from .trace import ToolRun
from .types import Risk, Tool

__all__ = ["Confirm", "Dispatcher"]

Confirm = Callable[[Tool, Mapping[str, Any]], bool]
"""Asks the user to approve a call; the front end supplies it (the console asks y/n)."""


class Dispatcher:
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
        self._confirmed: set[str] = set()
        self._done: dict[str, ToolRun] = {}

    def reset(self) -> None:
        self._done.clear()

    async def run(
        self,
        calls: Sequence[ToolCall],
        sent: Collection[str],
        *,
        origin: Origin = "engine",
        tainted: bool = False,
    ) -> list[ToolRun]:
        """Check every call, then run those that passed. ``origin`` says who planned them (the
        device from the user's own words, or an engine); ``tainted`` that the engine had read
        tool results first, so a write it asks for may come from text the user never saw."""
        checked = [(call, self._problem(call, sent, origin, tainted)) for call in calls]
        reads = [c for c, p in checked if p is None and self._risk(c) is Risk.READ]
        results = dict(
            zip(
                [c.id for c in reads],
                await asyncio.gather(*(self._execute(c) for c in reads)),
                strict=True,
            )
        )
        for call, problem in checked:
            if problem is not None:
                results[call.id] = ToolRun(call.id, call.name, call.arguments, problem, True, 0.0)
            elif call.id not in results:
                results[call.id] = await self._execute(call)
        return [results[call.id] for call in calls]

    def _risk(self, call: ToolCall) -> Risk:
        tool = self.registry.get(call.name)
        return tool.risk if tool else Risk.DESTRUCTIVE

    def _problem(
        self, call: ToolCall, sent: Collection[str], origin: Origin, tainted: bool
    ) -> str | None:
        tool = self.registry.get(call.name)
        if call.error:
            return f"Invalid call to {call.name}: {call.error}"
        if call.name not in sent:
            return f"{call.name} was not among the tools provided; use search_tools to find tools"
        if tool is None or self.registry.adapter_for(call.name) is None:
            return f"Unknown tool {call.name}"
        invalid = _schema_errors(tool, call.arguments)
        if invalid:
            return f"Invalid arguments for {call.name}: {invalid}"
        if call.id in self._done:
            return None
        gate = self.gate.check(tool, call.arguments, origin=origin, tainted=tainted)
        if not gate.allowed:
            return f"The user did not confirm {call.name}; it was not run ({gate.reason})"
        if gate.asked:
            self._confirmed.add(call.id)
        return None

    async def _execute(self, call: ToolCall) -> ToolRun:
        if call.id in self._done:
            return self._done[call.id]
        adapter = self.registry.adapter_for(call.name)
        assert adapter is not None
        started = time.perf_counter()
        try:
            result, is_error = _as_text(await adapter.call(call.name, call.arguments)), False
        except ToolError as exc:
            result, is_error = str(exc), True
        except Exception as exc:  # an adapter bug must not end the conversation
            result, is_error = f"{call.name} failed: {type(exc).__name__}: {exc}", True
        run = ToolRun(
            call.id,
            call.name,
            call.arguments,
            result,
            is_error,
            (time.perf_counter() - started) * 1000,
        )
        self._done[call.id] = run
        tool = self.registry[call.name]
        if self.audit is not None and tool.risk is not Risk.READ:
            outcome = "error" if is_error else "ok"
            self.audit.append(
                tool=tool.name,
                app=tool.app,
                risk=tool.risk.value,
                arguments=call.arguments,
                outcome=outcome,
                confirmed=call.id in self._confirmed,
            )
        return run


def _schema_errors(tool: Tool, arguments: Mapping[str, Any]) -> str | None:
    from jsonschema import Draft202012Validator

    errors = sorted(
        Draft202012Validator(dict(tool.parameters)).iter_errors(dict(arguments)),
        key=lambda e: list(e.path),
    )
    return (
        "; ".join(f"{'.'.join(map(str, e.path)) or 'arguments'}: {e.message}" for e in errors[:3])
        or None
    )


def _as_text(result: Any) -> str:
    return result if isinstance(result, str) else json.dumps(result, ensure_ascii=False)


def as_result(run: ToolRun) -> ToolResult:
    return ToolResult(run.call_id, run.result, run.is_error)
