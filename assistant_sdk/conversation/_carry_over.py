"""Planning a turn from the earlier ones: a follow-up carried over, or a pronoun resolved."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from ..plan import Clarification, LocalPlan, PartialPlan, plan_locally
from ..trace import Step
from ..types import Decision, Risk
from ._followup import Action, Carry, Undecided, read_follow_up, refer
from ._referent import refer_to_entity
from ._turn_steps import ask, carry_step, ms, sources, then_undo

if TYPE_CHECKING:
    from ..assistant import Event
    from ..types import Resolution
    from .conversation import Conversation

__all__ = ["follow_up"]


def follow_up(
    conversation: Conversation, text: str, resolution: Resolution
) -> tuple[AsyncIterator[Event], int | None] | None:
    """The turn planned on the device from an earlier one (its events, and that turn), or
    None when the earlier turns do not decide it: a carried-over action, a question between
    values, or a pronoun replaced by the entity it names."""
    actions = conversation.actions
    if not actions or not conversation.assistant.plan_on_device:
        return None
    last = actions[-1]
    assistant = conversation.assistant
    tool = assistant.registry.get(last.tool)
    known = conversation._known()
    if tool is None:
        return None
    started = time.perf_counter()
    carry = read_follow_up(
        text,
        last,
        tool,
        assistant.resolver,
        known.facts,
        resolution=resolution,
        now=assistant.clock(),
        contacts=known.names,
    )
    if isinstance(carry, Clarification):
        return ask(carry, resolution, last.turn), last.turn
    if isinstance(carry, Undecided):
        reason = "a follow-up the earlier turns do not decide on the device"
        undecided = PartialPlan(tool, reason=reason)
        step = Step("plan", "engine", ms(started), {"planned_by": "engine", "reason": reason})
        events = assistant.stream_plan(
            text, resolution, undecided, step, history=conversation.history
        )
        return events, None
    if isinstance(carry, Carry):
        plan = LocalPlan(carry.tool, carry.arguments, sources(carry))
        step = carry_step(carry, ms(started))
        events = assistant.stream_plan(text, resolution, plan, step, history=conversation.history)
        if last.ran and tool.risk is not Risk.READ and last.tool == carry.tool.name:
            events = then_undo(
                conversation.assistant, conversation.inverse(last.tool), events, last
            )
        return events, carry.from_turn
    referent = refer(text, actions, assistant.registry, known.facts)
    if referent is None:
        return _entity(conversation, text, resolution, last, started)
    meant = assistant.resolver.resolve(referent.text)
    meant_plan = plan_locally(
        meant,
        known.facts,
        now=assistant.clock(),
        contacts=known.names,
        embedder=assistant.resolver.embedder,
    )
    if not isinstance(meant_plan, LocalPlan) or meant.decision is Decision.OUT_OF_SCOPE:
        return None
    detail = {
        "planned_by": "device",
        "arguments": dict(meant_plan.arguments),
        "sources": {n: f.source for n, f in meant_plan.filled.items()},
        "referent": {referent.pronoun: referent.value},
        "carried_from": referent.from_turn,
    }
    step = Step("plan", meant_plan.tool.name, ms(started), detail)
    events = assistant.stream_plan(text, resolution, meant_plan, step, history=conversation.history)
    return events, referent.from_turn


def _entity(
    conversation: Conversation, text: str, resolution: Resolution, last: Action, started: float
) -> tuple[AsyncIterator[Event], int | None] | None:
    """ "Delete it": the turn planned for the last entity, or None."""
    assistant = conversation.assistant
    known = conversation._known()
    meant = refer_to_entity(
        text,
        last,
        resolution,
        assistant.resolver,
        conversation.inverse(last.tool),
        known.facts,
        now=assistant.clock(),
        contacts=known.names,
    )
    if meant is None:
        return None
    plan = meant.plan
    detail = {
        "planned_by": "device",
        "arguments": dict(plan.arguments),
        "sources": {n: f.source for n, f in plan.filled.items()},
        "referent": {meant.pronoun: dict(meant.taken)},
        "carried_from": last.turn,
        "kept": dict(meant.taken),
    }
    step = Step("plan", plan.tool.name, ms(started), detail)
    events = assistant.stream_plan(text, resolution, plan, step, history=conversation.history)
    return events, last.turn
