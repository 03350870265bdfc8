"""A dialogue with the assistant: follow-ups and corrections on the device, history for the engine.

    conversation = assistant.conversation()
    conversation.handle("what's on my calendar tomorrow?")   # list_events(date=...)
    conversation.handle("and Friday?")                       # the same tool, carried: 0 tokens
    conversation.handle("call John")                         # two Johns: a question
    conversation.handle("2")                                 # answered by number (or "Park")
    conversation.handle("never mind")                        # nothing is done

Each ``handle`` (``ahandle``, ``stream``) returns the same ``Reply`` and events as
``Assistant``. A pending question is answered by its number or an option's words; anything
else starts a new turn, so a new request typed at a question is never lost. A turn that only
changes arguments of the last action is planned on the device from that action (see
``_followup``); the trace's plan step says what was carried over and from which turn. The
engine receives the earlier turns as real messages, pseudonymised the same way throughout
(``_history``). The dialogue is bounded by ``max_turns`` and ``max_tokens`` (oldest turns go
first) and forgets itself after ``expire_after``; ``save``/``load`` keep it across restarts.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ._conversation_file import read_file, write_file
from ._followup import Action, Carry, only_values, read_follow_up, refer, tokens_of
from ._history import History
from ._options import choose, is_cancel, option_labels
from .acting.state import RequestState
from .engines.base import Message, ToolCall, ToolResult, Usage
from .errors import AssistantError, InvalidRequestError
from .plan import Clarification, LocalPlan, PartialPlan, plan_locally
from .slots import Filled
from .trace import Reply, Step, ToolRun
from .types import Decision, Fact, Risk

if TYPE_CHECKING:
    from .assistant import Assistant, Event
    from .policy import Destination, LedgerEntry
    from .pseudonym import Pseudonymizer
    from .types import Resolution, Tool

__all__ = ["NOTHING_TO_FOLLOW", "Conversation", "EngineHistory", "Turn", "option_labels"]

NOTHING_TO_FOLLOW = "There is no earlier request to carry on from: what would you like to do?"
UNDECIDED = "a follow-up the earlier turns do not decide on the device"


class EngineHistory(Protocol):
    """What the assistant loop asks of a conversation when a turn goes to an engine."""

    def names(
        self, destination: Destination, fresh: Pseudonymizer | None
    ) -> Pseudonymizer | None: ...

    def tools(
        self, destination: Destination, selected: Sequence[Tool], limit: int
    ) -> list[Tool]: ...

    def turn(
        self, destination: Destination, facts: list[str], request: Message
    ) -> tuple[list[str], list[Message]]: ...

    def sent(self, destination: Destination, messages: list[Message]) -> None: ...


@dataclass(frozen=True, slots=True)
class _Known:
    facts: list[Fact]
    names: list[str] | None


@dataclass(frozen=True, slots=True)
class Turn:
    """One exchange: what the user said and how it ended."""

    index: int
    request: str
    reply: str
    planned_by: str
    at: datetime
    actions: tuple[Action, ...] = ()
    carried_from: int | None = None
    """The earlier turn this one's plan was carried over from (None: planned afresh)."""
    usage: Usage = field(default_factory=Usage)
    ledger: tuple[LedgerEntry, ...] = ()


class Conversation:
    """The turns of one dialogue with ``assistant``.

    ``max_turns`` and ``max_tokens`` bound what is kept (the oldest turns go first);
    ``expire_after`` forgets the dialogue when the user comes back later than that (None:
    never). ``undo`` names, per write tool, the tool that reverses it (``{"set_alarm":
    "delete_alarm"}``): a correction of a write the device ran then offers to undo it, asking
    first like any other change.
    """

    def __init__(
        self,
        assistant: Assistant,
        *,
        max_turns: int = 20,
        max_tokens: int = 8000,
        expire_after: timedelta | None = timedelta(minutes=10),
        undo: Mapping[str, str] | None = None,
    ) -> None:
        self.assistant = assistant
        self.max_turns = max_turns
        self.max_tokens = max_tokens
        self.expire_after = expire_after
        self.undo = dict(undo or {})
        self.turns: list[Turn] = []
        self.pending: Reply | None = None
        """The last reply, when it asked a question the next turn may answer."""
        self.history = History(assistant.registry, assistant.policy)

    # ------------------------------------------------------------------ entry points
    def handle(self, text: str) -> Reply:
        return asyncio.run(self.ahandle(text))

    async def ahandle(self, text: str) -> Reply:
        reply: Reply | None = None
        async for event in self.stream(text):
            if isinstance(event, Reply):
                reply = event
        assert reply is not None
        return reply

    async def stream(
        self, text: str, *, resolution: Resolution | None = None
    ) -> AsyncIterator[Event]:
        """One turn, step by step (the same events as ``Assistant.stream``). A front end that
        has shown ``resolution`` (``resolver.resolve(text)``) passes it to save a resolve."""
        if not text.strip():
            raise InvalidRequestError("The request is empty")
        now = self.assistant.clock()
        notes = self._expire(now)
        events, carried = self._route(text, notes, resolution)
        self.history.begin()
        async for event in events:
            if isinstance(event, Reply):
                event = _with_steps(event, notes)
                self._keep(text, event, now, carried)  # before the caller may stop reading
            yield event

    def use(self, assistant: Assistant) -> None:
        """Carry on with another assistant over the same apps (a new engine or policy)."""
        self.assistant = assistant
        self.history.policy = assistant.policy

    def reset(self) -> None:
        """Start afresh: no turns, no pending question, no history."""
        self.turns.clear()
        self.pending = None
        self.history = History(self.assistant.registry, self.assistant.policy)

    # ------------------------------------------------------------------ what was said
    @property
    def ledger(self) -> tuple[LedgerEntry, ...]:
        """What left the device over the whole conversation, one entry per engine call."""
        return tuple(e for t in self.turns for e in t.ledger)

    @property
    def usage(self) -> Usage:
        total = Usage()
        for turn in self.turns:
            total = total + turn.usage
        return total

    @property
    def actions(self) -> list[Action]:
        return [a for t in self.turns for a in t.actions]

    # ------------------------------------------------------------------ saving
    def save(self, path: str | Path) -> None:
        """Write the conversation to ``path`` (JSON, replaced atomically)."""
        write_file(Path(path), self)

    @classmethod
    def load(cls, path: str | Path, assistant: Assistant, **options: Any) -> Conversation:
        """A conversation saved by ``save``; ``ConversationFileError`` when the file is corrupt
        or was saved over another catalogue of tools."""
        conversation = cls(assistant, **options)
        read_file(Path(path), conversation)
        return conversation

    # ------------------------------------------------------------------ routing a turn
    def _route(
        self, text: str, notes: list[Step], resolution: Resolution | None
    ) -> tuple[AsyncIterator[Event], int | None]:
        assistant = self.assistant
        pending, self.pending = self.pending, None
        if pending is not None and pending.clarification is not None:
            option = choose(text, pending.clarification, assistant.registry)
            if option is not None:
                notes.append(Step("conversation", "answer", 0.0, {"option": option}))
                return assistant.stream_answer(pending, option, history=self.history), None
        if resolution is None or resolution.request != text:
            resolution = assistant.resolver.resolve(text)
        if (pending is not None or self.turns) and is_cancel(text, resolution, assistant):
            return self._cancel(resolution, pending), None
        follow = self._follow_up(text, resolution)
        if follow is not None:
            return follow
        if self._only_values(text, resolution):
            if not self.turns:
                step = Step("conversation", "no earlier turn", 0.0, {})
                return _just(Reply(NOTHING_TO_FOLLOW, resolution, "device", (step,))), None
            top = resolution.top
            assert top is not None
            plan = PartialPlan(top.tool, reason=UNDECIDED)  # the context does not decide
            step = Step("plan", "engine", 0.0, {"planned_by": "engine", "reason": UNDECIDED})
            return assistant.stream_plan(text, resolution, plan, step, history=self.history), None
        return assistant.stream(text, resolution=resolution, history=self.history), None

    def _follow_up(
        self, text: str, resolution: Resolution
    ) -> tuple[AsyncIterator[Event], int | None] | None:
        actions = self.actions
        if not actions or not self.assistant.plan_on_device:
            return None
        last = actions[-1]
        assistant = self.assistant
        tool = assistant.registry.get(last.tool)
        known = self._known()
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
            return _ask(carry, resolution, last.turn), last.turn
        if isinstance(carry, Carry):
            plan = LocalPlan(carry.tool, carry.arguments, _sources(carry))
            step = _carry_step(carry, _ms(started))
            events = assistant.stream_plan(text, resolution, plan, step, history=self.history)
            if last.ran and tool.risk is not Risk.READ and last.tool == carry.tool.name:
                events = self._then_undo(events, last)
            return events, carry.from_turn
        referent = refer(text, actions, assistant.registry, known.facts)
        if referent is None:
            return None
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
        step = Step("plan", meant_plan.tool.name, _ms(started), detail)
        events = assistant.stream_plan(text, resolution, meant_plan, step, history=self.history)
        return events, referent.from_turn

    def _known(self) -> _Known:
        """The facts and the names of the people the device knows (None: not given or not
        readable: the assistant's own step reports why)."""
        store = self.assistant.resolver.facts
        facts = store.all() if store is not None else []
        try:
            people = self.assistant.people() if self.assistant.people is not None else None
            names = [p.name for p in people] if people is not None else None
        except AssistantError:
            names = None
        return _Known(facts, names)

    def _only_values(self, text: str, resolution: Resolution) -> bool:
        top = resolution.top
        if top is None or resolution.decision in (Decision.OUT_OF_SCOPE, Decision.LOCAL):
            return False  # nothing the device knows, or a request it is sure of
        known = self._known()
        return only_values(
            text,
            top.tool,
            self.assistant.resolver,
            known.facts,
            now=self.assistant.clock(),
            contacts=known.names,
        )

    async def _cancel(self, resolution: Resolution, pending: Reply | None) -> AsyncIterator[Event]:
        """ "Never mind": drop a pending question, or offer to undo the write just done."""
        last = self.actions[-1] if self.actions else None
        undoable = pending is None and last is not None and last.ran and last.tool in self.undo
        if undoable and last is not None and last.turn == len(self.turns) - 1 + _base(self):
            step = Step("conversation", "cancel", 0.0, {"undo": last.tool})
            base = Reply("", resolution, "device", (step,))
            async for event in self._then_undo(
                _just(base), last, ("Undone.", "Nothing was undone.")
            ):
                yield event
            return
        step = Step("conversation", "cancel", 0.0, {"dropped": pending.text if pending else ""})
        yield Reply("OK, nothing was done.", resolution, "device", (step,))

    async def _then_undo(
        self,
        events: AsyncIterator[Event],
        last: Action,
        said: tuple[str, str] = ("The earlier one was undone.", "The earlier one was kept."),
    ) -> AsyncIterator[Event]:
        """After the corrected call, the earlier write's inverse, through the risk gate."""
        reply: Reply | None = None
        async for event in events:
            if isinstance(event, Reply):
                reply = event
            else:
                yield event
        assert reply is not None
        inverse = self.assistant.registry.get(self.undo.get(last.tool, ""))
        if inverse is None or reply.clarification is not None:
            yield reply
            return
        names = set(inverse.parameter_names)
        arguments = {k: v for k, v in last.arguments.items() if k in names}
        state = RequestState()
        call = state.identify([ToolCall(f"{_UNDO}{last.turn}", inverse.name, arguments)])
        (run,) = await self.assistant.dispatcher.run(
            call, {inverse.name}, state=state, origin="user"
        )
        yield run
        text = f"{reply.text}\n{said[run.is_error]}".strip()
        step = Step("tool", run.tool, run.duration_ms, {"is_error": run.is_error, "undo": True})
        yield replace(
            reply, text=text, steps=(*reply.steps, step), tool_runs=(*reply.tool_runs, run)
        )

    # ------------------------------------------------------------------ keeping turns
    def _expire(self, now: datetime) -> list[Step]:
        if not self.turns or self.expire_after is None:
            return []
        idle = now - self.turns[-1].at
        if idle <= self.expire_after:
            return []
        self.reset()
        return [Step("conversation", "expired", 0.0, {"idle_s": idle.total_seconds()})]

    def _keep(self, text: str, reply: Reply, now: datetime, carried: int | None) -> None:
        index = _base(self) + len(self.turns)
        runs = list(reply.tool_runs)
        actions = tuple(
            Action(index, r.tool, dict(r.arguments), reply.planned_by, not r.is_error)
            for r in runs
            if r.tool in self.assistant.registry and not r.call_id.startswith(_UNDO)
        ) or _planned(index, reply, self.assistant)
        turn = Turn(
            index,
            text,
            reply.text,
            reply.planned_by,
            now,
            actions,
            carried,
            reply.usage,
            reply.ledger,
        )
        self.turns.append(turn)
        self.history.finish(_messages(index, text, reply), _classes(self.assistant, runs))
        self.pending = reply if reply.clarification is not None else None
        self._bound()

    def _bound(self) -> None:
        def size() -> int:
            return sum(tokens_of(t.request) + tokens_of(t.reply) for t in self.turns)

        while len(self.turns) > self.max_turns or (
            len(self.turns) > 1 and size() > self.max_tokens
        ):
            self.turns.pop(0)
            self.history.drop_oldest()


_UNDO = "undo-"


def _planned(index: int, reply: Reply, assistant: Assistant) -> tuple[Action, ...]:
    """A turn that ran nothing still leaves the action it was about (a ride with no
    destination the device could read): a follow-up may complete it."""
    plan = next((s for s in reversed(reply.steps) if s.kind == "plan"), None)
    if plan is None or plan.name not in assistant.registry or reply.clarification is not None:
        return ()
    arguments = dict(plan.detail.get("arguments", {}))
    missing = tuple(plan.detail.get("missing", ()))
    return (Action(index, plan.name, arguments, reply.planned_by, False, True, missing),)


def _base(conversation: Conversation) -> int:
    return conversation.turns[0].index if conversation.turns else 0


def _messages(index: int, text: str, reply: Reply) -> list[Message]:
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


def _classes(assistant: Assistant, runs: Iterable[ToolRun]) -> set[str]:
    classes: set[str] = set()
    for run in runs:
        tool = assistant.registry.get(run.tool)
        if tool is not None:
            classes |= tool.data_classes
    return classes


def _sources(carry: Carry) -> dict[str, Filled]:
    return {
        n: Filled("request", 1.0, carry.said[n])
        if n in carry.changed
        else Filled(f"turn:{carry.from_turn}", 1.0)
        for n in carry.arguments
    }


def _carry_step(carry: Carry, duration_ms: float) -> Step:
    kept = {k: v for k, v in carry.arguments.items() if k not in carry.changed}
    detail = {
        "planned_by": "device",
        "arguments": dict(carry.arguments),
        "sources": {n: f.source for n, f in _sources(carry).items()},
        "carried_from": carry.from_turn,
        "kept": kept,
        "changed": dict(carry.changed),
    }
    return Step("plan", carry.tool.name, duration_ms, detail)


async def _ask(question: Clarification, resolution: Resolution, turn: int) -> AsyncIterator[Event]:
    step = Step("plan", "clarify", 0.0, {"options": list(question.options), "carried_from": turn})
    yield Reply(question.question, resolution, "device", (step,), clarification=question)


async def _just(reply: Reply) -> AsyncIterator[Event]:
    yield reply


def _with_steps(reply: Reply, notes: list[Step]) -> Reply:
    return replace(reply, steps=(*notes, *reply.steps)) if notes else reply


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
