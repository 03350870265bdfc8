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
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..engines.base import Message, Usage
from ..errors import AssistantError, InvalidRequestError
from ..plan import PartialPlan
from ..trace import Reply, Step
from ..types import Decision, Fact, Inverse
from ._carry_over import follow_up
from ._file import read_file, write_file
from ._followup import Action, only_values, tokens_of
from ._history import History
from ._options import choose, is_cancel, option_labels
from ._turn_steps import (
    UNDO,
    answer_carried,
    classes,
    just,
    messages,
    parsed,
    planned,
    then_undo,
    with_steps,
)

if TYPE_CHECKING:
    from ..assistant import Assistant, Event
    from ..privacy.policy import Destination, LedgerEntry
    from ..privacy.pseudonym import Pseudonymizer
    from ..types import Resolution, Tool

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
    never). A correction of a write the device ran offers to undo it with the write's
    declared ``Tool.inverse``, asking first like any other change; ``undo`` adds or overrides
    such pairs for tools that declare none (``{"set_alarm": "delete_alarm"}``, or an
    ``Inverse``).
    """

    def __init__(
        self,
        assistant: Assistant,
        *,
        max_turns: int = 20,
        max_tokens: int = 8000,
        expire_after: timedelta | None = timedelta(minutes=10),
        undo: Mapping[str, str | Inverse] | None = None,
    ) -> None:
        self.assistant = assistant
        self.max_turns = max_turns
        self.max_tokens = max_tokens
        self.expire_after = expire_after
        self.undo = {k: Inverse(v) if isinstance(v, str) else v for k, v in (undo or {}).items()}
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
                event = with_steps(event, notes)
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

    def inverse(self, tool: str) -> Inverse | None:
        """What undoes a call of ``tool``: the caller's pair, else the tool's own ``inverse``."""
        if tool in self.undo:
            return self.undo[tool]
        found = self.assistant.registry.get(tool)
        return found.inverse if found is not None else None

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
                carried = answer_carried(pending, option)
                if carried is not None:
                    plan, step = carried
                    events = assistant.stream_plan(
                        text, pending.resolution, plan, step, history=self.history
                    )
                    return events, step.detail["carried_from"]
                return assistant.stream_answer(pending, option, history=self.history), None
        if resolution is None or resolution.request != text:
            resolution = assistant.resolver.resolve(text)
        if (pending is not None or self.turns) and is_cancel(text, resolution, assistant):
            return self._cancel(resolution, pending), None
        if self._answered_by_facts(resolution):  # "who is my boss": a question, not a change
            return assistant.stream(text, resolution=resolution, history=self.history), None
        follow = follow_up(self, text, resolution)
        if follow is not None:
            return follow
        if self._only_values(text, resolution):
            if not self.turns:
                step = Step("conversation", "no earlier turn", 0.0, {})
                return just(Reply(NOTHING_TO_FOLLOW, resolution, "device", (step,))), None
            top = resolution.top
            assert top is not None
            undecided = PartialPlan(top.tool, reason=UNDECIDED)  # the context does not decide
            step = Step("plan", "engine", 0.0, {"planned_by": "engine", "reason": UNDECIDED})
            events = assistant.stream_plan(text, resolution, undecided, step, history=self.history)
            return events, None
        return assistant.stream(text, resolution=resolution, history=self.history), None

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

    def _answered_by_facts(self, resolution: Resolution) -> bool:
        answers = self.assistant.fact_answers
        if answers is None or not self.assistant.plan_on_device:
            return False
        return answers.answer(resolution, self._known().facts, self.assistant.policy) is not None

    def _only_values(self, text: str, resolution: Resolution) -> bool:
        top = resolution.top
        if top is None or resolution.decision is Decision.OUT_OF_SCOPE:
            return False  # nothing the device knows
        if resolution.decision is Decision.LOCAL and self.turns:
            return False  # a request the device is sure of, with earlier turns to weigh
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
        undo = self.inverse(last.tool) if last is not None else None
        undoable = pending is None and last is not None and last.ran and undo is not None
        if undoable and last is not None and last.turn == len(self.turns) - 1 + _base(self):
            step = Step("conversation", "cancel", 0.0, {"undo": last.tool})
            base = Reply("", resolution, "device", (step,))
            async for event in then_undo(
                self.assistant,
                undo,
                just(base),
                last,
                ("Undone.", "Nothing was undone."),
            ):
                yield event
            return
        step = Step("conversation", "cancel", 0.0, {"dropped": pending.text if pending else ""})
        yield Reply("OK, nothing was done.", resolution, "device", (step,))

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
            Action(
                index,
                r.tool,
                dict(r.arguments),
                reply.planned_by,
                not r.is_error,
                result=parsed(r.result),
            )
            for r in runs
            if r.tool in self.assistant.registry and not r.call_id.startswith(UNDO)
        ) or planned(index, reply, self.assistant)
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
        self.history.finish(messages(index, text, reply), classes(self.assistant, runs))
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


def _base(conversation: Conversation) -> int:
    return conversation.turns[0].index if conversation.turns else 0
