"""What one request has done so far: the call ids it has seen and the side effects it has run.

A ``RequestState`` is made for each request and dropped with it, so two requests running at
once on one ``Assistant`` never share a confirmation, an id or a result. It gives every call a
request-unique id (a missing or repeated id is renamed and answered with an error, never
dropped), and remembers each write by its intent (tool and arguments), so an engine that asks
again after a success or a timeout gets the first outcome instead of a second side effect.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..engines.base import ToolCall
from ..trace import ToolRun

__all__ = ["RequestState", "intent_key"]


def intent_key(name: str, arguments: Mapping[str, Any]) -> str:
    """One user intent: the tool and its arguments in canonical form."""
    canonical = json.dumps(arguments, sort_keys=True, ensure_ascii=False, default=str)
    return f"{name}\x00{canonical}"


@dataclass(slots=True)
class RequestState:
    """The per-request record the dispatcher checks and fills (never shared between requests)."""

    ids: set[str] = field(default_factory=set)
    id_problems: dict[str, str] = field(default_factory=dict)
    """Calls renamed because their id was missing or already used, with the error they get."""
    intents: dict[str, ToolRun] = field(default_factory=dict)
    """The first run of every side effect, by ``intent_key``."""
    _fresh: int = 0

    def identify(self, calls: Iterable[ToolCall]) -> tuple[ToolCall, ...]:
        """``calls`` with request-unique ids. A call without an id, or with one already used in
        this request, gets a new id and an error result when it is dispatched."""
        named: list[ToolCall] = []
        for call in calls:
            if call.id and call.id not in self.ids:
                self.ids.add(call.id)
                named.append(call)
                continue
            new = self._new_id(call.id)
            self.id_problems[new] = (
                f"The call to {call.name} had no id; it was not run. Give every call its own id."
                if not call.id
                else f"The call id {call.id!r} was already used in this conversation, so this "
                f"call to {call.name} was not run. Give every call its own id."
            )
            named.append(replace(call, id=new))
        return tuple(named)

    def _new_id(self, old: str) -> str:
        while True:
            self._fresh += 1
            candidate = f"{old or 'call'}-{self._fresh}"
            if candidate not in self.ids:
                self.ids.add(candidate)
                return candidate
