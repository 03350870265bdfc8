"""The harness loop: resolve → plan on the device → apply the privacy policy → let an engine
plan what the device cannot → check → dispatch, until the request is answered.

    assistant = Assistant(registry, resolver, AnthropicEngine(client), people=book.all)
    reply = assistant.handle("text mom I'm running late")   # planned on the device: 0 tokens
    reply = assistant.handle("call John")                    # two Johns: reply.clarification
    reply = assistant.answer(reply, "John Smith")            # the same request, continued

``stream`` yields the same steps as they happen (text deltas included), so a voice front end
can speak the first words early; ``ahandle``/``handle`` collect them into a ``Reply``.

Before any engine call the user's ``PrivacyPolicy`` decides where the request may go: facts
that may not go are withheld, a request whose tool handles data that may not reach the cloud
goes to the ``local_engine`` or is refused in plain words, and the cloud receives contacts,
numbers, e-mail addresses and places as placeholders (``CONTACT_1``, ``PLACE_HOME``) that are
decoded on the device when its tool calls come back. ``Reply.ledger`` records what left.
When the request needs data that may reach the local engine but not the cloud, the cloud
engine still plans, and asks the local model about that data through a generated tool
(``ask_health_records``, see ``delegate.py``); ``Reply.delegations`` shows what went back.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .acting.audit import AuditLog
from .acting.dispatch import Confirm, Dispatcher, as_result
from .acting.state import RequestState
from .engines.base import Engine, EngineTurn, Message, ToolCall, ToolResult, stream_guarded
from .engines.deadline import within_deadline
from .errors import AssistantError, EngineError, MaxStepsExceeded
from .inputs import clean_text
from .plan import (
    Clarification,
    LocalPlan,
    PartialPlan,
    answer_clarification,
    plan_locally,
    what_was_read,
)
from .privacy.delegate import Delegation, Delegator, HelperLimits, delegable_classes
from .privacy.policy import Destination, LedgerEntry, PrivacyPolicy
from .privacy.pseudonym import ContactLike
from .privacy.request import RequestPrivacy
from .prompts import (
    DEVICE_PLAN_NOTE,
    SEARCH_TOOLS_DESCRIPTION,
    SEARCH_TOOLS_NAME,
    SEARCH_TOOLS_PARAMETERS,
)
from .resolve.fact_answers import FactAnswer, FactAnswerer
from .resolve.learning import learn_from_reply, learning_memory
from .tools import ToolRegistry
from .trace import PRICES, EngineCall, LocalPrice, Reply, Step, TextDelta, ToolRun, cost_usd
from .types import DATA_CLASSES, Decision, Fact, FactKind, Resolution, Risk, Tool

if TYPE_CHECKING:
    from .conversation.conversation import Conversation, EngineHistory
    from .resolve.resolver import Resolver

__all__ = ["Assistant", "Event"]

Event = Step | TextDelta | EngineCall | ToolRun | Delegation | Reply
SEARCH = Tool(SEARCH_TOOLS_NAME, SEARCH_TOOLS_DESCRIPTION, "device", SEARCH_TOOLS_PARAMETERS)
"""The on-device tool search the engine can always call."""

Plan = LocalPlan | PartialPlan | Clarification | None


@dataclass(frozen=True, slots=True)
class _Route:
    engine: Engine
    destination: Destination
    tools: tuple[Tool, ...]
    delegated: tuple[str, ...] = ()
    """Gated data classes the cloud engine may ask the local model about."""


@dataclass(frozen=True, slots=True)
class _Known:
    """What the device knows for one request: its facts, and the people (None: not given)."""

    facts: list[Fact]
    people: list[ContactLike] | None

    @property
    def names(self) -> list[str] | None:
        return [p.name for p in self.people] if self.people is not None else None


class Assistant:
    """One user's assistant over the apps in ``registry``.

    ``engine`` is the cloud engine and ``local_engine`` an engine the user runs (any
    OpenAI-compatible server); either may be None. ``people`` returns the contacts the device
    knows, for reading names in requests and for placeholders. ``clock`` anchors relative
    dates. ``confirm`` is how the front end asks the user to approve a risky call;
    ``confirm_writes`` is True, False, or the apps whose writes need approval.
    ``local_price`` is what the local engine's tokens cost the user (0 by default);
    ``helper_limits`` bound each question the cloud delegates to it.
    ``engine_timeout_s`` bounds each engine call as a whole, however the server trickles.
    ``refuse_leaks`` makes the last-mile guard raise ``PrivacyLeakError`` (nothing sent)
    instead of replacing a withheld value that reached an outbound body.
    ``learn_from_use`` keeps each request whose tool the engine or the user settled as a
    personal example of that tool (``self.memory``, see ``resolve/learning.py``).

    An ``Assistant`` keeps no per-request state: concurrent ``ahandle`` calls are safe.
    """

    def __init__(
        self,
        registry: ToolRegistry,
        resolver: Resolver,
        engine: Engine | None = None,
        *,
        local_engine: Engine | None = None,
        policy: PrivacyPolicy | None = None,
        people: Callable[[], Iterable[ContactLike]] | None = None,
        clock: Callable[[], datetime] = datetime.now,
        plan_on_device: bool = True,
        answer_facts: bool = True,
        pseudonymize: bool = True,
        refuse_leaks: bool = False,
        max_steps: int = 8,
        top_k: int = 5,
        max_tools: int = 10,
        coverage: float = 0.9,
        confirm: Confirm | None = None,
        confirm_writes: bool | Collection[str] = False,
        audit: AuditLog | None = None,
        engine_timeout_s: float = 120.0,
        prices: Mapping[str, tuple[float, float, float, float]] | None = None,
        local_price: LocalPrice | None = None,
        helper_limits: HelperLimits | None = None,
        learn_from_use: bool = False,
    ) -> None:
        self.registry = registry
        self.resolver = resolver
        self.engine = engine
        self.local_engine = local_engine
        self.policy = policy or PrivacyPolicy()
        self.people = people
        self.clock = clock
        self.plan_on_device = plan_on_device
        self.fact_answers = (
            FactAnswerer(resolver.embedder, lambda: resolver.calibration.thresholds.fact_answer)
            if answer_facts
            else None
        )
        """Answers questions about the user's facts ("who is my boss") on the device, when the
        device plans at all."""
        self.pseudonymize = pseudonymize
        self.refuse_leaks = refuse_leaks
        self.max_steps = max_steps
        self.top_k = top_k
        self.max_tools = max_tools
        self.coverage = coverage
        self.prices = {**PRICES, **(prices or {})}
        self.local_price = local_price or LocalPrice()
        self.helper_limits = helper_limits or HelperLimits()
        self.engine_timeout_s = engine_timeout_s
        self.dispatcher = Dispatcher(
            registry, confirm=confirm, confirm_writes=confirm_writes, audit=audit
        )
        self.memory = learning_memory(resolver) if learn_from_use else None
        """Personal examples learned from use (``learn_from_use``), or None: ``examples()``,
        ``forget(tool)``."""

    # ------------------------------------------------------------------ entry points
    def handle(self, request: str) -> Reply:
        """Handle one request to the end (a thin wrapper over ``ahandle``)."""
        return asyncio.run(self.ahandle(request))

    async def ahandle(self, request: str) -> Reply:
        return await _last(self.stream(request))

    def answer(self, reply: Reply, choice: str) -> Reply:
        """Continue the request ``reply`` asked about with the user's ``choice``."""
        return asyncio.run(self.aanswer(reply, choice))

    async def aanswer(self, reply: Reply, choice: str) -> Reply:
        return await _last(self.stream_answer(reply, choice))

    def conversation(self, **options: Any) -> Conversation:
        """A dialogue with this assistant: follow-ups, corrections and history for the engine
        (see ``Conversation`` for the ``options``)."""
        from .conversation.conversation import Conversation

        return Conversation(self, **options)

    async def stream(
        self,
        request: str,
        *,
        resolution: Resolution | None = None,
        history: EngineHistory | None = None,
    ) -> AsyncIterator[Event]:
        """Handle ``request`` step by step. A front end that has already shown ``resolution``
        (from ``resolver.resolve(request)``) passes it so the request is not resolved twice;
        a ``Conversation`` passes its ``history`` so the engine sees the earlier turns."""
        trace = _Trace()
        request = clean_text(request)
        started = time.perf_counter()
        if resolution is None:
            resolution = self.resolver.resolve(request)
        known = self._known(trace)
        yield trace.add(
            Step(
                "resolve",
                resolution.decision.value,
                _ms(started),
                {"candidates": [c.tool.name for c in resolution.candidates]},
            )
        )
        if self.plan_on_device and self.fact_answers is not None:
            started = time.perf_counter()
            answer = self.fact_answers.answer(resolution, known.facts, self.policy)
            if answer is not None:
                yield trace.add(_answer_step(answer, _ms(started)))
                yield trace.reply(answer.text, resolution, "device")
                return
        plan: Plan = None
        if self.plan_on_device:
            started = time.perf_counter()
            plan = plan_locally(
                resolution,
                known.facts,
                now=self.clock(),
                contacts=known.names,
                embedder=self.resolver.embedder,
                reader=self.resolver.reader,
                tokens=self.resolver.token_states(resolution.request)
                if self.resolver.reader
                else None,
            )
            if isinstance(plan, Clarification) and plan.parameter is None and self._engines():
                plan = None  # two close tools: an engine can weigh them with more context
            if plan is not None:
                yield trace.add(_plan_step(plan, _ms(started)))
        async for event in self._continue(request, resolution, plan, known, trace, history):
            yield self._learned(event)

    async def stream_plan(
        self,
        request: str,
        resolution: Resolution,
        plan: LocalPlan | PartialPlan | Clarification,
        step: Step,
        *,
        history: EngineHistory | None = None,
    ) -> AsyncIterator[Event]:
        """Continue ``request`` from a plan made outside the loop (a conversation's follow-up,
        carried over from an earlier turn); ``step`` is the plan step the trace shows."""
        trace = _Trace()
        request = clean_text(request)
        known = self._known(trace)
        yield trace.add(step)
        async for event in self._continue(request, resolution, plan, known, trace, history):
            yield event

    async def stream_answer(
        self, reply: Reply, choice: str, *, history: EngineHistory | None = None
    ) -> AsyncIterator[Event]:
        """``stream`` for the answer to ``reply.clarification``."""
        question = reply.clarification
        if question is None:
            raise ValueError("This reply asked no question")
        trace = _Trace(reply.steps)
        choice = clean_text(choice)
        started = time.perf_counter()
        known = self._known(trace)
        plan = answer_clarification(
            question,
            choice,
            known.facts,
            now=self.clock(),
            contacts=known.names,
            embedder=self.resolver.embedder,
        )
        yield trace.add(_plan_step(plan, _ms(started)))
        async for event in self._continue(
            question.request, reply.resolution, plan, known, trace, history
        ):
            yield self._learned(event, answered=question.parameter is None)

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

    # ------------------------------------------------------------------ the paths
    async def _continue(
        self,
        request: str,
        resolution: Resolution,
        plan: Plan,
        known: _Known,
        trace: _Trace,
        history: EngineHistory | None = None,
    ) -> AsyncIterator[Event]:
        if isinstance(plan, LocalPlan):
            async for event in self._on_device(plan, resolution, trace):
                yield event
            return
        if isinstance(plan, Clarification):
            yield trace.reply(plan.question, resolution, "device", clarification=plan)
            return
        if resolution.decision is Decision.OUT_OF_SCOPE and not self._engines():
            yield trace.reply("No app on this device can do that.", resolution, "device")
            return
        tools = self.select(resolution)
        top = plan.tool if isinstance(plan, PartialPlan) and plan.tool else None
        top = top or (resolution.top.tool if resolution.top else None)
        if top is not None and top not in tools:
            tools.insert(0, top)
        route = self._delegating(self._route(top, tools), top, tools, resolution)
        if isinstance(route, str):
            if isinstance(plan, PartialPlan) and not self._engines():
                route = f"{route} {what_was_read(plan)}".strip()
            preview = self._preview(resolution, known, tools)
            cloud_tools, _ = self.policy.split_tools(tools, Destination.CLOUD)
            sent = tuple(t.name for t in cloud_tools)
            yield trace.reply(route, resolution, "none", would_send=sent, preview=preview)
            return
        async for event in self._with_engine(
            route, request, resolution, plan, known, trace, history
        ):
            yield event

    async def _on_device(
        self, plan: LocalPlan, resolution: Resolution, trace: _Trace
    ) -> AsyncIterator[Event]:
        """Run a plan the device made from the user's own words: no engine, no tokens."""
        call = ToolCall("device-1", plan.tool.name, plan.arguments)
        (run,) = await self.dispatcher.run(
            trace.state.identify([call]), {plan.tool.name}, state=trace.state, origin="user"
        )
        yield trace.add(run)
        yield trace.reply(run.result, resolution, "device")

    def _route(self, top: Tool | None, tools: Sequence[Tool]) -> _Route | str:
        """The engine allowed to plan over ``top``, or why none may."""
        needed = top.data_classes if top is not None else frozenset()
        destination = self.policy.planner_for(
            [top] if top is not None else [],
            local_available=self.local_engine is not None,
            cloud_available=self.engine is not None,
        )
        engine = self.engine if destination is Destination.CLOUD else self.local_engine
        if destination is not None and engine is not None:
            allowed, _ = self.policy.split_tools(tools, destination)
            return _Route(engine, destination, allowed)
        if not self._engines():
            return "This request needs an engine to plan it, and none is configured."
        assert top is not None
        kept = sorted(c for c in needed if not self.policy.allows(c, Destination.CLOUD))
        classes = " and ".join(kept)
        if self.local_engine is None and self.policy.allows_all(needed, Destination.LOCAL):
            return (
                f"{top.name} works with {classes} data, which your privacy policy keeps off the "
                "cloud. Set up a local engine to plan it; nothing was sent."
            )
        return (
            f"{top.name} works with {classes} data, which your privacy policy keeps on this "
            "device, and the device could not plan it alone; nothing was sent."
        )

    def _delegating(
        self, route: _Route | str, top: Tool | None, tools: Sequence[Tool], resolution: Resolution
    ) -> _Route | str:
        """The cloud engine plans, asking the local model about gated data, when both engines
        are configured and the request needs a class only the local one may read. A request
        whose top tool writes gated data stays with the local engine, which may plan it."""
        if self.engine is None or self.local_engine is None:
            return route
        classes = tuple(delegable_classes(self.policy, tools, _facts(resolution)))
        if not classes:
            return route
        if top is not None and not self.policy.allows_all(top.data_classes, Destination.CLOUD):
            local = self.policy.allows_all(top.data_classes, Destination.LOCAL)
            if top.risk is not Risk.READ or not local:
                return route  # a gated write is the local engine's to plan; device-only stays
        allowed, _ = self.policy.split_tools(tools, Destination.CLOUD)
        return _Route(self.engine, Destination.CLOUD, allowed, classes)

    async def _with_engine(
        self,
        route: _Route,
        request: str,
        resolution: Resolution,
        plan: Plan,
        known: _Known,
        trace: _Trace,
        history: EngineHistory | None = None,
    ) -> AsyncIterator[Event]:
        engine, destination = route.engine, route.destination
        tools = {t.name: t for t in route.tools}
        privacy = self._privacy(destination, known, resolution)
        if history is not None:  # one pseudonymiser, and the conversation's tools
            privacy.names = privacy.guard.names = history.names(destination, privacy.names)
            chosen = history.tools(destination, list(tools.values()), self.max_tools)
            tools = {t.name: t for t in chosen}
        facts = privacy.fact_lines()
        if isinstance(plan, PartialPlan) and plan.tool is not None:
            facts.append(self._device_note(plan, destination, known, privacy))
        messages = [Message("user", privacy.encode(request))]
        if history is not None:
            facts, messages = history.turn(destination, facts, messages[0])
        tainted = False
        helper = self._delegator(known)
        helper.offer(route.delegated)
        released: list[Delegation] = []
        for _ in range(self.max_steps):
            turn: EngineTurn | None = None
            started = time.perf_counter()
            decoder = _StreamDecoder(privacy)
            offering = [*tools.values(), *helper.tools, SEARCH]
            tainted = tainted or not all(t.trusted for t in offering)
            mark = privacy.guard.mark()
            sent, offered, lines = privacy.guard.check_inputs(messages, offering, facts)
            pieces = stream_guarded(engine, sent, offered, lines, privacy.guard)
            try:
                async for piece in within_deadline(pieces, self.engine_timeout_s, engine.name):
                    if isinstance(piece, str):
                        text = decoder.feed(piece)
                        if text:
                            yield TextDelta(text)
                    else:
                        turn = piece
            except EngineError as exc:
                if destination is Destination.CLOUD:
                    raise
                text = (
                    f"The local engine did not answer ({exc}). This request may not go to the "
                    "cloud under your privacy policy, so it was not sent anywhere else."
                )
                yield trace.reply(text, resolution, "none")
                return
            rest = decoder.flush()
            if rest:
                yield TextDelta(rest)
            assert turn is not None
            on_wire = privacy.guard.since(mark)
            ledger = privacy.ledger(engine.name, [*tools.values(), *helper.tools], on_wire)
            # the question as the cloud asked it: placeholders, never the values they stand for
            asked = tuple(replace(d.entry, question=privacy.encode(d.question)) for d in released)
            ledger = replace(ledger, delegations=asked)
            released.clear()
            call = self._engine_call(
                engine, turn, [*tools, *helper.offered], lines, started, ledger
            )
            yield trace.add(call)
            if not turn.tool_calls:
                if history is not None:
                    history.sent(destination, [*messages, Message("assistant", turn.text)])
                yield trace.reply(privacy.decode(turn.text), resolution, engine.name)
                return
            named = trace.state.identify(turn.tool_calls)
            messages.append(Message("assistant", turn.text, named))
            results: list[ToolResult] = []
            calls = tuple(self._decode_call(privacy, c, helper) for c in named)
            state = trace.state
            async for event in self._act(
                calls, tools, results, destination, tainted, state, helper
            ):
                if isinstance(event, Delegation):
                    released.append(event)
                yield trace.add(event)
            tainted = tainted or any(c.name != SEARCH.name for c in calls)
            tainted = tainted or not all(t.trusted for t in tools.values())
            encoded = tuple(
                ToolResult(r.call_id, privacy.encode_content(r.content), r.is_error)
                for r in results
            )
            messages.append(Message("user", tool_results=encoded))
        raise MaxStepsExceeded(
            f"No answer within {self.max_steps} engine steps",
            trace.reply("", resolution, engine.name),
        )

    async def _act(
        self,
        calls: Sequence[ToolCall],
        tools: dict[str, Tool],
        results: list[ToolResult],
        destination: Destination,
        tainted: bool,
        state: RequestState,
        helper: Delegator,
    ) -> AsyncIterator[Step | EngineCall | ToolRun | Delegation]:
        """Answer ``search_tools`` on the device, hand delegated questions to the local
        engine, then check and run the other calls."""
        fine = [c for c in calls if c.id not in state.id_problems]
        asked = [c for c in fine if c.name in helper.offered]
        for call in asked:
            async for event in helper.run(call):
                if isinstance(event, Delegation):
                    results.append(event.result(call.id))
                yield event
        searches = [c for c in fine if c.name == SEARCH.name]
        for call in searches:
            started = time.perf_counter()
            query = str(call.arguments.get("query", ""))
            hits = self.resolver.search(query, self.top_k)
            found = [t for t in hits if self.policy.allows_all(t.data_classes, destination)]
            tools.update({t.name: t for t in found})
            if destination is Destination.CLOUD:  # gated tools found: ask the local model
                found += helper.offer(delegable_classes(self.policy, hits, ()))
            listing = [{"name": t.name, "description": t.description} for t in found]
            results.append(ToolResult(call.id, json.dumps(listing)))
            yield Step("search", query, _ms(started), {"found": [t.name for t in found]})
        rest = [c for c in calls if c not in searches and c not in asked]
        runs = await self.dispatcher.run(rest, set(tools), state=state, tainted=tainted)
        for run in runs:
            results.append(as_result(run))
            yield run

    # ------------------------------------------------------------------ helpers
    def _learned(self, event: Event, *, answered: bool = False) -> Event:
        """The final reply, with what it taught the device (``learn_from_use``); ``answered``:
        the user chose the tool by answering the device's question."""
        if self.memory is None or not isinstance(event, Reply):
            return event
        return learn_from_reply(self.memory, event, answered=answered)

    def _engines(self) -> bool:
        return self.engine is not None or self.local_engine is not None

    def _known(self, trace: _Trace) -> _Known:
        """The facts and the people, read once per request (both may live on disk). People
        that cannot be read (a corrupt contacts file) are a warning in the trace, not a failed
        request: only what needs them fails, with the app's own error."""
        store = self.resolver.facts
        try:
            people = list(self.people()) if self.people is not None else None
        except (AssistantError, OSError) as exc:
            trace.add(Step("warning", "people unavailable", 0.0, {"error": str(exc)}))
            people = None
        facts = (
            [f for f in store.all() if f.kind is not FactKind.EXAMPLE] if store is not None else []
        )
        return _Known(facts, people)

    def _privacy(
        self, destination: Destination, known: _Known, resolution: Resolution
    ) -> RequestPrivacy:
        return RequestPrivacy.open(
            self.policy,
            destination,
            known.facts,
            known.people or (),
            [f.key for f in _facts(resolution)],
            pseudonymize=self.pseudonymize,
            refuse=self.refuse_leaks,
        )

    def _delegator(self, known: _Known) -> Delegator:
        return Delegator(
            self.registry,
            self.local_engine,
            self.policy,
            known.facts,
            limits=self.helper_limits,
            price=self.local_price,
            rank=self.resolver.search,
        )

    def _decode_call(self, privacy: RequestPrivacy, call: ToolCall, helper: Delegator) -> ToolCall:
        """Placeholders are decoded only for the data classes the tool's app may receive; a
        question delegated to the local engine gets only the classes it may read."""
        if call.name in helper.offered:
            local = [c for c in DATA_CLASSES if self.policy.allows(c, Destination.LOCAL)]
            return privacy.decode_call(call, local)
        tool = self.registry.get(call.name)
        if tool is None:  # search_tools stays on this device
            return privacy.decode_call(call, None)
        return privacy.decode_call(call, self.registry.receives(tool.app))

    def _device_note(
        self, plan: PartialPlan, destination: Destination, known: _Known, privacy: RequestPrivacy
    ) -> str:
        """What the device read, for the engine; values from withheld facts stay behind."""
        assert plan.tool is not None
        facts = {f.key.casefold(): f for f in known.facts}
        kept = {}
        for name, value in plan.arguments.items():
            source = plan.filled[name].source if name in plan.filled else ""
            fact = facts.get(source.removeprefix("fact:")) if source.startswith("fact:") else None
            if fact is None or self.policy.allows(fact.data_class, destination):
                kept[name] = value
        return DEVICE_PLAN_NOTE.format(
            tool=plan.tool.name,
            arguments=json.dumps(privacy.encode_value(kept), ensure_ascii=False),
            missing=", ".join(plan.missing) or "none",
        )

    def _preview(self, resolution: Resolution, known: _Known, tools: Iterable[Tool]) -> LedgerEntry:
        """What the cloud would have received (nothing was sent), from the facts as stored."""
        current = {f.key.casefold(): f for f in known.facts}
        facts = [current[k] for k in (f.key.casefold() for f in _facts(resolution)) if k in current]
        return self.policy.ledger_entry(Destination.CLOUD, "(not sent)", facts, list(tools))

    def _engine_call(
        self,
        engine: Engine,
        turn: EngineTurn,
        tools: Iterable[str],
        facts: list[str],
        t0: float,
        ledger: LedgerEntry,
    ) -> EngineCall:
        if ledger.destination is Destination.CLOUD:
            model = turn.model or engine.name.split(":")[-1]
            cost: float | None = cost_usd(model, turn.usage, self.prices)
        else:
            cost = self.local_price.cost(turn.usage)
        return EngineCall(
            engine=engine.name,
            tools_sent=(*sorted(tools), SEARCH.name),
            facts_sent=tuple(facts),
            usage=turn.usage,
            duration_ms=_ms(t0),
            cost_usd=cost,
            privacy=ledger,
        )


def _facts(resolution: Resolution) -> list[Fact]:
    return [m.fact for m in resolution.facts]


def _answer_step(answer: FactAnswer, duration_ms: float) -> Step:
    detail = {
        "planned_by": "device",
        "fact": answer.fact.key,
        "data_class": answer.fact.data_class,
        "may_go": answer.may_go.value,
        "similarity": round(answer.similarity, 3),
    }
    return Step("answer", answer.fact.key, duration_ms, detail)


def _plan_step(plan: Plan, duration_ms: float) -> Step:
    if isinstance(plan, LocalPlan):
        sources = {name: filled.source for name, filled in plan.filled.items()}
        detail: dict[str, Any] = {"planned_by": "device", "arguments": dict(plan.arguments)}
        return Step("plan", plan.tool.name, duration_ms, {**detail, "sources": sources})
    if isinstance(plan, Clarification):
        return Step("plan", "clarify", duration_ms, {"options": list(plan.options)})
    if isinstance(plan, PartialPlan):
        name = plan.tool.name if plan.tool else "engine"
        detail = {"planned_by": "engine", "arguments": dict(plan.arguments), "reason": plan.reason}
        detail["missing"] = list(plan.missing)
        return Step("plan", name, duration_ms, detail)
    return Step("plan", "engine", duration_ms, {"planned_by": "engine"})


_PARTIAL_PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9_]*$")


class _StreamDecoder:
    """Decodes placeholders in streamed text, holding back a word that may be cut in two."""

    def __init__(self, privacy: RequestPrivacy) -> None:
        self.privacy = privacy
        self.held = ""

    def feed(self, piece: str) -> str:
        if self.privacy.names is None:
            return piece
        text = self.held + piece
        cut = _PARTIAL_PLACEHOLDER.search(text)
        self.held = cut[0] if cut else ""
        return self.privacy.decode(text[: len(text) - len(self.held)])

    def flush(self) -> str:
        text, self.held = self.held, ""
        return self.privacy.decode(text)


async def _last(events: AsyncIterator[Event]) -> Reply:
    async for event in events:
        if isinstance(event, Reply):
            return event
    raise AssertionError("stream ended without a reply")


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0


_Traced = Step | EngineCall | ToolRun | Delegation


class _Trace:
    def __init__(self, steps: Iterable[Step] = ()) -> None:
        self.steps: list[Step] = list(steps)
        self.state = RequestState()
        """What this request has called and run (ids, side effects): never shared."""
        self.calls: list[EngineCall] = []
        self.runs: list[ToolRun] = []
        self.delegations: list[Delegation] = []

    def add(self, event: _Traced) -> _Traced:
        if isinstance(event, Delegation):
            self.delegations.append(event)
        elif isinstance(event, Step):
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
        self,
        text: str,
        resolution: Resolution,
        planned_by: str,
        *,
        would_send: tuple[str, ...] = (),
        preview: LedgerEntry | None = None,
        clarification: Clarification | None = None,
    ) -> Reply:
        return Reply(
            text,
            resolution,
            planned_by,
            tuple(self.steps),
            tuple(self.calls),
            tuple(self.runs),
            would_send,
            preview,
            clarification,
            tuple(self.delegations),
        )
