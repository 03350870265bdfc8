"""Fill a tool's arguments on the device, from the request and the facts, with no engine.

    fill = fill_arguments(tool, "text mom I'm running late", facts, now=datetime.now())
    fill.arguments   # {'recipient': 'Jane Doe', 'body': "I'm running late"}

Driven by each parameter's JSON Schema and name, never by the tool: a parameter's *kind*
(``reading.kinds``: a date, a duration, a person, a place, a choice, free text...) decides how
it is read. What cannot be read with confidence is reported (``missing``, ``ambiguous``,
``unexplained``), never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from .reading._whole_fill import fill
from .reading.kinds import (
    NOT_SAID,
    Filled,
    Kind,
    SlotFill,
    duration_unit,
    kind_of,
    tool_properties,
)
from .types import Candidate, Fact, FactKind, Tool

if TYPE_CHECKING:
    from embeddings.base import Embedder

__all__ = [
    "NOT_SAID",
    "Filled",
    "Kind",
    "SlotFill",
    "duration_unit",
    "fill_arguments",
    "kind_of",
    "preferred_tool",
    "tool_properties",
]


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
    kinds = {name: kind_of(name, schema) for name, schema in tool_properties(tool).items()}
    return fill(tool, kinds, request, facts, now=now, contacts=contacts, embedder=embedder)


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
