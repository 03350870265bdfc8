"""A turn that names the last entity as "it", "that" or "that one" ("delete it", "add milk to
it", "cancel that one"): which tool it asks for, and the entity's values as its arguments.

    meant = refer_to_entity(text, last, resolution, resolver, inverse, facts, now=now, contacts=c)

The entity is what the last action made or found: its arguments and, when the call returned
one record, that record's fields (the alarm just set, the contact just looked up). A pronoun
says the turn is about that entity, so it is read as a request to one of the tools of the
entity's app: the resolver's calibrated probabilities are renormalised over that app's
candidates, and the resolver's own thresholds decide (the tool's score must clear the
out-of-scope threshold on its own, and its probability the on-device one). The tool's arguments
are read from the rest of the turn; the parameters the entity has come from the entity: by
name from the last call's arguments, from its record only when the tool requires them (a
pickup the app chose is not the user's), or through the last tool's declared inverse when
the turn asks for that. A turn that
gives a new value for one of the entity's own fields ("and label it gym") changes the entity,
which is a follow-up's business, not this one's. Nothing is decided here when the resolver
is sure of another app's tool, when the app's tools are too close to call, or when a required
argument is still missing: the turn is then planned as any other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..plan import LocalPlan
from ..reading.typed import carried
from ..resolve.calibrate import decide
from ..slots import Filled, fill_arguments
from ..types import Decision

if TYPE_CHECKING:
    from ..resolve.resolver import Resolver
    from ..types import Candidate, Fact, Inverse, Resolution, Tool
    from ._followup import Action

__all__ = ["EntityPlan", "entity_values", "refer_to_entity"]

#: Pronouns and demonstratives that point at a thing (a closed class of the language): "it"
#: (not "it's"), "that one", and "that" or "this" that ends the clause ("cancel that"), unlike
#: the "that" which opens one ("tell him that I'm late").
_POINTERS = re.compile(
    r"\b(?:it(?!['’])|(?:that|this)\s+one|(?:that|this)(?=\s*(?:[.,!?;]|$)))\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class EntityPlan:
    """The tool a turn asks for about the last entity, and the values taken from it."""

    plan: LocalPlan
    pronoun: str
    taken: dict[str, Any]


def entity_values(action: Action) -> dict[str, Any]:
    """The last entity's values: the call's arguments, and the fields of the one record it
    returned ({"alarm_set": {...}}, a list of one contact)."""
    values = dict(action.arguments)
    record: Any = action.result
    if isinstance(record, list) and len(record) == 1:
        record = record[0]
    if isinstance(record, Mapping) and len(record) == 1:
        (inner,) = record.values()
        record = inner if isinstance(inner, Mapping) else record
    if isinstance(record, Mapping):
        for key, value in record.items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                values.setdefault(str(key), value)
    return values


def refer_to_entity(
    text: str,
    last: Action,
    resolution: Resolution,
    resolver: Resolver,
    inverse: Inverse | None,
    facts: Sequence[Fact],
    *,
    now: datetime,
    contacts: Sequence[str] | None,
) -> EntityPlan | None:
    """The plan for a turn that points at ``last``'s entity, or None (see the module)."""
    pointers = list(_POINTERS.finditer(text))
    top = resolution.top
    if len(pointers) != 1 or top is None or resolution.decision is Decision.OUT_OF_SCOPE:
        return None
    if not last.ran:
        return None  # a call that never ran made or found nothing to point at
    app = _app_of(resolver, last.tool)
    if (
        resolution.decision is Decision.LOCAL
        and top.tool.app != app
        and _same_capability(top, app, resolver) is None
    ):
        return None  # the resolver is sure of another app's tool: a new request
    tool = _tool_in_app(resolution, app, resolver)
    if tool is None or tool.name == last.tool:
        return None  # the same tool again is a follow-up's business (or a new request)
    entity = entity_values(last)
    if inverse is not None and inverse.tool == tool.name:  # the app says where each comes from
        taken = inverse.arguments_for(last.arguments, last.result, tool.parameter_names)
    else:  # what the user gave carries; what the app filled in, only where it is needed
        taken = carried(
            tool,
            {
                n: entity[n]
                for n in tool.parameter_names
                if n in last.arguments or (n in entity and n in tool.required)
            },
        )  # matched by name only, so written as this tool's parameter asks
    if not taken:
        return None  # nothing of the entity is used: not a reference to it
    rest = text[: pointers[0].start()] + " " + text[pointers[0].end() :]
    fill = fill_arguments(tool, rest, facts, now=now, contacts=contacts, embedder=resolver.embedder)
    read = {n: v for n, v in fill.arguments.items() if n not in taken}
    if set(read) & _fields(last, resolver):
        return None  # a new value for one of the entity's own fields: a change, not a use
    arguments = {**read, **taken}
    if any(name not in arguments for name in tool.required):
        return None
    filled = {n: fill.filled[n] for n in read} | {
        n: Filled(f"turn:{last.turn}", 1.0) for n in taken
    }
    return EntityPlan(LocalPlan(tool, arguments, filled), pointers[0][0], taken)


def _fields(action: Action, resolver: Resolver) -> set[str]:
    """The names of the entity's fields, set or not: its tool's parameters and its record's."""
    tool = resolver.registry.get(action.tool)
    names = set(tool.parameter_names) if tool is not None else set()
    record: Any = action.result
    if isinstance(record, Mapping) and len(record) == 1:
        (inner,) = record.values()
        record = inner if isinstance(inner, Mapping) else record
    return names | ({str(k) for k in record} if isinstance(record, Mapping) else set())


def _app_of(resolver: Resolver, name: str) -> str | None:
    tool = resolver.registry.get(name)
    return tool.app if tool is not None else None


def _tool_in_app(resolution: Resolution, app: str | None, resolver: Resolver) -> Tool | None:
    """The one tool of ``app`` the turn asks for, by the resolver's calibrated decision over
    that app's candidates alone. A candidate of another app stands for ``app``'s tool of the
    same capability: "book it" after an Uber quote, when the user's preference put Lyft's
    booking among the candidates, asks for Uber's."""
    ours: list[Candidate] = []
    for candidate in resolution.candidates:
        tool = (
            candidate.tool
            if candidate.tool.app == app
            else _same_capability(candidate, app, resolver)
        )
        if tool is not None and all(c.tool.name != tool.name for c in ours):
            ours.append(replace(candidate, tool=tool))
    total = sum(c.probability for c in ours)
    if not ours or total <= 0.0:
        return None
    probabilities = [c.probability / total for c in ours]
    thresholds = resolver.calibration.thresholds
    if decide(probabilities, ours[0].score, thresholds) is not Decision.LOCAL:
        return None
    return ours[0].tool


def _same_capability(candidate: Candidate, app: str | None, resolver: Resolver) -> Tool | None:
    capability = candidate.tool.capability
    if capability is None:
        return None
    return next((t for t in resolver.registry.by_capability(capability) if t.app == app), None)
