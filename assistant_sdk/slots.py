"""Fill a tool's arguments on the device, from the request and the facts, with no engine.

    fill = fill_arguments(tool, "text mom I'm running late", facts, now=datetime.now())
    fill.arguments   # {'recipient': 'Jane Doe', 'body': "I'm running late"}

Driven by each parameter's JSON Schema and name, never by the tool: a parameter's *kind*
(a date, a duration, a person, a place, a choice, free text...) decides how it is read. What
cannot be read with confidence is reported (``missing``, ``ambiguous``, ``unexplained``),
never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .types import Candidate, Fact, FactKind, Tool

if TYPE_CHECKING:
    from embeddings.base import Embedder

__all__ = ["NOT_SAID", "Filled", "Kind", "SlotFill", "fill_arguments", "kind_of", "preferred_tool"]


class Kind(StrEnum):
    DATETIME = "datetime"
    DATE = "date"
    TIME = "time"
    DAYS = "days"
    """A day or a run of days in the user's own words ("this weekend"), for a tool that
    reads them itself: a string whose description speaks of days in the user's words."""
    DURATION = "duration"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    PERSON = "person"
    PLACE = "place"
    PLACE_NAME = "place_name"
    """The name of a saved place ("home", "work"), not its address."""
    PHONE = "phone"
    EMAIL = "email"
    TEXT = "text"
    OTHER = "other"


NOT_SAID = "the request does not say"
"""The problem of a parameter no words of the request were read for."""

_PERSON_NAMES = {"recipient", "contact", "to", "person", "attendee", "who", "cc"}
_PLACE_NAMES = frozenset(
    "destination pickup origin location address place dropoff city town".split()
)
#: String parameters whose value is the user's own words. Any other string parameter is only
#: filled when something recognisable (a person, a place, a time) names it: never guessed.
_TEXT_NAMES = frozenset(
    "text body message content note title name label subject topic query q search song "
    "playlist nickname tag description summary".split()
)
_TEXT_CUES = ("text", "message", "title", "search", "query", "words", "name of")
_DURATION_UNITS = {"seconds": 1, "secs": 1, "minutes": 60, "mins": 60, "hours": 3600}


@dataclass(frozen=True, slots=True)
class Filled:
    """Where an argument's value came from ("request", "fact:mom", "contacts") and how sure."""

    source: str
    confidence: float
    text: str = ""
    """The words of the request it was read from."""


@dataclass(frozen=True, slots=True)
class SlotFill:
    arguments: dict[str, Any]
    filled: dict[str, Filled]
    missing: tuple[str, ...] = ()
    """Required parameters without a value, and parameters the request named unusably."""
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    """Parameters with several equally good values: ask the user to choose."""
    unexplained: tuple[str, ...] = ()
    """Words of the request no parameter used: an engine should read them."""
    problems: dict[str, str] = field(default_factory=dict)
    doubts: tuple[str, ...] = ()
    """Signs that one call would not do what was asked (a second action, a negation...):
    part of ``unexplained``, and never overruled by the span reader."""

    @property
    def complete(self) -> bool:
        return not self.missing and not self.ambiguous and not self.unexplained


def _plain(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """The non-null branch of ``anyOf: [X, null]``."""
    for branch in schema.get("anyOf", ()):
        if branch.get("type") != "null":
            return {**branch, **{k: v for k, v in schema.items() if k != "anyOf"}}
    return schema


def kind_of(name: str, schema: Mapping[str, Any]) -> Kind:
    """How a parameter is read, from its JSON Schema (type, format, enum, description) and name."""
    schema = _plain(schema)
    kind, fmt = schema.get("type"), schema.get("format", "")
    text = str(schema.get("description", "")).upper()
    if "enum" in schema:
        return Kind.CHOICE
    if kind == "boolean":
        return Kind.BOOLEAN
    if kind in ("integer", "number"):
        if duration_unit(name, schema) is not None:
            return Kind.DURATION
        return Kind.INTEGER if kind == "integer" else Kind.NUMBER
    if kind != "string":
        return Kind.OTHER
    if fmt == "date-time" or "YYYY-MM-DDTHH:MM" in text or "YYYY-MM-DD HH:MM" in text:
        return Kind.DATETIME
    if fmt == "date" or "YYYY-MM-DD" in text:
        return Kind.DATE
    if fmt == "time" or "HH:MM" in text:
        return Kind.TIME
    if fmt == "email":
        return Kind.EMAIL
    return _string_kind(name, text.lower())


def _string_kind(name: str, description: str) -> Kind:
    if "day" in description and "user's words" in description:
        return Kind.DAYS
    if name in ("phone", "phone_number", "mobile", "tel", "number"):
        return Kind.PHONE
    if name in ("email", "email_address", "e_mail"):
        return Kind.EMAIL
    if name in _PERSON_NAMES or (
        name == "name" and any(w in description for w in ("contact", "person", "nickname"))
    ):
        return Kind.PERSON
    if name in _PLACE_NAMES:
        return Kind.PLACE
    if name in ("name", "place_name") and "place" in description:
        return Kind.PLACE_NAME
    if name in _TEXT_NAMES or any(cue in description for cue in _TEXT_CUES):
        return Kind.TEXT
    return Kind.OTHER


def duration_unit(name: str, schema: Mapping[str, Any]) -> int | None:
    """Seconds per unit of a duration parameter (``duration_minutes`` -> 60), else None."""
    last = name.lower().rsplit("_", 1)[-1]
    if last in _DURATION_UNITS and ("duration" in name or "for" in name or "_" in name):
        return _DURATION_UNITS[last]
    if "duration" in name or "how long" in str(schema.get("description", "")).lower():
        description = str(schema.get("description", "")).lower()
        unit = next((u for u in _DURATION_UNITS if f"in {u}" in description), None)
        return _DURATION_UNITS[unit] if unit else None
    return None


def fill_arguments(
    tool: Tool,
    request: str,
    facts: Sequence[Fact],
    *,
    now: datetime,
    contacts: Sequence[str] | None = None,
    embedder: Embedder | None = None,
) -> SlotFill:
    """The arguments of ``tool`` the request gives, read on the device.

    ``now`` anchors relative dates ("tomorrow at 7"); ``contacts`` are the display names the
    device knows (people named in alias facts count too); ``embedder`` lets a choice be matched
    by meaning ("by bus" -> ``transit``) when no option is named outright.
    """
    from ._slot_fill import fill

    kinds = {name: kind_of(name, schema) for name, schema in tool_properties(tool).items()}
    return fill(tool, kinds, request, facts, now=now, contacts=contacts, embedder=embedder)


def tool_properties(tool: Tool) -> dict[str, Mapping[str, Any]]:
    return {k: _plain(v) for k, v in tool.parameters.get("properties", {}).items()}


def preferred_tool(candidates: Sequence[Candidate], facts: Sequence[Fact]) -> Candidate | None:
    """The best candidate, after the user's preferred app among those sharing its capability."""
    if not candidates:
        return None
    top = candidates[0]
    if top.tool.capability is None:
        return top
    peers = [c for c in candidates if c.tool.capability == top.tool.capability]
    prefs = {f.value.casefold() for f in facts if f.kind is FactKind.PREFERENCE}
    return next((c for c in peers if c.tool.app.casefold() in prefs), top)
