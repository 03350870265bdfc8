"""The order a request is read in: time, lengths of time, people, places, choices, counts,
switches, then free text from what is left; finally the words nothing explained."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from ._slot_refs import find_count, find_people, find_places, find_switch, match_choice
from ._slot_text import (
    ACTION_VERBS,
    FILLER,
    Mention,
    leftover_words,
    singular,
    split_text,
    text_role,
    words,
)
from ._slot_time import PART_OF_DAY, When, find_durations, find_when
from .slots import Filled, Kind, SlotFill, duration_unit, tool_properties
from .tools import split_identifier
from .types import Fact, FactKind, Risk, Tool

if TYPE_CHECKING:
    from embeddings.base import Embedder

__all__ = ["DEFAULT_TIME", "fill"]

DEFAULT_TIME = time(9, 0)
"""The time of day an optional date-and-time gets when only a day is named."""
_TIMES = (Kind.DATETIME, Kind.DATE, Kind.TIME)
_ORIGINS = {"pickup", "origin", "from", "start", "source"}
_VERBS = ACTION_VERBS | frozenset("text mail email message note new".split())
#: Verbs that start a command to any tool. Other verbs ("pick up", "call", "buy") are the
#: content of a request ("remind me to *pick up* the dry cleaning") unless the tool speaks of
#: them itself ("*call* mom" to call_contact).
GENERIC_VERBS = frozenset(
    "set create make add put send tell show list read find search check get give open start "
    "let new stick pop".split()
)
#: Verbs that only read: one of them in a request for a tool that changes something means the
#: resolver picked the wrong tool ("*show* me the texts from sis" is not delete_conversation).
READING_VERBS = frozenset("show read list see view display what's whats".split())
#: Verbs that make something: one of them in a request for a tool that only reads ("*make* a
#: playlist for running" is not play_music) means the same.
MAKING_VERBS = frozenset("make create add save book".split())
_NEGATION = re.compile(r"\b(?:don't|dont|do not|doesn't|not|never(?!\s+mind))\b", re.IGNORECASE)
_DESTROYING = frozenset(
    "delete remove erase clear trash cancel rid stop kill scrap bin wipe".split()
)
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
    command = _command_words(tool)
    _times(b, now)
    _durations(b)
    people = _people(b, facts, contacts)
    _place_names(b, facts)
    _places(b, facts, people, command)
    _choices(b, command, embedder)
    _counts_and_switches(b, command)
    b.taken.extend(_containers(request, command - _VERBS - FILLER, b.taken))
    _text(b, command)
    for name in tool.required:
        if name not in b.arguments and name not in b.ambiguous:
            b.miss(name, b.problems.get(name, "the request does not say"))
    own = _vocabulary(tool) | _name_words(tool)
    own |= {w for g in _VERB_GROUPS if _speaks_of(g, _speech(tool)) for w in g}
    leftover = leftover_words(request, b.taken, command | own)
    leftover += _beyond_one_call(b, own)
    return SlotFill(
        b.arguments, b.filled, tuple(b.missing), b.ambiguous, tuple(leftover), b.problems
    )


_QUESTION = re.compile(
    r"^\s*(?:what|what's|whats|how|which|when|where|who|whose|why|did|do|does|is|are|was|were|"
    r"have|has|am)\b|\?\s*$",
    re.IGNORECASE,
)
_SECOND_ACTION = re.compile(r"\b(?:and|then)\s+(?:also\s+|then\s+)?([a-z]+)\b", re.IGNORECASE)
_SECOND_VERBS = ACTION_VERBS | frozenset("text email mail message".split())
_EVERY = re.compile(r"\b(?:all|every|everything|everyone|each)\b", re.IGNORECASE)
_OTHER_ROLES = {
    "query": re.compile(r"\b(?:subject|saying|body|titled)\b", re.IGNORECASE),
    "name": re.compile(r"\b(?:saying|body|subject)\b", re.IGNORECASE),
}
_NO = re.compile(r"(?!)")
_AUX = frozenset(
    "is are was were am do does did can could will would should shall may might must have has "
    "had you we i".split()
)
_WH = frozenset("what when where how which who whether if".split())


def _indirect_question(text: str) -> bool:
    """ "what time my dentist is" (an indirect question: find out, then tell), as opposed to
    "what time is dinner?" (a question to pass on as it is)."""
    said = words(text)
    if not said or said[0] not in _WH or text.rstrip().endswith("?"):
        return False
    return not any(w in _AUX for w in said[1:3])


_VAGUE = re.compile(r"^(?:something|anything|somewhere|whatever|stuff)\b", re.IGNORECASE)
#: Verbs that name one kind of action: a request using one fits only a tool that speaks of it.
#: A word of a group the tool speaks of counts as the tool's own ("get rid of" a note).
_VERB_GROUPS = (
    _DESTROYING,
    frozenset("call ring phone dial".split()),
    frozenset("text message msg sms txt chat conversation thread".split()),
    frozenset("email mail".split()),
    frozenset("remind reminder".split()),
    frozenset("send forward".split()),
    frozenset("book order".split()),
    frozenset("pause stop halt".split()),
    frozenset("search find look lookup".split()),
    frozenset("alarm wake".split()),
    frozenset("note jot write".split()),
    frozenset("calendar schedule event appointment meeting diary".split()),
    frozenset("play hear listen".split()),
)
_BARE_VERBS = (_VERBS | frozenset(w for group in _VERB_GROUPS for w in group)) - {"note", "new"}


def _name_words(tool: Tool) -> set[str]:
    own = words(split_identifier(tool.name)) + words(split_identifier(tool.app))
    return set(own) | {singular(w) for w in own}


def _speaks_of(group: frozenset[str], own: set[str]) -> bool:
    return any(o.startswith(v) or v.startswith(o) for v in group for o in own if len(o) > 2)


def _beyond_one_call(b: _Builder, own: set[str]) -> list[str]:
    """Signs that one call with these arguments would not do what was asked: a second action
    ("... and remind me"), "all"/"every" for a tool that changes one thing, a question put to
    a tool that changes things, counting ("how many"), or a verb the tool does not speak of."""
    request, tool = b.request, b.tool
    found: list[str] = []
    for match in _SECOND_ACTION.finditer(request):
        if match[1].lower() in _SECOND_VERBS:
            found.append(f"and {match[1].lower()}")
    if tool.risk is not Risk.READ and _EVERY.search(request):
        found.append(_EVERY.search(request)[0].lower())  # type: ignore[index]
    if tool.risk is not Risk.READ and _QUESTION.search(_without(request, _texts(b))):
        found.append("a question")
    outside = words(_without(request, _texts(b)))
    if tool.risk is not Risk.READ:
        found += [w for w in outside if w in READING_VERBS]
    else:
        found += [w for w in outside if w in MAKING_VERBS]
    if tool.risk is not Risk.READ and _NEGATION.search(_without(request, _texts(b))):
        found.append("a negation")  # "don't cancel the ride" must never cancel it
    if tool.risk is Risk.DESTRUCTIVE and not _DESTROYING.intersection(words(request)):
        found.append("no word asks to delete")  # never destroy on a guess about the tool
    if re.search(r"\bhow many\b", request, re.IGNORECASE):
        found.append("how many")
    found += _bare_verbs(b)
    texts = [m for n, m in b.filled.items() if b.kinds.get(n) is Kind.TEXT]
    for word in words(_without(request, texts)) + _leading_verbs(b):
        groups = [g for g in _VERB_GROUPS if word in g]
        if groups and not any(_speaks_of(g, _speech(tool)) for g in groups):
            found.append(word)
    for name in b.filled:
        value = str(b.arguments[name])
        if b.kinds.get(name) is Kind.TEXT and _OTHER_ROLES.get(text_role(name), _NO).search(value):
            found.append("a value with parts of its own")
    for name in b.filled:
        body = b.kinds.get(name) is Kind.TEXT and text_role(name) == "body"
        if body and _indirect_question(str(b.arguments[name])):
            found.append("a question the message should answer")
        if b.kinds.get(name) is Kind.TEXT and _VAGUE.match(str(b.arguments[name])):
            found.append(str(b.arguments[name]).split()[0].lower())
    return found


def _leading_verbs(b: _Builder) -> list[str]:
    """A name or a query that starts with a command ("remind me to move the car" as a timer's
    label) is a request the tool misread."""
    found = []
    for name in b.filled:
        if b.kinds.get(name) is Kind.TEXT and text_role(name) in ("name", "query"):
            said = str(b.arguments[name]).split()
            if len(said) > 1 and said[0] in _VERBS and said[1].lower() == "me":
                found.append(said[0])  # "remind me to ...": a command, not a name
    return found


def _bare_verbs(b: _Builder) -> list[str]:
    """A text value that is one verb ("rid", "hear") is a request the tool misread."""
    values = [str(b.arguments[n]).lower().split() for n in b.filled if b.kinds[n] is Kind.TEXT]
    return [said[0] for said in values if len(said) == 1 and said[0] in _BARE_VERBS]


def _texts(b: _Builder) -> list[Filled]:
    return [m for n, m in b.filled.items() if b.kinds.get(n) is Kind.TEXT]


def _without(request: str, texts: Sequence[Filled]) -> str:
    for filled in texts:
        if filled.text:
            request = request.replace(filled.text, " ")
    return request


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


def _speech(tool: Tool) -> set[str]:
    """The words the tool uses of itself: its name, its app and its description."""
    return _name_words(tool) | {singular(w) for w in words(tool.description)}


def _command_words(tool: Tool) -> frozenset[str]:
    own = _speech(tool)
    own |= {w for g in _VERB_GROUPS if _speaks_of(g, own) for w in g}
    spoken = {v for v in _VERBS if _speaks_of(frozenset([v]), own)}
    return frozenset(_name_words(tool)) | GENERIC_VERBS | frozenset(spoken) | FILLER


def _vocabulary(tool: Tool) -> set[str]:
    """Words the tool itself explains: its description, parameter names and choices. Its
    examples do not count: "set a pasta timer" must not make "pasta" part of every timer."""
    text = " ".join([tool.description, *tool.parameter_names])
    for schema in tool_properties(tool).values():
        text += " " + " ".join(str(o) for o in schema.get("enum", ())).replace("_", " ")
    return {singular(w) for w in words(text)} | set(words(text))


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
            value, problem = _moment(kind, when, now, name in b.tool.required)
            if problem or value is None or n > 0:
                b.miss(name, problem or when.problem or "one value for two parameters")
            else:
                b.put(name, _format(b.schemas[name], kind, value), "request", 1.0, at)


def _moment(
    kind: Kind, when: When, now: datetime, required: bool
) -> tuple[datetime | date | time | None, str]:
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
    assert when.day is not None and clock is not None
    return datetime.combine(when.day, clock), ""


def _format(schema: Mapping[str, Any], kind: Kind, value: datetime | date | time) -> str:
    seconds = schema.get("format") in ("date-time", "time")
    if kind is Kind.DATETIME:
        return value.strftime("%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M")
    if kind is Kind.TIME:
        return value.strftime("%H:%M:%S" if seconds else "%H:%M")
    return value.isoformat()


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


def _people(b: _Builder, facts: Sequence[Fact], contacts: Sequence[str] | None) -> list[Mention]:
    names = b.of(Kind.PERSON)
    literal = any(
        w in str(b.schemas[n].get("description", "")).lower()
        for n in names
        for w in ("phone", "e-mail", "email")
    )
    found = [m for m in find_people(b.request, facts, contacts, literals=literal)]
    found = [m for m in found if not _overlaps(m, b.taken)]
    aliases = {f.key.casefold() for f in facts if f.kind is FactKind.ALIAS}
    for name, mention in zip(names, found, strict=False):
        options = list(mention.value)
        said = b.request[mention.start : mention.end].casefold().removeprefix("my ").strip()
        if mention.problem:
            b.taken.append(mention)
            b.miss(name, mention.problem)
        elif len(options) > 1:
            b.taken.append(mention)
            b.ambiguous[name] = options
        else:
            source = f"fact:{said}" if said in aliases else "contacts"
            b.put(name, options[0], source, 1.0, mention)
    return found


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
    for name, mention in found.items():
        b.put(name, mention.value, "request", 0.9, Mention(mention.start, mention.end))
    b.taken.extend(used)


def _overlaps(mention: Mention, taken: Sequence[Mention]) -> bool:
    return any(mention.start < t.end and t.start < mention.end for t in taken)
