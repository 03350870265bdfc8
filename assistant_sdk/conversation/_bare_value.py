"""A turn that gives only a value ("make it 8", "8 instead", "and 9?"): which argument it changes.

    found = bare_value(text, tool, facts, now=now, contacts=names, embedder=embedder)

The argument reader reads a request by where its values usually sit; a bare value has no such
context ("8" alone is no time to it). Here every short run of the turn's words is offered to
the typed value readers as the value of each of the last tool's parameters, and the turn
changes a parameter only when exactly one parameter accepts a reading: "8" is a time for an
alarm, "90 minutes" a duration for a free slot. Free text, flags and free addresses accept any
words, so they are never changed this way; a person or a place counts only when it is one the user
knows (a contact, an alias, a saved place). Two parameters that both accept the turn, or none,
leave the turn undecided here: the conversation then weighs it as any other turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..reading.typed import Found, typed_fill
from ..slots import Kind, kind_of, tool_properties

if TYPE_CHECKING:
    from embeddings.base import Embedder

    from ..types import Fact, Tool

__all__ = ["BareValue", "bare_value", "tokens"]

MAX_SPAN = 3
"""The longest run of words tried as one value ("half past 8", "90 minutes")."""
_TOKEN = re.compile(r"\w[\w:'.-]*\w|\w")
_ANY_WORDS = (Kind.TEXT, Kind.OTHER, Kind.BOOLEAN)
"""Kinds whose reader accepts any words: a bare value never changes them."""
_KNOWN = (Kind.PERSON, Kind.PLACE)
"""Kinds whose reader also accepts unknown words: they count only when the value is known."""


def tokens(text: str) -> list[str]:
    """The words and numbers of ``text`` ("8:45" and "7.30" are one)."""
    return _TOKEN.findall(text)


@dataclass(frozen=True, slots=True)
class BareValue:
    """The one parameter a bare value fills: its value and the words it was read from."""

    parameter: str
    value: Any
    said: str


def bare_value(
    text: str,
    tool: Tool,
    facts: Sequence[Fact],
    *,
    now: datetime,
    contacts: Sequence[str] | None = None,
    embedder: Embedder | None = None,
    rest: int = 2,
) -> BareValue | None:
    """The parameter of ``tool`` that exactly one reading of the turn's words fills, or None.
    At most ``rest`` words may lie outside the value ("make it", "instead"): a longer turn
    says something of its own ("summarise that in one sentence" gives no count)."""
    tokens = list(_TOKEN.finditer(text))
    read: dict[str, BareValue] = {}
    shortest = max(len(tokens) - rest, 1)
    for name, schema in tool_properties(tool).items():
        kind = kind_of(name, schema)
        if kind in _ANY_WORDS:
            continue
        for size in range(min(MAX_SPAN, len(tokens)), shortest - 1, -1):  # the longest first
            found = _reading(text, tool, name, kind, tokens, size, facts, now, contacts, embedder)
            if found is not None:
                read[name] = found
                break
    return next(iter(read.values())) if len(read) == 1 else None


def _reading(
    text: str,
    tool: Tool,
    name: str,
    kind: Kind,
    tokens: list[re.Match[str]],
    size: int,
    facts: Sequence[Fact],
    now: datetime,
    contacts: Sequence[str] | None,
    embedder: Embedder | None,
) -> BareValue | None:
    values = []
    for first in range(len(tokens) - size + 1):
        start, end = tokens[first].start(), tokens[first + size - 1].end()
        fill = typed_fill(
            tool, text, {name: Found(start, end, 1.0)}, facts,
            now=now, contacts=contacts, embedder=embedder,
        )  # fmt: skip
        if name not in fill.arguments:
            continue
        if kind in _KNOWN and fill.filled[name].source == "request":
            continue  # any words read as an address or a name: not a known value
        values.append(BareValue(name, fill.arguments[name], text[start:end]))
    return values[0] if len({repr(v.value) for v in values}) == 1 else None
