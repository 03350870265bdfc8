"""What a request did: steps with timings, engine calls with tokens and cost, and the reply."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .engines.base import Usage
from .types import Resolution

if TYPE_CHECKING:
    from .plan import Clarification
    from .policy import LedgerEntry

__all__ = ["PRICES", "EngineCall", "Reply", "Step", "TextDelta", "ToolRun", "cost_usd"]

#: Estimated USD per million tokens (input, output, cache read, cache write), matched by the
#: longest model-name prefix. Check your provider's current prices and override per Assistant.
PRICES: dict[str, tuple[float, float, float, float]] = {
    "claude-opus": (5.0, 25.0, 0.5, 6.25),
    "claude-sonnet": (3.0, 15.0, 0.3, 3.75),
    "claude-haiku": (1.0, 5.0, 0.1, 1.25),
}


def cost_usd(model: str, usage: Usage, prices: Mapping[str, tuple[float, ...]]) -> float | None:
    """Estimated cost, or None for a model the price table does not know (e.g. a local one)."""
    matches = [name for name in prices if model.startswith(name)]
    price = prices[max(matches, key=len)] if matches else None
    if price is None:
        return None
    counts = (
        usage.input_tokens,
        usage.output_tokens,
        usage.cache_read_tokens,
        usage.cache_write_tokens,
    )
    return sum(c * p for c, p in zip(counts, price, strict=False)) / 1_000_000


@dataclass(frozen=True, slots=True)
class Step:
    kind: str  # "resolve" | "answer" | "plan" | "engine" | "search" | "tool"
    name: str
    duration_ms: float
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EngineCall:
    engine: str
    tools_sent: tuple[str, ...]
    facts_sent: tuple[str, ...]
    usage: Usage
    duration_ms: float
    cost_usd: float | None
    privacy: LedgerEntry | None = None
    """What this call took off the device: facts by key, data classes, placeholders."""


@dataclass(frozen=True, slots=True)
class ToolRun:
    call_id: str
    tool: str
    arguments: Mapping[str, Any]
    result: str
    is_error: bool
    duration_ms: float


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the engine's answer, streamed as it arrives."""

    text: str


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    resolution: Resolution
    planned_by: str
    """"device", the engine's name, or "none" when nothing could plan the request."""
    steps: tuple[Step, ...] = ()
    engine_calls: tuple[EngineCall, ...] = ()
    tool_runs: tuple[ToolRun, ...] = ()
    would_send: tuple[str, ...] = ()
    """Tools an engine would have received, when none was configured."""
    preview: LedgerEntry | None = None
    """What the cloud engine would have received, when none was configured or allowed."""
    clarification: Clarification | None = None
    """A question for the user; ``Assistant.answer(reply, choice)`` continues the request."""

    @property
    def ledger(self) -> tuple[LedgerEntry, ...]:
        """What left the device, one entry per engine call (empty: nothing left)."""
        return tuple(c.privacy for c in self.engine_calls if c.privacy is not None)

    @property
    def usage(self) -> Usage:
        total = Usage()
        for call in self.engine_calls:
            total = total + call.usage
        return total

    @property
    def cost_usd(self) -> float:
        return sum(c.cost_usd or 0.0 for c in self.engine_calls)
