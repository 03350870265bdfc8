"""The pieces of a conversation's turns: the plan steps it shows, the messages it keeps for
the engine, the actions it remembers, and the undo it offers after a correction."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..acting.state import RequestState
from ..engines.base import Message, ToolCall, ToolResult
from ..plan import Clarification, LocalPlan
from ..slots import Filled
from ..trace import Reply, Step, ToolRun
from ._followup import Action, Carry

if TYPE_CHECKING:
    from ..acting.gate import RiskGate
    from ..assistant import Assistant, Event
    from ..types import Inverse, Resolution, Tool

__all__ = [
    "UNDO",
    "answer_carried",
    "ask",
    "carry_step",
    "classes",
    "just",
    "messages",
    "ms",
    "parsed",
    "planned",
    "sources",
    "then_undo",
    "with_steps",
]

UNDO = "undo-"
"""The call ids of undo calls start so: they are no action of their own."""


async def then_undo(
    assistant: Assistant,
    undo: Inverse | None,
    events: AsyncIterator[Event],
    last: Action,
    said: tuple[str, str] = ("The earlier one was undone.", "The earlier one was kept."),
) -> AsyncIterator[Event]:
    """After the corrected call, the earlier write's inverse, once the user says yes (through
    the risk gate, and asked even where the gate would let the inverse run unasked). No undo
    is offered when the corrected call failed, the inverse is not registered, or the earlier
    call does not give its required arguments."""
    reply: Reply | None = None
    async for event in events:
        if isinstance(event, Reply):
            reply = event
        else:
            yield event
    assert reply is not None
    inverse = assistant.registry.get(undo.tool) if undo is not None else None
    failed = any(r.is_error for r in reply.tool_runs)  # the earlier write is all the user has
    if undo is None or inverse is None or reply.clarification is not None or failed:
        yield reply
        return
    arguments = undo.arguments_for(last.arguments, last.result, inverse.parameter_names)
    if any(name not in arguments for name in inverse.required):
        yield reply
        return
    state = RequestState()
    call = state.identify([ToolCall(f"{UNDO}{last.turn}", inverse.name, arguments)])
    gate = assistant.dispatcher.gate
    if gate.must_ask(inverse, origin="user") or _offered(gate, inverse, arguments):
        (run,) = await assistant.dispatcher.run(call, {inverse.name}, state=state, origin="user")
    else:  # an undo is offered, never done unasked, even where the gate would not ask
        refused = f"The user did not confirm {inverse.name}; it was not run (an undo is offered)"
        run = ToolRun(call[0].id, inverse.name, arguments, refused, True, 0.0)
    yield run
    text = f"{reply.text}\n{said[run.is_error]}".strip()
    step = Step("tool", run.tool, run.duration_ms, {"is_error": run.is_error, "undo": True})
    yield replace(reply, text=text, steps=(*reply.steps, step), tool_runs=(*reply.tool_runs, run))


def _offered(gate: RiskGate, tool: Tool, arguments: dict[str, Any]) -> bool:
    return gate.confirm is not None and bool(gate.confirm(tool, arguments))


def planned(index: int, reply: Reply, assistant: Assistant) -> tuple[Action, ...]:
    """A turn that ran nothing still leaves the action it was about (a ride with no
    destination the device could read): a follow-up may complete it."""
    plan = next((s for s in reversed(reply.steps) if s.kind == "plan"), None)
    if plan is None or plan.name not in assistant.registry or reply.clarification is not None:
        return ()
    arguments = dict(plan.detail.get("arguments", {}))
    missing = tuple(plan.detail.get("missing", ()))
    return (Action(index, plan.name, arguments, reply.planned_by, False, True, missing),)


def parsed(result: str) -> Any:
    """A tool's result as the JSON it usually is, else the text."""
    try:
        return json.loads(result)
    except ValueError:
        return result


def messages(index: int, text: str, reply: Reply) -> list[Message]:
    """The turn as the engine would have seen it, had it planned it (ids made unique)."""
    messages = [Message("user", text)]
    for run in reply.tool_runs:
        call_id = f"turn{index}-{run.call_id}"
        messages.append(
            Message("assistant", tool_calls=(ToolCall(call_id, run.tool, run.arguments),))
        )
        messages.append(
            Message("user", tool_results=(ToolResult(call_id, run.result, run.is_error),))
        )
    messages.append(Message("assistant", reply.text or "(no answer)"))
    return messages


def classes(assistant: Assistant, runs: Iterable[ToolRun]) -> set[str]:
    classes: set[str] = set()
    for run in runs:
        tool = assistant.registry.get(run.tool)
        if tool is not None:
            classes |= tool.data_classes
    return classes


def sources(carry: Carry) -> dict[str, Filled]:
    return {
        n: Filled("request", 1.0, carry.said[n])
        if n in carry.changed
        else Filled(f"turn:{carry.from_turn}", 1.0)
        for n in carry.arguments
    }


def carry_step(carry: Carry, duration_ms: float) -> Step:
    kept = {k: v for k, v in carry.arguments.items() if k not in carry.changed}
    detail = {
        "planned_by": "device",
        "arguments": dict(carry.arguments),
        "sources": {n: f.source for n, f in sources(carry).items()},
        "carried_from": carry.from_turn,
        "kept": kept,
        "changed": dict(carry.changed),
    }
    return Step("plan", carry.tool.name, duration_ms, detail)


async def ask(question: Clarification, resolution: Resolution, turn: int) -> AsyncIterator[Event]:
    step = Step("plan", "clarify", 0.0, {"options": list(question.options), "carried_from": turn})
    yield Reply(question.question, resolution, "device", (step,), clarification=question)


def answer_carried(pending: Reply, option: str) -> tuple[LocalPlan, Step] | None:
    """The answer to a question a follow-up asked ("and John?": which John): the carried-over
    call with the chosen value, or None when the question was not a follow-up's."""
    question = pending.clarification
    asked = next((s for s in pending.steps if s.kind == "plan"), None)
    if question is None or asked is None or "carried_from" not in asked.detail:
        return None
    if question.tool is None or question.parameter is None:
        return None
    arguments = {**question.arguments, question.parameter: option}
    filled = {n: Filled("user" if n == question.parameter else "carried", 1.0) for n in arguments}
    detail = {
        "planned_by": "device",
        "arguments": arguments,
        "sources": {n: f.source for n, f in filled.items()},
        "carried_from": asked.detail["carried_from"],
        "changed": {question.parameter: option},
    }
    return LocalPlan(question.tool, arguments, filled), Step(
        "plan", question.tool.name, 0.0, detail
    )


async def just(reply: Reply) -> AsyncIterator[Event]:
    yield reply


def with_steps(reply: Reply, notes: list[Step]) -> Reply:
    return replace(reply, steps=(*notes, *reply.steps)) if notes else reply


def ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
