"""The engine contract: a conversation, the selected tools and the allowed facts in; text or
tool calls out. Neutral message types, so engines and the loop never share wire formats."""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ..types import Tool

__all__ = [
    "Engine",
    "EngineTurn",
    "Message",
    "OutboundGuard",
    "ToolCall",
    "ToolResult",
    "Usage",
]


@dataclass(frozen=True, slots=True)
class ToolCall:
    id: str
    name: str
    arguments: Mapping[str, Any]
    error: str | None = None
    """Set when the engine's arguments could not be parsed (they are then empty)."""


@dataclass(frozen=True, slots=True)
class ToolResult:
    call_id: str
    content: str
    is_error: bool = False


@dataclass(frozen=True, slots=True)
class Message:
    """One turn: the user's text, the assistant's text and tool calls, or tool results."""

    role: str  # "user" | "assistant"
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_results: tuple[ToolResult, ...] = ()


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )


@dataclass(frozen=True, slots=True)
class EngineTurn:
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    stop_reason: str = "end_turn"
    usage: Usage = field(default_factory=Usage)
    model: str = ""


class OutboundGuard(Protocol):
    """The last check of an outbound body (``assistant_sdk.privacy.WireGuard``)."""

    def check(self, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` as it may be sent (withheld values replaced), or raise
        ``PrivacyLeakError``. An engine sends exactly what this returns."""
        ...


@runtime_checkable
class Engine(Protocol):
    """Plans over what the device selected. ``tools`` arrive sorted by name; ``facts`` are the
    sentences the privacy policy lets this engine see.

    An engine that builds a request body passes it through ``guard.check`` and sends what
    comes back; the assistant has already checked the neutral inputs, so an engine without a
    body of its own may ignore ``guard``, and one whose ``stream`` takes no ``guard`` at all is
    called with the three arguments alone.
    """

    @property
    def name(self) -> str: ...

    async def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[Tool],
        facts: Sequence[str],
        *,
        guard: OutboundGuard | None = None,
    ) -> EngineTurn: ...

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[Tool],
        facts: Sequence[str],
        *,
        guard: OutboundGuard | None = None,
    ) -> AsyncIterator[str | EngineTurn]:
        """Text deltas as they arrive, then the finished ``EngineTurn``."""
        ...


def stream_guarded(
    engine: Engine,
    messages: Sequence[Message],
    tools: Sequence[Tool],
    facts: Sequence[str],
    guard: OutboundGuard,
) -> AsyncIterator[str | EngineTurn]:
    """``engine.stream`` with ``guard``, or without it for an engine written before engines
    took one (its neutral inputs are checked by the caller all the same)."""
    if _takes_guard(type(engine)):
        return engine.stream(messages, tools, facts, guard=guard)
    return engine.stream(messages, tools, facts)


@functools.cache
def _takes_guard(kind: type) -> bool:
    try:
        parameters = inspect.signature(kind.stream).parameters  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return False
    return "guard" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )
