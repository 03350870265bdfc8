"""Learning from use: a request that the engine or the user settled becomes a personal example.

    memory = UsageMemory(facts, resolver)
    reply = assistant.handle("what's the hour in Lima")   # the engine picked get_current_time
    memory.learn_from(reply)                               # kept, and indexed at once
    assistant.handle("what's the hour in Oslo")            # now resolved on the device

A request is settled when one tool ran for it without error after the device was unsure
(the engine chose the tool, or the user answered a clarification); a request the device
already resolved on its own teaches nothing new. The example is stored with the facts as
``FactKind.EXAMPLE`` in the ``history`` data class (personal history: the privacy policy keeps
it on the device unless the user allows more), indexed as an example of that tool, never
offered to an engine as a fact, and forgotten with ``forget``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..types import Decision, Fact, FactKind

if TYPE_CHECKING:
    from ..facts import FactStore
    from ..trace import Reply
    from .resolver import Resolver

__all__ = ["EXAMPLE_PREFIX", "HISTORY", "LearnedExample", "UsageMemory", "learned_tool"]

EXAMPLE_PREFIX = "example:"
HISTORY = "history"
"""The data class of learned examples: the user's own history of requests."""


@dataclass(frozen=True, slots=True)
class LearnedExample:
    tool: str
    request: str


def learned_tool(fact: Fact) -> str | None:
    """The tool a stored example belongs to (``example:<tool>:<digest>``), or None."""
    if fact.kind is not FactKind.EXAMPLE or not fact.key.startswith(EXAMPLE_PREFIX):
        return None
    tool, _, _ = fact.key[len(EXAMPLE_PREFIX) :].rpartition(":")
    return tool or None


class UsageMemory:
    """Personal examples kept in a ``FactStore`` and applied to a ``Resolver`` at once."""

    def __init__(self, facts: FactStore, resolver: Resolver) -> None:
        self.facts = facts
        self.resolver = resolver

    def learn(self, request: str, tool: str) -> LearnedExample:
        """Keep ``request`` as an example of ``tool`` and re-index (only the new entry)."""
        text = " ".join(request.split())
        if not text or tool not in self.resolver.registry:
            raise ValueError(f"cannot learn {text!r} for unknown tool {tool!r}")
        digest = hashlib.sha1(text.lower().encode("utf-8")).hexdigest()[:12]
        key = f"{EXAMPLE_PREFIX}{tool}:{digest}"
        self.facts.remember(Fact(key, text, FactKind.EXAMPLE, HISTORY))
        self.resolver.build()
        return LearnedExample(tool, text)

    def learn_from(self, reply: Reply) -> LearnedExample | None:
        """Learn from a finished reply when it settled which tool the request meant."""
        runs = [r for r in reply.tool_runs if not r.is_error]
        tools = {r.tool for r in runs}
        if len(tools) != 1 or any(r.is_error for r in reply.tool_runs):
            return None
        (tool,) = tools
        resolution = reply.resolution
        top = resolution.top
        if resolution.decision is Decision.LOCAL and top is not None and top.tool.name == tool:
            return None  # the device knew already
        return self.learn(resolution.request, tool)

    def examples(self, tool: str | None = None) -> list[LearnedExample]:
        found = [(learned_tool(f), f.value) for f in self.facts.of_kind(FactKind.EXAMPLE)]
        return [LearnedExample(t, v) for t, v in found if t and (tool is None or t == tool)]

    def forget(self, tool: str | None = None) -> int:
        """Forget the learned examples (of one tool, or all); returns how many."""
        gone = 0
        for fact in self.facts.of_kind(FactKind.EXAMPLE):
            if tool is None or learned_tool(fact) == tool:
                gone += self.facts.forget(fact.key)
        if gone:
            self.resolver.build()
        return gone
