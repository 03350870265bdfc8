"""``ScriptedEngine``: a real engine whose answers come from your function, for your tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence

from ..errors import EngineError
from ..types import Tool
from .base import EngineTurn, Message, OutboundGuard

__all__ = ["ScriptedEngine"]

Script = Callable[[Sequence[Message], Sequence[Tool], Sequence[str]], EngineTurn]


class ScriptedEngine:
    """Answers with ``fn(messages, tools, facts)``, or plays a list of turns in order.

    Every call is recorded in ``calls`` as ``(messages, tool names, facts)``. It builds no
    body of its own, so ``guard`` is not used: the assistant checks what it is given.
    """

    name = "scripted"

    def __init__(self, script: Script | Sequence[EngineTurn]) -> None:
        self._fn = script if callable(script) else None
        self._turns = list(script) if not callable(script) else []
        self.calls: list[tuple[list[Message], list[str], list[str]]] = []

    async def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[Tool],
        facts: Sequence[str],
        *,
        guard: OutboundGuard | None = None,
    ) -> EngineTurn:
        self.calls.append((list(messages), [t.name for t in tools], list(facts)))
        if self._fn is not None:
            return self._fn(messages, tools, facts)
        if not self._turns:
            raise EngineError("ScriptedEngine ran out of scripted turns")
        return self._turns.pop(0)

    async def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[Tool],
        facts: Sequence[str],
        *,
        guard: OutboundGuard | None = None,
    ) -> AsyncIterator[str | EngineTurn]:
        turn = await self.complete(messages, tools, facts, guard=guard)
        for word in turn.text.split(" ") if turn.text else ():
            yield word + " "
        yield turn
