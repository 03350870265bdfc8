"""The last-mile guard: the final check of every body an engine is about to send.

    guard = WireGuard.for_request(policy, Destination.CLOUD, facts, names, people)
    body = guard.check(engine_body)      # withheld values replaced (or PrivacyLeakError)
    guard.sent[-1].data                  # the exact bytes that were checked

Both HTTP engines build their request body, hand it to ``check`` and send what it returns; the
assistant also checks the neutral messages before any engine sees them, so an engine of your
own is covered too. ``check`` walks every string of the body (values, never JSON text), finds
each withheld value in any form ``canonical`` knows, and replaces it by its placeholder (or
``[withheld]`` when it has none). With ``refuse=True`` it raises ``PrivacyLeakError`` instead
and nothing is sent. It then serialises the body, reads the bytes back and checks every string
once more; a value still found there is refused whatever the setting.

What counts as withheld for a destination: every value the request's ``Pseudonymizer`` stands
for (contacts' names, numbers and addresses, aliases' people, places), the values of the facts
the policy keeps from that destination, and, when the ``contacts`` class may not go there,
every contact's name, numbers and addresses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..engines.base import Message, ToolCall, ToolResult
from ..errors import PrivacyLeakError
from ..types import Fact, Tool
from .canonical import Pattern, ValueMatcher, surface
from .policy import Destination, PrivacyPolicy
from .pseudonym import ContactLike, Pseudonymizer, walk

__all__ = ["WITHHELD", "Sent", "WireGuard"]

WITHHELD = "[withheld]"
"""What replaces a withheld value that has no placeholder."""
_SHORTEST = 4
"""Values shorter than this (after trimming) are too common to find reliably and are not
checked ("A" as a blood type): keep such facts on the device by their data class."""


@dataclass(frozen=True, slots=True)
class Sent:
    """One checked body: its exact bytes, and how many withheld values were replaced in it."""

    data: bytes
    replaced: int = 0
    kinds: tuple[str, ...] = ()


class WireGuard:
    def __init__(
        self,
        destination: Destination | str,
        withheld: Iterable[Pattern] = (),
        names: Pseudonymizer | None = None,
        *,
        refuse: bool = False,
    ) -> None:
        self.destination = Destination(destination)
        self.withheld = tuple(withheld)
        self.names = names
        self.refuse = refuse
        self.sent: list[Sent] = []
        self._matcher: tuple[int, ValueMatcher] | None = None

    @classmethod
    def for_request(
        cls,
        policy: PrivacyPolicy,
        destination: Destination | str,
        facts: Iterable[Fact],
        names: Pseudonymizer | None = None,
        people: Iterable[ContactLike] = (),
        *,
        refuse: bool = False,
    ) -> WireGuard:
        """The guard for one request to ``destination`` under ``policy``."""
        patterns: list[Pattern] = []
        for fact in facts:
            if not policy.allows(fact.data_class, destination):
                patterns += _value_patterns(fact.value)
        if not policy.allows("contacts", destination):
            for person in people:
                for value in (person.name, *person.phones, *person.emails):
                    patterns += _value_patterns(value)
        return cls(destination, patterns, names, refuse=refuse)

    def check(self, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` with every withheld value replaced; the checked bytes go to ``sent``."""
        matcher = self.matcher()
        found: list[str] = []

        def clean(text: str) -> str:
            new, _ = matcher.sub(surface(text), lambda p, seen: _mark(p, found))
            return new

        cleaned: dict[str, Any] = walk(body, clean)
        if found and self.refuse:
            raise PrivacyLeakError(
                f"The request to the {self.destination} engine held "
                f"{len(found)} withheld value(s) ({', '.join(sorted(set(found)))}); "
                "nothing was sent",
                kinds=tuple(sorted(set(found))),
            )
        data = json.dumps(cleaned, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        left = self.leaks(data)
        if left:
            raise PrivacyLeakError(
                f"The request to the {self.destination} engine still held withheld values "
                f"({', '.join(left)}) after replacement; nothing was sent",
                kinds=left,
            )
        self.sent.append(Sent(data, len(found), tuple(sorted(set(found)))))
        return cleaned

    def mark(self) -> int:
        """A bookmark in ``sent``, taken before an engine call."""
        return len(self.sent)

    def since(self, mark: int) -> Sent:
        """What one engine call sent: the last body checked since ``mark``, with every value
        replaced on the way (by the neutral check and the engine's own)."""
        records = self.sent[mark:]
        if not records:
            raise ValueError("no body was checked since this mark")
        kinds = tuple(sorted({k for r in records for k in r.kinds}))
        return Sent(records[-1].data, sum(r.replaced for r in records), kinds)

    def leaks(self, data: bytes) -> tuple[str, ...]:
        """The kinds of withheld value found in the JSON bytes ``data`` (read as the server
        will read them: every string, after JSON unescaping); empty when none."""
        matcher = self.matcher()
        kinds: set[str] = set()

        def scan(text: str) -> str:
            hit = matcher.search(surface(text))
            if hit is not None:
                kinds.add(hit.kind)
            return text

        walk(json.loads(data.decode("utf-8")), scan)
        return tuple(sorted(kinds))

    def matcher(self) -> ValueMatcher:
        patterns = self.names.patterns if self.names is not None else ()
        if self._matcher is None or self._matcher[0] != len(patterns):
            self._matcher = (len(patterns), ValueMatcher([*self.withheld, *patterns]))
        return self._matcher[1]

    def check_inputs(
        self, messages: Sequence[Message], tools: Sequence[Tool], facts: Sequence[str]
    ) -> tuple[list[Message], list[Tool], list[str]]:
        """The neutral inputs of an engine call, checked as one body (so any engine, even one
        that builds no JSON, receives only guarded text)."""
        body = {
            "messages": [_message(m) for m in messages],
            "tools": [
                {"name": t.name, "description": t.description, "parameters": t.parameters}
                for t in tools
            ],
            "facts": list(facts),
        }
        clean = self.check(body)
        new_tools = [
            tool
            if (wire["description"], wire["parameters"]) == (tool.description, tool.parameters)
            else replace(tool, description=wire["description"], parameters=wire["parameters"])
            for tool, wire in zip(tools, clean["tools"], strict=True)
        ]
        new_messages = [_unmessage(w, m) for w, m in zip(clean["messages"], messages, strict=True)]
        return new_messages, new_tools, list(clean["facts"])


def _value_patterns(value: str) -> list[Pattern]:
    if len(value.strip()) < _SHORTEST:
        return []
    return Pattern.any_of(value, None)


def _mark(pattern: Pattern, found: list[str]) -> str:
    found.append(pattern.kind)
    return pattern.placeholder or WITHHELD


def _message(message: Message) -> dict[str, Any]:
    return {
        "text": message.text,
        "calls": [dict(c.arguments) for c in message.tool_calls],
        "results": [r.content for r in message.tool_results],
    }


def _unmessage(wire: dict[str, Any], message: Message) -> Message:
    calls = tuple(
        ToolCall(c.id, c.name, args, c.error)
        for c, args in zip(message.tool_calls, wire["calls"], strict=True)
    )
    results = tuple(
        ToolResult(r.call_id, content, r.is_error)
        for r, content in zip(message.tool_results, wire["results"], strict=True)
    )
    return Message(message.role, wire["text"], calls, results)
