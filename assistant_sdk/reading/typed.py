"""Spans become arguments through typed readers: the span tagger says *where* a value is,
these say *what* it is, by the parameter's kind.

Days and clock times go through ``dateparser`` (relative to ``now``, preferring the future),
numbers written as words through ``text2num``, people through the user's aliases and
contacts (a first name two contacts share stays ambiguous), places through saved places,
choices by their words or, with an embedder, by meaning. A span no reader accepts is a
problem named in ``SlotFill.problems``, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from ..types import Fact, FactKind, Tool
from .kinds import NOT_SAID, Filled, Kind, SlotFill, duration_unit, kind_of, tool_properties
from .literals import EMAIL, PHONE, Mention
from .moments import PART_OF_DAY, When, find_durations, find_when, number_value
from .references import find_people, find_places, match_choice

if TYPE_CHECKING:
    from embeddings.base import Embedder

__all__ = ["DEFAULT_TIME", "Found", "carried", "format_moment", "moment_value", "typed_fill"]

DEFAULT_TIME = time(9, 0)
"""The time of day an optional date-and-time gets when only a day is named."""
_CREATING = re.compile(r"\b(?:add|create|new|save)\b")


@dataclass(frozen=True, slots=True)
class Found:
    """A parameter's span in the request and the tagger's confidence in it."""

    start: int
    end: int
    confidence: float


@dataclass(frozen=True, slots=True)
class _Context:
    request: str
    facts: Sequence[Fact]
    contacts: Sequence[str] | None
    now: datetime
    embedder: Embedder | None
    creating: bool


def typed_fill(
    tool: Tool,
    request: str,
    found: Mapping[str, Found],
    facts: Sequence[Fact],
    *,
    now: datetime,
    contacts: Sequence[str] | None = None,
    embedder: Embedder | None = None,
) -> SlotFill:
    """The arguments the spans ``found`` give, read by each parameter's kind."""
    schemas = tool_properties(tool)
    creating = bool(_CREATING.search(tool.name.replace("_", " ")))
    context = _Context(request, facts, contacts, now, embedder, creating)
    arguments: dict[str, Any] = {}
    filled: dict[str, Filled] = {}
    ambiguous: dict[str, list[str]] = {}
    problems: dict[str, str] = {}
    for name, span in found.items():
        if name not in schemas:
            continue
        said = request[span.start : span.end].strip(" ,.;:!?\"'")
        kind = kind_of(name, schemas[name])
        value, options, problem, source = _read(kind, name, schemas[name], said, tool, context)
        if problem:
            problems[name] = problem
        elif options:
            ambiguous[name] = options
        else:
            arguments[name] = value
            filled[name] = Filled(source, span.confidence, said)
    missing = [n for n in tool.required if n not in arguments and n not in ambiguous]
    missing += [n for n in problems if n not in missing]
    for name in missing:
        problems.setdefault(name, NOT_SAID)
    return SlotFill(arguments, filled, tuple(missing), ambiguous, (), problems)


_Read = tuple[Any, list[str], str, str]


def _read(
    kind: Kind, name: str, schema: Mapping[str, Any], said: str, tool: Tool, c: _Context
) -> _Read:
    if not said:
        return None, [], "an empty value", ""
    if kind in (Kind.DATETIME, Kind.DATE, Kind.TIME):
        return _moment(kind, schema, said, c.now, name in tool.required)
    if kind is Kind.DAYS:
        when = find_when(said, c.now)
        named = when.mentions and (not when.problem or when.problem.endswith("one day"))
        if not named:
            return None, [], f"{said!r} names no day the device can read", ""
        return said, [], "", "request"
    if kind is Kind.DURATION:
        return _duration(name, schema, said)
    if kind in (Kind.INTEGER, Kind.NUMBER):
        number = number_value(said.split()[0] if said.split() else said)
        if number is None:
            return None, [], f"{said!r} is not a number", ""
        return (int(number) if kind is Kind.INTEGER else number), [], "", "request"
    if kind is Kind.BOOLEAN:
        return True, [], "", "request"
    if kind is Kind.CHOICE:
        options = [str(o) for o in schema["enum"]]
        mention, _ = match_choice(said, options, [], (), c.embedder)
        if mention is None:
            return None, [], f"{said!r} is none of {options}", ""
        return mention.value, [], "", "request"
    if kind is Kind.PERSON:
        return _person(said, schema, c)
    if kind in (Kind.PLACE, Kind.PLACE_NAME):
        return _place(kind, said, c)
    if kind is Kind.PHONE and not PHONE.fullmatch(said):
        return None, [], f"{said!r} is not a phone number", ""
    if kind is Kind.EMAIL and not EMAIL.fullmatch(said):
        return None, [], f"{said!r} is not an e-mail address", ""
    return said, [], "", "request"


def _moment(
    kind: Kind, schema: Mapping[str, Any], said: str, now: datetime, required: bool
) -> _Read:
    phrase = f"at {said}" if re.fullmatch(r"\w+", said) and kind is not Kind.DATE else said
    when = find_when(phrase, now)
    if not when.mentions:
        return None, [], f"{said!r} is not a day or time the device can read", ""
    value, problem = moment_value(kind, when, now, required)
    if problem or value is None:
        return None, [], problem or when.problem, ""
    return format_moment(schema, kind, value), [], "", "request"


def moment_value(
    kind: Kind, when: When, now: datetime, required: bool
) -> tuple[datetime | date | time | None, str]:
    """The value of kind ``kind`` that ``when`` names, or None and what is missing."""
    if when.problem:
        return None, when.problem
    clock = when.clock
    if clock is not None and when.bare and clock.hour < 12:
        evening = when.part in ("afternoon", "evening", "night")
        if evening or (kind is Kind.DATETIME and clock.hour <= 6 and when.part != "morning"):
            clock = clock.replace(hour=clock.hour + 12)
    if kind is Kind.TIME:
        return (clock, "") if clock else (None, "no time of day is named")
    if kind is Kind.DATE:
        return (when.day, "") if when.day else (None, "no day is named")
    if when.day is None and clock is not None:
        today = datetime.combine(now.date(), clock)
        return (today if today > now else today + timedelta(days=1)), ""
    if when.day is not None and clock is None:
        if when.part is not None:
            clock = PART_OF_DAY[when.part]
        elif required:
            return None, "no time of day is named"
        else:
            clock = DEFAULT_TIME
    if when.day is None or clock is None:
        return None, "no day or time is named"
    return datetime.combine(when.day, clock), ""


def format_moment(schema: Mapping[str, Any], kind: Kind, value: datetime | date | time) -> str:
    """``value`` written as the schema's ``format`` asks (seconds only where it says so)."""
    seconds = schema.get("format") in ("date-time", "time")
    if kind is Kind.DATETIME:
        return value.strftime("%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M")
    if kind is Kind.TIME:
        return value.strftime("%H:%M:%S" if seconds else "%H:%M")
    return value.isoformat()


def _duration(name: str, schema: Mapping[str, Any], said: str) -> _Read:
    found = find_durations(said)
    if len(found) != 1:
        return None, [], f"{said!r} is not one length of time", ""
    unit = duration_unit(name, schema) or 1
    amount = float(found[0].value) / unit
    if amount != int(amount) or amount <= 0:
        return None, [], f"{found[0].value:g} seconds is not a whole number of units", ""
    return int(amount), [], "", "request"


def _person(said: str, schema: Mapping[str, Any], c: _Context) -> _Read:
    described = str(schema.get("description", "")).lower()
    literal = any(w in described for w in ("phone", "e-mail", "email"))
    bare = re.sub(r"(?:'s|’s)$", "", said)
    mentions = [
        m
        for m in find_people(bare, c.facts, c.contacts, literals=literal, embedder=c.embedder)
        if _whole(m, bare)
    ]
    if not mentions:
        if c.creating:
            return bare, [], "", "request"
        return None, [], f"{said!r} is none of your contacts", ""
    mention = mentions[0]
    if mention.problem:
        return None, [], mention.problem, ""
    options = list(mention.value)
    if len(options) > 1:
        return None, options, "", ""
    return options[0], [], "", f"fact:{mention.fact}" if mention.fact else "contacts"


def _whole(mention: Mention, said: str) -> bool:
    """The mention is the whole span, give or take "my" and "the"."""
    rest = (said[: mention.start] + said[mention.end :]).lower().split()
    return all(w in ("my", "the") for w in rest)


def _place(kind: Kind, said: str, c: _Context) -> _Read:
    keys = {f.key.casefold(): f for f in c.facts if f.kind is FactKind.PLACE}
    key = re.sub(r"^(?:my|the)\s+", "", said.casefold()).strip()
    fact = keys.get(key) or keys.get(said.casefold())
    if kind is Kind.PLACE_NAME:
        if fact is None:
            return None, [], f"{said!r} is none of your saved places", ""
        return fact.key, [], "", f"fact:{fact.key}"
    if fact is not None:
        return fact.value, [], "", f"fact:{fact.key}"
    found = [m for m in find_places(f"to {said}", c.facts, []) if m.start <= 3]
    text = str(found[0].value[0]) if found else said
    return text, [], "", "request"


def carried(tool: Tool, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` from elsewhere (an earlier call's arguments or the record it returned) in the
    form ``tool``'s parameters take them: a date-and-time becomes its day for a date parameter
    and its clock time for a time parameter. Anything else, and any value that is not a
    date-and-time, is kept as it is."""
    properties = tool_properties(tool)
    return {n: _as_kind(v, n, properties.get(n, {})) for n, v in values.items()}


def _as_kind(value: Any, name: str, schema: Mapping[str, Any]) -> Any:
    kind = kind_of(name, schema)
    if kind not in (Kind.DATE, Kind.TIME, Kind.DATETIME) or not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if not re.search(r"\d[T ]\d", value):
        return value  # a day alone: nothing to narrow, and no clock time to invent
    if kind is Kind.DATE:
        return moment.date().isoformat()
    if kind is Kind.TIME:
        return format_moment(schema, kind, moment.time())
    return format_moment(schema, kind, moment)
