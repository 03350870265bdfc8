"""Reading a turn against the last action: is it a follow-up the device can plan alone?

    carry = read_follow_up(text, last, tool, resolver, facts, now=now, contacts=names)

A follow-up only changes arguments of the last action ("and Friday?", "make it 7:30", "to work
instead", "no, John Park"). It is read with the argument reader against the *last tool's*
parameters; it is a follow-up when those values explain the turn: the reader leaves at most
``LOOSE_WORDS`` words unplaced, and once the words the values were read from are taken out,
what is left names no action of its own (the resolver, calibrated as for any request, finds it
out of scope). Free text is not changed by a follow-up: with today's reader it would swallow
the words around the values ("instead" as an alarm's label). A name that is ambiguous again
("the other John") means a value other than the one just used. Anything else is not decided
here: the turn is planned as a new request, or goes to the engine with the history.

A turn that names the last entity ("tell her I'll call") has the pronoun replaced by that
entity before it is planned; pronouns are a closed grammatical class, read like a date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..plan import CONFIDENT, Clarification
from ..slots import Kind, fill_arguments, kind_of, tool_properties
from ..types import Decision, Fact, FactKind, Resolution, Tool
from ._bare_value import bare_value, tokens

if TYPE_CHECKING:
    from ..resolve.resolver import Resolver
    from ..tools import ToolRegistry

__all__ = [
    "Action",
    "Carry",
    "Referent",
    "Undecided",
    "only_values",
    "read_follow_up",
    "refer",
    "tokens_of",
]


@dataclass(frozen=True, slots=True)
class Action:
    """A call an earlier turn made: what a follow-up may change or name."""

    turn: int
    tool: str
    arguments: Mapping[str, Any]
    planned_by: str
    ran: bool
    planned_only: bool = False
    """The call was planned but never tried (the device could not finish the plan)."""
    missing: tuple[str, ...] = ()
    """For a call only planned: the arguments the device could not read. A follow-up may
    complete such a call by giving them; one left unfinished for another reason is not
    carried over."""
    result: Any = None
    """What the call returned (parsed JSON when it is JSON): the entity it made or found."""


@dataclass(frozen=True, slots=True)
class Carry:
    """A follow-up planned on the device: ``tool`` with ``arguments`` (the last action's,
    with ``changed`` read from this turn)."""

    from_turn: int
    tool: Tool
    arguments: dict[str, Any]
    changed: dict[str, Any]
    said: dict[str, str]
    """The words of the turn each changed value was read from."""


@dataclass(frozen=True, slots=True)
class Undecided:
    """A follow-up of ``from_turn`` that the device cannot settle alone."""

    from_turn: int


@dataclass(frozen=True, slots=True)
class Referent:
    """A pronoun of the turn replaced by an entity of an earlier turn."""

    pronoun: str
    value: str
    from_turn: int
    text: str
    """The turn with the pronoun replaced."""


_ALIASES = (FactKind.ALIAS, FactKind.PLACE)
LOOSE_WORDS = 2
"""At most this many words of a follow-up may be left unplaced by the argument reader ("no",
"instead", "meant"): a turn with more says something of its own, and is planned afresh."""
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
#: Personal pronouns by the kind of value they stand for (a closed class of the language).
_PRONOUNS: Mapping[str, Kind] = {
    "her": Kind.PERSON,
    "him": Kind.PERSON,
    "them": Kind.PERSON,
    "she": Kind.PERSON,
    "he": Kind.PERSON,
    "there": Kind.PLACE,
}


def read_follow_up(
    text: str,
    last: Action,
    tool: Tool,
    resolver: Resolver,
    facts: Sequence[Fact],
    *,
    resolution: Resolution,
    now: datetime,
    contacts: Sequence[str] | None,
) -> Carry | Clarification | Undecided | None:
    """The carried-over plan when ``text`` only changes arguments of ``last``, else None;
    ``Undecided`` when the turn gives only values of ``last`` while ``last`` itself was never
    understood: the earlier turns do not decide it, and the engine should. A turn of values
    alone that the resolver, reading it as a request of its own, gives to another tool ("and
    Friday?" after a forecast: the calendar, by its day alone) is still a follow-up: a
    fragment takes its action from the turn before it. Only words of its own for the other
    tool make it a new request."""
    elsewhere = _asks_for_another(resolution, tool)
    unsure = last.planned_only and not last.missing  # the device never understood that turn
    fill = fill_arguments(tool, text, facts, now=now, contacts=contacts, embedder=resolver.embedder)
    kinds = {n: kind_of(n, s) for n, s in tool_properties(tool).items()}
    loose, bare = list(fill.unexplained), None
    if not fill.ambiguous and all(kinds.get(n) is Kind.TEXT for n in fill.arguments):
        # "make it 8": a value alone, which the reader does not place by its context
        bare = bare_value(
            text, tool, facts, now=now, contacts=contacts, embedder=resolver.embedder,
            rest=LOOSE_WORDS,
        )  # fmt: skip
        value_words = {w.casefold() for w in tokens(bare.said)} if bare else set()
        loose = [w for w in loose if w.casefold() not in value_words]
    if len(loose) > LOOSE_WORDS:
        return None  # words of its own
    texts = [n for n, k in kinds.items() if k is Kind.TEXT and n in fill.arguments]
    if any(_new_words(fill.arguments[n], last.arguments.get(n)) for n in texts):
        return None  # free text of its own: a new request for the same tool, not a change
    changed = {
        n: v
        for n, v in fill.arguments.items()
        if fill.filled[n].confidence >= CONFIDENT and kinds.get(n) is not Kind.TEXT
    }
    said = {n: fill.filled[n].text for n in changed}
    asked: dict[str, list[str]] = {}
    for name, options in fill.ambiguous.items():
        others = [o for o in options if o != last.arguments.get(name)]
        named = {w.casefold() for o in options for w in _WORD.findall(o)}
        said[name] = " ".join(w for w in _WORD.findall(text) if w.casefold() in named)
        if len(others) == 1:
            changed[name] = others[0]
        elif others:
            asked[name] = others
    if not changed and not asked:
        if bare is None:
            return None
        changed, said = {bare.parameter: bare.value}, {bare.parameter: bare.said}
    if elsewhere and not _out_of_scope(_rest(text, list(said.values())), resolver):
        return None  # the resolver is sure of another tool, and the turn's own words agree
    if not _explained(text, list(said.values()), resolver, None if elsewhere else tool):
        return None
    if unsure:
        return Undecided(last.turn)  # a turn the device never understood
    for name in [n for n in changed if kinds.get(n) is Kind.DATETIME]:
        earlier = last.arguments.get(name)
        if isinstance(earlier, str) and len(earlier) > 10 and not _names_a_day(text, now):
            changed[name] = earlier[:10] + str(changed[name])[10:]  # "no, at 5pm": that day
    arguments = {**last.arguments, **changed}
    if not asked and arguments == dict(last.arguments):
        return None  # the same values again ("alarm 6am" after an alarm at 6): not a change
    if asked:
        name, others = next(iter(asked.items()))
        question = f"Which one do you mean: {' or '.join(others)}?"
        return Clarification(question, tuple(others), text, name, tool, arguments=arguments)
    if any(name not in arguments for name in tool.required):
        return None
    if last.planned_only and not set(last.missing) <= set(changed):
        return Undecided(last.turn)
    return Carry(last.turn, tool, arguments, changed, {n: said[n] for n in changed})


_DAY = Tool(
    "day", "", "", {"type": "object", "properties": {"day": {"type": "string", "format": "date"}}}
)
"""A tool with one date parameter: the date reader tells whether a turn names a day."""


def _names_a_day(text: str, now: datetime) -> bool:
    return "day" in fill_arguments(_DAY, text, (), now=now).arguments


def only_values(
    text: str,
    tool: Tool,
    resolver: Resolver,
    facts: Sequence[Fact],
    *,
    now: datetime,
    contacts: Sequence[str] | None,
) -> bool:
    """Whether ``text`` gives values of ``tool`` and nothing else ("and Friday?"): with no
    earlier turn to carry on from, such a turn names no action."""
    fill = fill_arguments(tool, text, facts, now=now, contacts=contacts, embedder=resolver.embedder)
    if len(fill.unexplained) > LOOSE_WORDS:
        return False
    kinds = {n: kind_of(n, s) for n, s in tool_properties(tool).items()}
    spans = [f.text for n, f in fill.filled.items() if kinds.get(n) is not Kind.TEXT and f.text]
    return bool(spans) and _explained(text, spans, resolver, None)


def _explained(text: str, spans: list[str], resolver: Resolver, tool: Tool | None) -> bool:
    """Whether the words left once the values are taken out name no action of their own (the
    resolver finds them out of scope) or name ``tool`` again ("no, call my boss")."""
    rest = _rest(text, spans)
    if not _WORD.search(rest):
        return True
    left = resolver.resolve(rest)
    if left.decision is Decision.OUT_OF_SCOPE or left.top is None:
        return True
    return tool is not None and _same_action(left.top.tool, tool)


def _rest(text: str, spans: list[str]) -> str:
    """``text`` with the words of ``spans`` taken out."""
    rest = text
    for span in sorted(spans, key=len, reverse=True):
        for part in [span, *span.split()] if span else ():
            rest = re.sub(rf"\b{re.escape(part)}\b", " ", rest, flags=re.IGNORECASE)
    return rest


def _out_of_scope(words: str, resolver: Resolver) -> bool:
    """Whether ``words`` ask for nothing: none left, or the resolver finds them out of scope."""
    if not _WORD.search(words):
        return True
    left = resolver.resolve(words)
    return left.decision is Decision.OUT_OF_SCOPE or left.top is None


def _asks_for_another(resolution: Resolution, tool: Tool) -> bool:
    """The resolver is sure the turn asks for another tool, or for another app's tool of the
    same capability (the preference may have changed): a new request, not a follow-up."""
    top = resolution.top
    return resolution.decision is Decision.LOCAL and top is not None and top.tool.name != tool.name


def _same_action(a: Tool, b: Tool) -> bool:
    return a.name == b.name or (a.capability is not None and a.capability == b.capability)


def _new_words(value: object, earlier: object) -> bool:
    return isinstance(value, str) and value != earlier and len(value.split()) > LOOSE_WORDS


def refer(
    text: str, actions: Sequence[Action], registry: ToolRegistry, facts: Sequence[Fact] = ()
) -> Referent | None:
    """The turn with its one pronoun replaced by the latest entity of that kind, if any. The
    entity is named as the user names it: by its alias ("my boss", "work") when it has one."""
    found = [
        (m, _PRONOUNS[m[0].casefold()])
        for m in _WORD.finditer(text)
        if m[0].casefold() in _PRONOUNS
    ]
    if len(found) != 1:
        return None
    match, kind = found[0]
    for action in reversed(actions):
        tool = registry.get(action.tool)
        if tool is None:
            continue
        kinds = {n: kind_of(n, s) for n, s in tool_properties(tool).items()}
        values = [
            str(v)
            for n, v in action.arguments.items()
            if _same_kind(kinds.get(n), kind) and isinstance(v, str)
        ]
        if len(values) == 1:
            said = _named(values[0], kind, facts)
            replaced = text[: match.start()] + said + text[match.end() :]
            return Referent(match[0], values[0], action.turn, replaced)
        if values:
            return None  # two people named last: the pronoun does not say which
    return None


def _named(value: str, kind: Kind, facts: Sequence[Fact]) -> str:
    alias = next((f for f in facts if f.value == value and f.kind in _ALIASES), None)
    name = value if alias is None else alias.key
    if kind is Kind.PLACE:
        return f"to {name}"  # "there" after a verb of going
    return name if alias is None else f"my {name}"


def _same_kind(kind: Kind | None, wanted: Kind) -> bool:
    if wanted is Kind.PLACE:
        return kind in (Kind.PLACE, Kind.PLACE_NAME)
    return kind is wanted


def tokens_of(text: str) -> int:
    """A rough token count (four characters a token) for bounding what is kept."""
    return max(1, len(text) // 4)
