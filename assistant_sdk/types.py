"""Values that flow through the harness. All frozen; pydantic is kept to the edges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "DATA_CLASSES",
    "Candidate",
    "Decision",
    "Fact",
    "FactKind",
    "FactMatch",
    "Inverse",
    "Resolution",
    "Risk",
    "Tool",
]

#: Data classes the SDK knows about. Tools and facts may only declare these.
DATA_CLASSES: frozenset[str] = frozenset(
    {
        "contacts",
        "location",
        "messages",
        "calendar",
        "health",
        "finance",
        "email",
        "media",
        "notes",
        "preferences",
        "device",
        "history",
    }
)


class Risk(StrEnum):
    """What running a tool can do to the user's world."""

    READ = "read"
    WRITE = "write"
    DESTRUCTIVE = "destructive"


class Decision(StrEnum):
    """What the harness should do with a resolved request."""

    LOCAL = "local"  # one confident tool: plan on the device
    ENGINE = "engine"  # in scope but needs reasoning: ask the engine
    CLARIFY = "clarify"  # the top candidates are too close: ask the user
    OUT_OF_SCOPE = "out_of_scope"  # nothing registered can do this


@dataclass(frozen=True, slots=True)
class Inverse:
    """The tool of the same app that reverses a write, and where its arguments come from.

    ``arguments`` maps each of the inverse's parameters to a source: a parameter of the write
    (``"title"``), or a path into the write's JSON result (``"result.alarm_set.time"``). Empty:
    the write's arguments that the inverse also takes, under the same names. A source that is
    absent from the call is left out.
    """

    tool: str
    arguments: Mapping[str, str] = field(default_factory=dict)

    def arguments_for(
        self, arguments: Mapping[str, Any], result: Any, names: tuple[str, ...]
    ) -> dict[str, Any]:
        """The inverse's arguments for a write called with ``arguments`` that returned
        ``result`` (parsed JSON); ``names`` are the inverse's parameters."""
        sources = self.arguments or {n: n for n in names if n in arguments}
        out: dict[str, Any] = {}
        for name, source in sources.items():
            head, *path = source.split(".")
            value: Any = result if head == "result" else arguments.get(head)
            for key in path:
                value = value.get(key) if isinstance(value, Mapping) else None
            if value is not None:
                out[name] = value
        return out


@dataclass(frozen=True, slots=True)
class Tool:
    """An app capability the assistant can call. Metadata only: the adapter runs it."""

    name: str
    description: str
    app: str
    parameters: Mapping[str, Any] = field(
        default_factory=lambda: {"type": "object", "properties": {}}
    )
    examples: tuple[str, ...] = ()
    risk: Risk = Risk.READ
    data_classes: frozenset[str] = frozenset()
    capability: str | None = None
    """Shared by tools of different apps that do the same thing (``"ride.book"``): the user's
    preference for one app then decides between them."""
    confirm: bool = False
    """The app asks that every call of this write tool be confirmed by the user (destructive
    tools always are)."""
    trusted: bool = True
    """False for metadata written by a third party (an MCP server, an OpenAPI document, a
    manifest marked untrusted): its text is data, not instructions, so any engine turn that saw
    it needs the user's confirmation before a write."""
    inverse: Inverse | None = None
    """For a write: the tool that reverses it ("delete the alarm it just set"). A correction of
    a write the device ran offers it, through the risk gate like any other call."""

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.parameters.get("required", ()))

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(self.parameters.get("properties", {}))


class FactKind(StrEnum):
    PREFERENCE = "preference"  # "rides" -> "Lyft"
    ALIAS = "alias"  # "mom" -> "Jane Doe"
    PLACE = "place"  # "home" -> "12 Oak St"
    NOTE = "note"  # anything else the user wants remembered
    EXAMPLE = "example"  # a request the user made, kept as an example of a tool (learning.py)


@dataclass(frozen=True, slots=True)
class Fact:
    """Something the device knows about its user."""

    key: str
    value: str
    kind: FactKind = FactKind.NOTE
    data_class: str = "preferences"

    @property
    def text(self) -> str:
        """The sentence that is embedded and shown to an engine."""
        return f"{self.key}: {self.value}"


@dataclass(frozen=True, slots=True)
class FactMatch:
    fact: Fact
    score: float


@dataclass(frozen=True, slots=True)
class Candidate:
    """One tool the request might mean, with the evidence for it."""

    tool: Tool
    score: float
    """Fused score; comparable within one resolution."""
    probability: float
    """Calibrated probability that this tool is the one the request needs."""
    dense: float = 0.0
    lexical: float = 0.0
    example: str | None = None
    """The example phrase (or card) that matched best."""
    steered_by: Fact | None = None
    """The preference that moved this tool up among tools of the same capability."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the device understood, before any engine is involved."""

    request: str
    candidates: tuple[Candidate, ...]
    facts: tuple[FactMatch, ...]
    decision: Decision
    elapsed_ms: float = 0.0
    truncated: bool = False

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None
