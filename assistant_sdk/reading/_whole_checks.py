"""Signs that one call with the arguments the device read would not do what was asked.

A request is planned on the device only when every word is explained. The words of the tool
itself (its name, app and description, and the verbs it speaks of) explain themselves; the
checks below name what must never be explained away: a second action, a negation for a tool
that changes something, a question put to a tool that writes, a reading verb for a tool that
writes or a making verb for one that reads, a destructive tool with no word asking to delete,
an indirect question as a message body, vague text, a value that is one verb.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from ..tools import split_identifier
from ..types import Risk, Tool
from ._whole_text import ACTION_VERBS, FILLER, singular, text_role, words
from .kinds import Filled, Kind, tool_properties

__all__ = ["Reading", "beyond_one_call", "command_words", "own_words"]

VERBS = ACTION_VERBS | frozenset("text mail email message note new".split())
#: Verbs that start a command to any tool. Other verbs ("pick up", "call", "buy") are the
#: content of a request ("remind me to *pick up* the dry cleaning") unless the tool speaks of
#: them itself ("*call* mom" to call_contact).
GENERIC_VERBS = frozenset(
    "set create make add put send tell show list read find search check get give open start "
    "let new stick pop save".split()
)
#: Verbs that only read: one of them in a request for a tool that changes something means the
#: resolver picked the wrong tool ("*show* me the texts from sis" is not delete_conversation).
READING_VERBS = frozenset("show read list see view display what's whats".split())
#: Verbs that make something: one of them in a request for a tool that only reads ("*make* a
#: playlist for running" is not play_music) means the same.
MAKING_VERBS = frozenset("make create add save book".split())
_NEGATION = re.compile(r"\b(?:don't|dont|do not|doesn't|not|never(?!\s+mind))\b", re.IGNORECASE)
_JOINED = re.compile(r"(?:and|or|&|plus)\b", re.IGNORECASE)
"""Free text that starts by joining: the words before it were a value of their own."""
_NEGATED = re.compile(rf"{_NEGATION.pattern}\s+(?:to\s+)?([a-z']+)", re.IGNORECASE)
"""A negation and the word it denies ("not play", "don't to show" is not English but harmless)."""
_DESTROYING = frozenset(
    "delete remove erase clear trash cancel rid stop kill scrap bin wipe".split()
)


@dataclass(frozen=True, slots=True)
class Reading:
    """What the device read of a request for one tool."""

    tool: Tool
    request: str
    arguments: Mapping[str, Any]
    filled: Mapping[str, Filled]
    kinds: Mapping[str, Kind]


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
_BARE_VERBS = (VERBS | frozenset(w for group in _VERB_GROUPS for w in group)) - {"note", "new"}


def _name_words(tool: Tool) -> set[str]:
    own = words(split_identifier(tool.name)) + words(split_identifier(tool.app))
    return set(own) | {singular(w) for w in own}


def _speaks_of(group: frozenset[str], own: Set[str]) -> bool:
    return any(o.startswith(v) or v.startswith(o) for v in group for o in own if len(o) > 2)


def beyond_one_call(b: Reading, own: Set[str]) -> list[str]:
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
    elif any(m[1].lower() in _actions(tool) for m in _NEGATED.finditer(request)):
        found.append("a negation")  # "can you not play music": the tool's own action denied
    if tool.risk is Risk.DESTRUCTIVE and not _DESTROYING.intersection(words(request)):
        found.append("no word asks to delete")  # never destroy on a guess about the tool
    if re.search(r"\bhow many\b", request, re.IGNORECASE):
        found.append("how many")
    found += _bare_verbs(b)
    values = list(b.filled.values())  # "phone" in "phone +1 555 0199" is part of a value
    for word in words(_without(request, values)) + _leading_verbs(b):
        groups = [g for g in _VERB_GROUPS if word in g]
        if groups and not any(_speaks_of(g, _speech(tool)) for g in groups):
            found.append(word)
    own_names = _name_words(tool)
    for name in b.filled:
        value = str(b.arguments[name])
        if b.kinds.get(name) is Kind.TEXT and _OTHER_ROLES.get(text_role(name), _NO).search(value):
            found.append("a value with parts of its own")
        if b.kinds.get(name) is Kind.TEXT and _JOINED.match(value):
            found.append("two values where one fits")  # "mom and dad", "6 and 7": one was cut off
        if b.kinds.get(name) is Kind.TEXT and _names_the_tool(value, own_names):
            found.append("a value that names the tool")  # "Gmail for booking code"
    for name in b.filled:
        body = b.kinds.get(name) is Kind.TEXT and text_role(name) == "body"
        if body and _indirect_question(str(b.arguments[name])):
            found.append("a question the message should answer")
        if b.kinds.get(name) is Kind.TEXT and _VAGUE.match(str(b.arguments[name])):
            found.append(str(b.arguments[name]).split()[0].lower())
    return found


def _leading_verbs(b: Reading) -> list[str]:
    """A name or a query that starts with a command ("remind me to move the car" as a timer's
    label) is a request the tool misread."""
    found = []
    for name in b.filled:
        if b.kinds.get(name) is Kind.TEXT and text_role(name) in ("name", "query"):
            said = str(b.arguments[name]).split()
            if len(said) > 1 and said[0] in VERBS and said[1].lower() == "me":
                found.append(said[0])  # "remind me to ...": a command, not a name
    return found


def _bare_verbs(b: Reading) -> list[str]:
    """A text value that is one verb ("rid", "hear") is a request the tool misread."""
    values = [str(b.arguments[n]).lower().split() for n in b.filled if b.kinds[n] is Kind.TEXT]
    return [said[0] for said in values if len(said) == 1 and said[0] in _BARE_VERBS]


def _texts(b: Reading) -> list[Filled]:
    return [m for n, m in b.filled.items() if b.kinds.get(n) is Kind.TEXT]


def _without(request: str, texts: Sequence[Filled]) -> str:
    for filled in texts:
        if filled.text:
            request = request.replace(filled.text, " ")
    return request


def _names_the_tool(value: str, names: Set[str]) -> bool:
    """Free text whose first or last word is a word of the tool's own name or app: the words
    of the command stayed in the value ("search my Gmail for booking code")."""
    said = [w.lower() for w in re.findall(r"[\w']+", value)]
    return bool(said) and (said[0] in names or said[-1] in names)


def _actions(tool: Tool) -> frozenset[str]:
    """The words that name what the tool does: its name's and app's words, and the verb
    groups it speaks of ("play hear listen" for a tool that plays)."""
    return _per_tool(tool, "actions", _action_words)


def _action_words(tool: Tool) -> frozenset[str]:
    own = _name_words(tool)
    return frozenset(own | {w for g in _VERB_GROUPS if _speaks_of(g, _speech(tool)) for w in g})


def _speech(tool: Tool) -> set[str]:
    """The words the tool uses of itself: its name, its app and its description."""
    return _name_words(tool) | {singular(w) for w in words(tool.description)}


def own_words(tool: Tool) -> frozenset[str]:
    """Every word the tool explains: its vocabulary and the verb groups it speaks of."""
    return _per_tool(tool, "own", _own_words)


def command_words(tool: Tool) -> frozenset[str]:
    """The words that make up a command to ``tool`` (never part of a value)."""
    return _per_tool(tool, "command", _command_words)


_WORDS: dict[tuple[str, str], frozenset[str]] = {}
"""``own_words`` and ``command_words`` of the tools seen lately, by the tool's own text: they
depend on nothing else, and reading one request asks for them many times."""


def _per_tool(tool: Tool, which: str, make: Callable[[Tool], frozenset[str]]) -> frozenset[str]:
    key = (which, repr((tool.name, tool.app, tool.description, tool.parameters)))
    found = _WORDS.get(key)
    if found is None:
        if len(_WORDS) > 4096:
            _WORDS.clear()
        found = _WORDS[key] = make(tool)
    return found


def _own_words(tool: Tool) -> frozenset[str]:
    own = _vocabulary(tool) | _name_words(tool)
    return frozenset(own | {w for g in _VERB_GROUPS if _speaks_of(g, _speech(tool)) for w in g})


def _command_words(tool: Tool) -> frozenset[str]:
    own = _speech(tool)
    own |= {w for g in _VERB_GROUPS if _speaks_of(g, own) for w in g}
    spoken = {v for v in VERBS if _speaks_of(frozenset([v]), own)}
    return frozenset(_name_words(tool)) | GENERIC_VERBS | frozenset(spoken) | FILLER


def _vocabulary(tool: Tool) -> set[str]:
    """Words the tool itself explains: its description, parameter names and choices. Its
    examples do not count: "set a pasta timer" must not make "pasta" part of every timer."""
    text = " ".join([tool.description, *tool.parameter_names])
    for schema in tool_properties(tool).values():
        text += " " + " ".join(str(o) for o in schema.get("enum", ())).replace("_", " ")
    return {singular(w) for w in words(text)} | set(words(text))
