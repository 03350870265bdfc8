"""What a parameter is (its *kind*: a date, a duration, a person, a place, a choice, free
text...), decided from its JSON Schema and name, never from the tool; and the values of a
reading: ``Filled`` (where a value came from) and ``SlotFill`` (a tool's arguments read from a
request, with what is missing, ambiguous or unexplained)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..types import Tool

__all__ = [
    "NOT_SAID",
    "Filled",
    "Kind",
    "SlotFill",
    "duration_unit",
    "kind_of",
    "tool_properties",
]

NOT_SAID = "the request does not say"
"""The problem of a parameter no words of the request were read for."""


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


def tool_properties(tool: Tool) -> dict[str, Mapping[str, Any]]:
    return {k: _plain(v) for k, v in tool.parameters.get("properties", {}).items()}
