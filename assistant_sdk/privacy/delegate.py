"""Local models as tools of the cloud engine, for data the cloud may not see.

When a request needs a data class that the user's policy keeps off the cloud but lets a local
engine read (``health = "local"``), the cloud engine is offered one generated tool per such
class, ``ask_health_records(question)``. Calling it runs the question on the local engine with
only that class's read tools and facts, in a bounded loop of its own; the local model's answer
is cut down to what the user's ``derived`` setting releases (nothing, a yes/no or a count, or
a free text with the raw values withheld) and only that goes back to the cloud.

    delegator = Delegator(registry, local_engine, policy, facts)
    offered = delegator.offer(["health"])          # [Tool('ask_health_records', ...)]
    async for event in delegator.run(call):        # EngineCall, ToolRun ..., then Delegation
        ...

The local helper never writes: it is given read tools only, and a write it names anyway is
refused by the same checks as any engine's call. A local engine that is absent or down makes
the tool answer the cloud with an error; the data is never sent up instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from ..engines.base import Engine, ToolCall, ToolResult
from ..prompts import (
    DELEGATE_DESCRIPTION,
    DELEGATE_NAME,
    DELEGATE_PARAMETERS,
    DELEGATE_RETURNS,
    DELEGATE_TASK,
)
from ..tools import ToolRegistry
from ..trace import EngineCall, LocalPrice, ToolRun
from ..types import Fact, Risk, Tool
from ._helper import Collected, HelperLimits, collect
from .derived import Derived, raw_values
from .policy import Destination, PrivacyPolicy

__all__ = [
    "Delegation",
    "DelegationEntry",
    "Delegator",
    "HelperLimits",
    "delegable_classes",
    "delegate_tool",
]


@dataclass(frozen=True, slots=True)
class DelegationEntry:
    """The ledger's line for one delegation: never the answer itself, only what was released."""

    data_class: str
    question: str
    answer_length: int
    released: str | None
    setting: Derived
    withheld: int = 0


@dataclass(frozen=True, slots=True)
class Delegation:
    """One question the cloud engine asked the local model, as the device saw it. ``answer``
    stays on the device; ``released`` is what went back to the cloud (None: nothing)."""

    data_class: str
    question: str
    answer: str
    released: str | None
    setting: Derived
    withheld: int = 0
    error: str | None = None
    tools_run: tuple[str, ...] = ()

    @property
    def entry(self) -> DelegationEntry:
        return DelegationEntry(
            self.data_class,
            self.question,
            len(self.answer),
            self.released,
            self.setting,
            self.withheld,
        )

    def result(self, call_id: str) -> ToolResult:
        """What the cloud engine receives for its call."""
        if self.error is not None:
            return ToolResult(call_id, self.error, True)
        if self.released is None:  # answered, but nothing may go up: an error unless by choice
            notice = _NOTHING[self.setting].format(c=self.data_class)
            return ToolResult(call_id, notice, self.setting is not Derived.NO)
        return ToolResult(call_id, self.released)


_NOTHING = {
    Derived.NO: (
        "The local model answered. The user's privacy policy keeps answers derived from their "
        "{c} data off the cloud, so the answer was shown to the user and nothing was released."
    ),
    Derived.COUNT: (
        "The local model's answer was not a yes, a no or a number, so nothing was released; "
        "ask a yes/no or how-many question."
    ),
    Derived.TEXT: "Nothing could be released from the local model's answer.",
}


def delegate_name(data_class: str) -> str:
    return DELEGATE_NAME.format(data_class=data_class)


def delegate_tool(data_class: str, reads: Sequence[Tool], setting: Derived) -> Tool:
    """The tool the cloud engine sees for ``data_class``: generated name and description.

    The description quotes the read tools' own first lines, so it is as trusted as they are:
    an engine turn that saw a third-party tool's words through it is tainted like any other."""
    shown = reads[:5]
    listed = "; ".join(t.description.split("\n")[0].rstrip(".") for t in shown)
    return Tool(
        delegate_name(data_class),
        DELEGATE_DESCRIPTION.format(
            data_class=data_class,
            reads=f" (it can: {listed})" if listed else "",
            returns=DELEGATE_RETURNS[setting.value],
        ),
        "device",
        DELEGATE_PARAMETERS,
        trusted=all(t.trusted for t in shown),
    )


def delegable_classes(
    policy: PrivacyPolicy, tools: Iterable[Tool], facts: Iterable[Fact]
) -> list[str]:
    """The classes these tools and facts touch that may reach a local engine, not the cloud."""
    classes = {c for t in tools for c in t.data_classes} | {f.data_class for f in facts}
    return sorted(
        c
        for c in classes
        if policy.allows(c, Destination.LOCAL) and not policy.allows(c, Destination.CLOUD)
    )


Event = EngineCall | ToolRun | Delegation


class Delegator:
    """Runs, for one request, the questions the cloud engine delegates to ``engine`` (the local
    engine; None when none is configured). ``rank`` orders a class's tools for a question
    (``Resolver.search``); ``price`` is what local tokens cost the user."""

    def __init__(
        self,
        registry: ToolRegistry,
        engine: Engine | None,
        policy: PrivacyPolicy,
        facts: Sequence[Fact],
        *,
        limits: HelperLimits | None = None,
        price: LocalPrice | None = None,
        rank: Callable[[str, int], list[Tool]] | None = None,
        max_tools: int = 8,
    ) -> None:
        self.registry = registry
        self.engine = engine
        self.policy = policy
        self.facts = list(facts)
        self.limits = limits or HelperLimits()
        self.price = price or LocalPrice()
        self.rank = rank
        self.max_tools = max_tools
        self.offered: dict[str, str] = {}
        """Delegation tool name -> its data class, for every tool offered in this request."""
        self.tools: list[Tool] = []

    def offer(self, classes: Iterable[str]) -> list[Tool]:
        """The delegation tools for ``classes`` (none without a local engine). Each is
        remembered, so its calls are recognised and every later engine call is sent it."""
        wanted = list(classes)
        if self.engine is None:
            return []
        for data_class in wanted:
            if delegate_name(data_class) not in self.offered:
                reads = self.reads(data_class)
                self.tools.append(delegate_tool(data_class, reads, self.setting(data_class)))
                self.offered[self.tools[-1].name] = data_class
        names = {delegate_name(c) for c in wanted}
        return [t for t in self.tools if t.name in names]

    def setting(self, data_class: str) -> Derived:
        return self.policy.derived_for(data_class)

    def reads(self, data_class: str, question: str = "") -> list[Tool]:
        """The class's read tools the local engine may use, best for ``question`` first."""
        tools = [
            t
            for t in self.registry
            if data_class in t.data_classes
            and t.risk is Risk.READ
            and self.policy.allows_all(t.data_classes, Destination.LOCAL)
        ]
        if question and self.rank is not None:
            order = {t.name: n for n, t in enumerate(self.rank(question, len(tools) or 1))}
            tools.sort(key=lambda t: order.get(t.name, len(order)))
        return tools[: self.max_tools]

    async def run(self, call: ToolCall) -> AsyncIterator[Event]:
        """Answer one delegation call: the helper's engine calls and tool runs as they happen,
        then the ``Delegation`` (its ``result`` is what the cloud engine receives)."""
        data_class = self.offered[call.name]
        question = str(call.arguments.get("question", "")).strip()
        setting = self.setting(data_class)
        if call.error or not question:
            problem = call.error or "a question is required"
            yield self._failed(data_class, question, setting, f"Invalid call: {problem}")
            return
        if self.engine is None:
            yield self._failed(data_class, question, setting, self._down("none is configured"))
            return
        tools = self.reads(data_class, question)
        facts = [f for f in self.facts if f.data_class == data_class]
        task = DELEGATE_TASK.format(data_class=data_class, question=question, form=setting.form)
        events = collect(
            self.engine,
            task,
            registry=self.registry,
            policy=self.policy,
            tools=tools,
            facts=facts,
            limits=self.limits,
            price=self.price,
        )
        async for event in events:
            if not isinstance(event, Collected):
                yield event
            elif event.answer is None:
                why = self._down(event.problem or "no answer")
                yield replace(self._failed(data_class, question, setting, why), tools_run=event.ran)
            else:
                raw = raw_values([f.value for f in facts], event.results)
                released = setting.release(event.answer, raw)
                yield Delegation(
                    data_class,
                    question,
                    event.answer,
                    released.text,
                    setting,
                    released.withheld,
                    tools_run=event.ran,
                )

    def _failed(self, data_class: str, question: str, setting: Derived, why: str) -> Delegation:
        return Delegation(data_class, question, "", None, setting, error=why)

    def _down(self, why: str) -> str:
        return (
            f"The local model could not answer ({why}). The user's data stays on their device "
            "and was not sent anywhere else; tell the user."
        )
