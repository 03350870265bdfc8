"""The order a request is read in: time, lengths of time, people, places, choices, counts,
switches, then free text from what is left; finally the words nothing explained, and the
signs that one call would not do (``_whole_checks``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..tools import split_identifier
from ..types import Fact, FactKind, Tool
from ._whole_checks import VERBS, Reading, beyond_one_call, command_words, own_words
from ._whole_text import (
    ACTION_VERBS,
    EMAIL,
    FILLER,
    PHONE,
    Mention,
    leftover_words,
    singular,
    split_text,
    text_role,
    words,
)
from .kinds import NOT_SAID, Filled, Kind, SlotFill, duration_unit, tool_properties
from .moments import When, find_durations, find_when
from .references import find_count, find_people, find_places, find_switch, match_choice
from .typed import format_moment, moment_value

if TYPE_CHECKING:
    from embeddings.base import Embedder

__all__ = ["fill"]

_TIMES = (Kind.DATETIME, Kind.DATE, Kind.TIME)
_ORIGINS = {"pickup", "origin", "from", "start", "source"}
_NOT_NOUNS = ACTION_VERBS | frozenset("to from for with".split())
_NOT_SWITCHES = frozenset("only include also not yet list show all is has".split())


class _Builder:
    def __init__(self, tool: Tool, kinds: Mapping[str, Kind], request: str) -> None:
        self.tool, self.kinds, self.request = tool, kinds, request
        self.schemas = tool_properties(tool)
        self.arguments: dict[str, Any] = {}
        self.filled: dict[str, Filled] = {}
        self.missing: list[str] = []
        self.ambiguous: dict[str, list[str]] = {}
        self.problems: dict[str, str] = {}
        self.taken: list[Mention] = []

    def of(self, *kinds: Kind) -> list[str]:
        return [n for n, k in self.kinds.items() if k in kinds]

    def put(self, name: str, value: Any, source: str, confidence: float, at: Mention) -> None:
        self.arguments[name] = value
        self.filled[name] = Filled(source, confidence, self.request[at.start : at.end])
        self.taken.append(at)

    def miss(self, name: str, problem: str) -> None:
        if name not in self.missing:
            self.missing.append(name)
        self.problems[name] = problem


def fill(
    tool: Tool,
    kinds: Mapping[str, Kind],
    request: str,
    facts: Sequence[Fact],
    *,
    now: datetime,
    contacts: Sequence[str] | None,
    embedder: Embedder | None,
) -> SlotFill:
    b = _Builder(tool, kinds, request)
    command = command_words(tool)
    _times(b, now)
    _days(b, now)
    _durations(b)
    _literals(b)
    people = _people(b, facts, contacts, command, embedder)
    _place_names(b, facts)
    _places(b, facts, people, command)
    _choices(b, command, embedder)
    _counts_and_switches(b, command)
    b.taken.extend(_containers(request, command - VERBS - FILLER, b.taken))
    _text(b, command)
    for name in tool.required:
        if name not in b.arguments and name not in b.ambiguous:
            b.miss(name, b.problems.get(name, NOT_SAID))
    own = own_words(tool)
    leftover = leftover_words(request, b.taken, command | own)
    doubts = beyond_one_call(Reading(tool, request, b.arguments, b.filled, b.kinds), own)
    ordered = {n: b.arguments[n] for n in b.schemas if n in b.arguments}  # the tool's order
    return SlotFill(
        ordered,
        {n: b.filled[n] for n in b.schemas if n in b.filled},
        tuple(b.missing),
        b.ambiguous,
        (*leftover, *doubts),
        b.problems,
        tuple(doubts),
    )


def _containers(request: str, nouns: frozenset[str], taken: Sequence[Mention]) -> list[Mention]:
    """ "on my calendar", "in my contacts", "to the Shopping list"...: the app or the tool's own
    noun named as where the action happens is part of the command, not of any value."""
    if not nouns:
        return []
    alternatives = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
    pattern = re.compile(
        rf"\b(?:to|on|in|into|onto|from|with)\s+(?:(?:my|the|your)\s+)?(?:{alternatives})s?\b",
        re.IGNORECASE,
    )
    spans = [Mention(m.start(), m.end()) for m in pattern.finditer(request)]
    return [m for m in spans if not _overlaps(m, taken)]


def _place_names(b: _Builder, facts: Sequence[Fact]) -> None:
    """A saved place named by its key ("what's my *work* address" -> "work")."""
    names = b.of(Kind.PLACE_NAME)
    if not names:
        return
    found = find_places(b.request, facts, b.taken)
    keys = {f.value: f.key for f in facts if f.kind is FactKind.PLACE}
    named = [m for m in found if m.value[0] in keys]
    if named:
        b.put(names[0], keys[named[0].value[0]], f"fact:{keys[named[0].value[0]]}", 1.0, named[0])


def _times(b: _Builder, now: datetime) -> None:
    names = b.of(*_TIMES)
    if not names:
        return
    when = find_when(b.request, now)
    b.taken.extend(when.mentions)
    if not when.mentions:
        return
    at = Mention(min(m.start for m in when.mentions), max(m.end for m in when.mentions))
    for kind in _TIMES:
        for n, name in enumerate(b.of(kind)):
            value, problem = moment_value(kind, when, now, name in b.tool.required)
            if problem or value is None or n > 0:
                b.miss(name, problem or when.problem or "one value for two parameters")
            else:
                b.put(name, format_moment(b.schemas[name], kind, value), "request", 1.0, at)


def _days(b: _Builder, now: datetime) -> None:
    """A day or a run of days the tool reads itself ("this weekend"): the words that name it."""
    names = b.of(Kind.DAYS)
    if not names or b.of(*_TIMES):
        return
    when = find_when(b.request, now)
    if when.mentions and when.day is None and when.clock is None and not _weekend(when):
        return
    if when.mentions:
        at = Mention(min(m.start for m in when.mentions), max(m.end for m in when.mentions))
        b.put(names[0], b.request[at.start : at.end], "request", 1.0, at)


def _weekend(when: When) -> bool:
    """A run of days (the problem of a day reader asked for one day), not a bad day."""
    return when.problem.endswith("does not name one day")


def _durations(b: _Builder) -> None:
    names = b.of(Kind.DURATION)
    found = [m for m in find_durations(b.request) if not _overlaps(m, b.taken)]
    if not names or not found:
        return
    if len(found) > 1:
        b.taken.extend(found)
        b.miss(names[0], "more than one length of time is named")
        return
    unit = duration_unit(names[0], b.schemas[names[0]]) or 1
    amount = float(found[0].value) / unit
    if amount != int(amount) or amount <= 0:
        b.taken.append(found[0])
        b.miss(names[0], f"{found[0].value:g} seconds is not a whole number of units")
        return
    b.put(names[0], int(amount), "request", 1.0, found[0])


_LABEL = re.compile(
    r"(?:\b(?:with|and)\s+)?(?:\b(?:her|his|their|my|the)\s+)?\b(?:phone|mobile|cell|number|"
    r"email|e-mail)(?:\s+(?:number|address))?(?:\s+is)?\s*:?\s*$",
    re.IGNORECASE,
)
_NEW_NAME = re.compile(r"\b[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){1,2}\b")
_CREATING = frozenset("add create new save".split())


def _literals(b: _Builder) -> None:
    """Phone numbers and e-mail addresses written out, for parameters that take them."""
    for kind, pattern in ((Kind.PHONE, PHONE), (Kind.EMAIL, EMAIL)):
        names = b.of(kind)
        found = [m for m in pattern.finditer(b.request) if not _within_taken(b, m.start())]
        for name, match in zip(names, found, strict=False):
            label = _LABEL.search(b.request[: match.start()])
            start = label.start() if label else match.start()  # "her email is ...", "phone ..."
            b.put(name, match[0].strip(), "request", 1.0, Mention(start, match.end()))


def _within_taken(b: _Builder, position: int) -> bool:
    return any(t.start <= position < t.end for t in b.taken)


def _people(
    b: _Builder,
    facts: Sequence[Fact],
    contacts: Sequence[str] | None,
    command: frozenset[str],
    embedder: Embedder | None,
) -> list[Mention]:
    names = b.of(Kind.PERSON)
    literal = any(
        w in str(b.schemas[n].get("description", "")).lower()
        for n in names
        for w in ("phone", "e-mail", "email")
    )
    found = find_people(b.request, facts, contacts, literals=literal, embedder=embedder)
    found = [m for m in found if not _overlaps(m, b.taken)]
    for name, mention in zip(names, found, strict=False):
        options = list(mention.value)
        if mention.problem:
            b.taken.append(mention)
            b.miss(name, mention.problem)
        elif len(options) > 1:
            b.taken.append(mention)
            b.ambiguous[name] = options
        else:
            source = f"fact:{mention.fact}" if mention.fact else "contacts"
            b.put(name, options[0], source, 1.0, mention)
    if names and not found and _CREATING & set(words(split_identifier(b.tool.name))):
        _new_person(b, names[0], command)
    return found


def _new_person(b: _Builder, name: str, command: frozenset[str]) -> None:
    """A tool that adds a person takes a name nobody has yet: one capitalised full name."""
    fresh = [
        m
        for m in _NEW_NAME.finditer(b.request)
        if not _within_taken(b, m.start()) and not any(w in command for w in words(m[0]))
    ]
    if len(fresh) == 1:
        b.put(name, fresh[0][0], "request", 0.8, Mention(fresh[0].start(), fresh[0].end()))


def _places(
    b: _Builder, facts: Sequence[Fact], people: Sequence[Mention], command: frozenset[str]
) -> None:
    names = b.of(Kind.PLACE)
    if not names:
        return
    _bare_place(b, names, [*b.taken, *people], command)
    found = find_places(b.request, facts, [*b.taken, *people])
    keys = {f.value: f.key for f in facts if f.kind is FactKind.PLACE}
    for name in names:
        origin = name in _ORIGINS
        mine = [m for m in found if (m.value[1] == "from") == origin and m not in b.taken]
        if not mine and len(names) == 1:
            mine = [m for m in found if m not in b.taken]
        if mine:
            address = mine[0].value[0]
            source = f"fact:{keys[address]}" if address in keys else "request"
            b.put(name, address, source, 1.0 if address in keys else 0.8, mine[0])


_BARE = re.compile(r"\b(?:\d+\s+)?[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)*")


def _bare_place(
    b: _Builder, names: list[str], taken: Sequence[Mention], command: frozenset[str]
) -> None:
    """A place named with no preposition ("Manchester weather"): one capitalised phrase that is
    no command word, person, day or month fills the one place parameter, less surely."""
    if len(names) != 1 or re.search(r"\b(?:to|in|at|from|near)\s", b.request, re.IGNORECASE):
        return
    found = [
        m
        for m in _BARE.finditer(b.request)
        if not any(m.start() < t.end and t.start < m.end() for t in taken)
        and not any(w in command or w in _NOT_PLACE_WORDS for w in words(m[0]))
    ]
    if len(found) == 1:
        match = found[0]
        b.put(names[0], match[0], "request", 0.7, Mention(match.start(), match.end()))


_NOT_PLACE_WORDS = frozenset(
    "i monday tuesday wednesday thursday friday saturday sunday today tomorrow tonight january "
    "february march april may june july august september october november december".split()
)


def _choices(b: _Builder, command: frozenset[str], embedder: Embedder | None) -> None:
    for name in b.of(Kind.CHOICE):
        options = [str(o) for o in b.schemas[name]["enum"]]
        mention, confidence = match_choice(b.request, options, b.taken, command, embedder)
        if mention is not None:
            b.put(name, mention.value, "request", confidence, mention)


def _counts_and_switches(b: _Builder, command: frozenset[str]) -> None:
    for name in b.of(Kind.INTEGER, Kind.NUMBER, Kind.BOOLEAN):
        described = str(b.schemas[name].get("description", ""))
        cues = {singular(w) for w in words(f"{split_identifier(name)} {described}")}
        if b.kinds[name] is Kind.BOOLEAN:
            own = {singular(w) for w in words(split_identifier(name))} - _NOT_SWITCHES
            cues = own | (cues - command - FILLER - _NOT_SWITCHES)
            mention = find_switch(b.request, cues, b.taken)
        else:
            mention = find_count(b.request, cues - FILLER - {"how", "many"}, b.taken)
        if mention is not None:
            b.put(name, mention.value, "request", 0.9, mention)


def _text(b: _Builder, command: frozenset[str]) -> None:
    params = {n: n in b.tool.required for n in b.of(Kind.TEXT)}
    if not params:
        return
    nouns = {singular(w) for w in words(split_identifier(b.tool.name))} - _NOT_NOUNS
    found, used = split_text(b.request, b.taken, params, command, nouns)
    described = {singular(w) for w in words(b.tool.description)} - FILLER
    for name, mention in found.items():
        value = mention.value
        if text_role(name) == "query":
            value = _without_kind(str(value), described)
        b.put(name, value, "request", 0.9, Mention(mention.start, mention.end))
    b.taken.extend(used)


def _without_kind(query: str, described: set[str]) -> str:
    """ "the album Kind of Blue" -> "Kind of Blue": a query starting with a kind of thing the
    tool's description names (song, album, artist) searches for what follows it."""
    said = query.split()
    if len(said) > 1 and said[0].islower() and singular(said[0].lower()) in described:
        query = " ".join(said[1:])
    return re.sub(r"^(?:called|named|by)\s+(?=[A-Z])", "", query)


def _overlaps(mention: Mention, taken: Sequence[Mention]) -> bool:
    return any(mention.start < t.end and t.start < mention.end for t in taken)
