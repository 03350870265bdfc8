"""What a request did: steps with timings, engine calls with tokens and cost, and the reply."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .engines.base import Usage
from .errors import ConfigurationError
from .types import Resolution

if TYPE_CHECKING:
    from .plan import Clarification
    from .privacy.delegate import Delegation
    from .privacy.policy import LedgerEntry

__all__ = [
    "PRICES",
    "EngineCall",
    "LocalPrice",
    "Reply",
    "Step",
    "TextDelta",
    "TierUsage",
    "ToolRun",
    "cost_usd",
]

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
class LocalPrice:
    """What the user's own engine costs them, in USD per million tokens (0: free, the default).

    A rented GPU: ``LocalPrice.from_gpu(usd_per_hour=1.2, tokens_per_second=900)``, with the
    throughput measured on that machine (``Reply.local_tokens_per_second`` measures it).
    """

    usd_per_million: float = 0.0

    @classmethod
    def from_gpu(cls, usd_per_hour: float, tokens_per_second: float) -> LocalPrice:
        if usd_per_hour < 0 or tokens_per_second <= 0:
            raise ConfigurationError(
                "a GPU price needs usd_per_hour >= 0 and tokens_per_second > 0"
            )
        return cls(usd_per_hour / (tokens_per_second * 3600) * 1_000_000)

    def cost(self, usage: Usage) -> float:
        tokens = (
            usage.input_tokens
            + usage.output_tokens
            + usage.cache_read_tokens
            + usage.cache_write_tokens
        )
        return tokens * self.usd_per_million / 1_000_000


@dataclass(frozen=True, slots=True)
class TierUsage:
    """Tokens by where they were processed: the cloud engine, or the user's local engine."""

    cloud: Usage = field(default_factory=Usage)
    local: Usage = field(default_factory=Usage)


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
    delegations: tuple[Delegation, ...] = ()
    """Questions the cloud engine asked the local model about gated data, and what went back."""

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
    def usage_by_tier(self) -> TierUsage:
        """``usage`` split between the cloud engine and the local one."""
        cloud, local = Usage(), Usage()
        for call in self.engine_calls:
            if _tier(call) == "local":
                local = local + call.usage
            else:
                cloud = cloud + call.usage
        return TierUsage(cloud, local)

    @property
    def local_tokens_per_second(self) -> float | None:
        """The local engine's measured throughput in this reply (None: it did not run)."""
        calls = [c for c in self.engine_calls if _tier(c) == "local" and c.duration_ms > 0]
        if not calls:
            return None
        tokens = sum(c.usage.input_tokens + c.usage.output_tokens for c in calls)
        return tokens / (sum(c.duration_ms for c in calls) / 1000.0)

    @property
    def cost_usd(self) -> float:
        return sum(c.cost_usd or 0.0 for c in self.engine_calls)


def _tier(call: EngineCall) -> str:
    """Where a call ran: its ledger's destination (a call without one was the cloud's)."""
    if call.privacy is not None and call.privacy.destination.value != "cloud":
        return "local"
    return "cloud"
