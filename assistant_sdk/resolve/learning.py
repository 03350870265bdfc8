"""Learning from use: a request that the engine or the user settled becomes a personal example.

    assistant = Assistant(registry, resolver, engine, learn_from_use=True)
    assistant.handle("what's the hour in Lima")    # the engine picked get_current_time: learned
    assistant.handle("what's the hour in Oslo")    # now resolved on the device, 0 tokens
    assistant.memory.forget("get_current_time")    # or forget() for every learned example

A request is settled when one tool ran for it without error after the device was unsure
(the engine chose the tool, or the user answered a clarification); a request the device
already resolved on its own teaches nothing new. The example is stored with the facts as
``FactKind.EXAMPLE`` in the ``history`` data class (personal history: the privacy policy keeps
it on the device unless the user allows more), indexed at once as a personal example of that
tool (``u:`` entries, no refit), never offered to an engine as a fact, and forgotten with
``forget``. How strongly a personal example counts is calibrated by ``Resolver.fit``
(``Thresholds.personal``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..errors import AssistantError, ConfigurationError, FactStoreError
from ..trace import Step
from ..types import Decision, Fact, FactKind
from .templates import annotate, literal

if TYPE_CHECKING:
    from ..facts import FactStore
    from ..trace import Reply
    from .resolver import Resolver

__all__ = [
    "EXAMPLE_PREFIX",
    "HISTORY",
    "LearnedExample",
    "UsageMemory",
    "learn_from_reply",
    "learned_tool",
    "learning_memory",
    "settled_tool",
    "tool_names",
]

EXAMPLE_PREFIX = "example:"
HISTORY = "history"
"""The data class of learned examples: the user's own history of requests."""


@dataclass(frozen=True, slots=True)
class LearnedExample:
    tool: str
    request: str
    """As stored: an annotated example when it was learned with its call's arguments
    (``"what's the weather in {city}"``)."""
    key: str = ""
    """The fact key it is stored under (``example:<tool>:<digest>``)."""


def learned_tool(fact: Fact) -> str | None:
    """The tool a stored example belongs to, case-folded as the fact store keeps keys (None for
    a fact that is not a learned example). A learned example whose key names no tool is a
    corrupt row: ``FactStoreError``, and the row is left as it is."""
    if fact.kind is not FactKind.EXAMPLE:
        return None
    tool, _, digest = fact.key.removeprefix(EXAMPLE_PREFIX).rpartition(":")
    if not fact.key.startswith(EXAMPLE_PREFIX) or not tool or not digest:
        raise FactStoreError(
            f"The learned example {fact.key!r} names no tool (expected "
            f"'{EXAMPLE_PREFIX}<tool>:<digest>'); forget it with :forget {fact.key}"
        )
    return tool


def tool_names(names: Iterable[str]) -> dict[str, str]:
    """Registered tool names by their case-folded form (how example keys store them)."""
    return {name.casefold(): name for name in names}


def settled_tool(reply: Reply, *, answered: bool = False) -> str | None:
    """The tool ``reply`` settled its request for, or None. Settled means exactly one tool
    ran, without an error, and either an engine chose it (``planned_by`` names the engine) or
    the user chose it by answering the device's question (``answered``). A request the device
    planned on its own teaches nothing: it knew already, or nobody confirmed its guess."""
    if not reply.tool_runs or any(r.is_error for r in reply.tool_runs):
        return None
    tools = {r.tool for r in reply.tool_runs}
    if len(tools) != 1:
        return None
    if not answered and (reply.planned_by in ("device", "none") or not reply.engine_calls):
        return None
    (tool,) = tools
    resolution = reply.resolution
    top = resolution.top
    if resolution.decision is Decision.LOCAL and top is not None and top.tool.name == tool:
        return None  # the device knew already
    return tool


class UsageMemory:
    """Personal examples kept in a ``FactStore`` and applied to a ``Resolver`` at once."""

    def __init__(self, facts: FactStore, resolver: Resolver) -> None:
        self.facts = facts
        self.resolver = resolver

    def learn(
        self, request: str, tool: str, arguments: Mapping[str, object] | None = None
    ) -> LearnedExample:
        """Keep ``request`` as an example of ``tool`` and index it (only the new entry). With
        the ``arguments`` it was settled with, the values said in it become placeholders
        (``templates.annotate``): the example keeps how the user asks, not what about."""
        text = " ".join(request.split())
        if not text or tool not in self.resolver.registry:
            raise ValueError(f"cannot learn {text!r} for unknown tool {tool!r}")
        example = annotate(text, arguments) if arguments else literal(text)
        digest = hashlib.sha1(example.lower().encode("utf-8")).hexdigest()[:12]
        key = f"{EXAMPLE_PREFIX}{tool}:{digest}"
        self.facts.remember(Fact(key, example, FactKind.EXAMPLE, HISTORY))
        self.resolver.build()
        return LearnedExample(tool, example, key.lower())

    def learn_from(self, reply: Reply, *, answered: bool = False) -> LearnedExample | None:
        """Learn from a finished reply when it settled which tool the request meant
        (``answered``: the reply continues a question the user answered)."""
        tool = settled_tool(reply, answered=answered)
        if tool is None:
            return None
        return self.learn(reply.resolution.request, tool, reply.tool_runs[0].arguments)

    def examples(self, tool: str | None = None) -> list[LearnedExample]:
        """What was learned (of one tool, or all). Examples of a tool that is no longer
        registered are kept and listed under their stored (case-folded) name."""
        names = tool_names(t.name for t in self.resolver.registry)
        found = []
        for fact in self.facts.of_kind(FactKind.EXAMPLE):
            owner = learned_tool(fact)
            assert owner is not None
            name = names.get(owner, owner)
            if tool is None or name.casefold() == tool.casefold():
                found.append(LearnedExample(name, fact.value, fact.key))
        return found

    def forget(self, tool: str | None = None) -> int:
        """Forget the learned examples (of one tool, or all); returns how many. The index
        drops them at once."""
        gone = sum(self.facts.forget(e.key) for e in self.examples(tool))
        if gone:
            self.resolver.build()
        return gone

    def forget_example(self, key: str) -> bool:
        """Forget one learned example by its key (``LearnedExample.key``)."""
        fact = self.facts.get(key)
        if fact is None or fact.kind is not FactKind.EXAMPLE:
            return False
        gone = self.facts.forget(key)
        self.resolver.build()
        return gone


def learning_memory(resolver: Resolver) -> UsageMemory:
    """The memory an ``Assistant(learn_from_use=True)`` keeps its examples in: the resolver's
    fact store, or ``ConfigurationError`` when it has none."""
    if resolver.facts is None:
        raise ConfigurationError(
            "Learning from use keeps its examples with the facts: give the Resolver a "
            "FactStore (Resolver(embedder, registry, facts=FactStore(path)))"
        )
    return UsageMemory(resolver.facts, resolver)


def learn_from_reply(memory: UsageMemory, reply: Reply, *, answered: bool = False) -> Reply:
    """``reply`` with a ``learn`` step when it settled its request's tool and the example was
    kept, or a ``warning`` step when keeping it failed: the reply itself is never lost."""
    tool = settled_tool(reply, answered=answered)
    if tool is None or tool not in memory.resolver.registry:
        return reply
    started = time.perf_counter()
    try:
        learned = memory.learn(reply.resolution.request, tool, reply.tool_runs[0].arguments)
    except (AssistantError, ValueError) as exc:
        step = Step("warning", "not learned", 0.0, {"error": str(exc)})
    else:
        elapsed = (time.perf_counter() - started) * 1000.0
        step = Step("learn", tool, elapsed, {"example": learned.request, "key": learned.key})
    return replace(reply, steps=(*reply.steps, step))
