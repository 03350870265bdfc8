"""What the engine sees of earlier turns: real Messages API turns, kept in a stable order.

Each turn is kept twice: as it happened on the device (real names) and, once it has gone to
the cloud, exactly as it was sent there (placeholders). Turn n+1's messages therefore start
with the very bytes of turn n's, and a cached prefix grows turn by turn. The cloud placeholders
come from one ``Pseudonymizer`` for the whole conversation, so CONTACT_1 stays the same person.
A turn whose data the privacy policy keeps from a destination is left out of what goes there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..engines.base import Message, ToolCall, ToolResult
from ..privacy.policy import Destination
from ..prompts import FACTS_HEADER

if TYPE_CHECKING:
    from ..privacy.policy import PrivacyPolicy
    from ..privacy.pseudonym import Pseudonymizer
    from ..tools import ToolRegistry
    from ..types import Tool

__all__ = ["History", "HistoryTurn", "message_from_json", "message_to_json"]


@dataclass(frozen=True, slots=True)
class HistoryTurn:
    """One turn's messages: ``messages`` as on the device, ``sent`` as they went to a
    destination (by its value), ``data_classes`` what the turn's tools touched."""

    messages: tuple[Message, ...]
    data_classes: frozenset[str] = frozenset()
    tools: tuple[str, ...] = ()
    sent: Mapping[str, tuple[Message, ...]] = field(default_factory=dict)


class History:
    """The ``EngineHistory`` a ``Conversation`` hands to the assistant loop."""

    def __init__(self, registry: ToolRegistry, policy: PrivacyPolicy) -> None:
        self.registry = registry
        self.policy = policy
        self.turns: list[HistoryTurn] = []
        self.facts: dict[str, list[str]] = {}
        """The facts of the first engine call, per destination: sent the same way every turn."""
        self._names: Pseudonymizer | None = None
        self._pending: tuple[str, int] | None = None
        self._sent_now: tuple[str, tuple[Message, ...]] | None = None

    # ------------------------------------------------------------ the loop's side
    def names(self, destination: Destination, fresh: Pseudonymizer | None) -> Pseudonymizer | None:
        """One pseudonymizer for the whole conversation (None: nothing to encode)."""
        if fresh is None:
            return None
        if self._names is None:
            self._names = fresh
        return self._names

    def tools(self, destination: Destination, selected: Sequence[Tool], limit: int) -> list[Tool]:
        """The tools to send: this turn's selection and the tools earlier turns called (so
        every ``tool_use`` in the history names a defined tool), at most ``limit``: the
        selection's last ones give way. (Keeping last turn's set while it still covers the
        selection was measured too: the set then grows with most new turns, which costs more
        tokens than it saves.)"""
        visible = [t for t in self.turns if self.policy.allows_all(t.data_classes, destination)]
        called = [self.registry[n] for t in visible for n in t.tools if n in self.registry]
        allowed, _ = self.policy.split_tools(_unique(called), destination)
        extra = [t for t in allowed if t.name not in {s.name for s in selected}]
        return _unique([*list(selected)[: max(limit - len(extra), 1)], *extra])

    def turn(
        self, destination: Destination, facts: list[str], request: Message
    ) -> tuple[list[str], list[Message]]:
        """The facts to pass and the messages to send for a new turn: the first engine call's
        facts stay where they were; facts new since then ride in the new user message."""
        first = self.facts.setdefault(destination.value, list(facts))
        new = [f for f in facts if f not in first]
        if new:
            note = FACTS_HEADER + "\n" + "\n".join(f"- {f}" for f in new)
            request = replace(request, text=f"{note}\n\n{request.text}")
        prefix = self.prefix(destination)
        self._pending = (destination.value, len(prefix))
        return list(first), [*prefix, request]

    def sent(self, destination: Destination, messages: Sequence[Message]) -> None:
        """The loop reports the messages of the turn it finished with the engine."""
        if self._pending is None or self._pending[0] != destination.value:
            return
        self._sent_now = (destination.value, tuple(messages[self._pending[1] :]))

    # ------------------------------------------------------------ the conversation's side
    def prefix(self, destination: Destination) -> list[Message]:
        """Earlier turns as they go to ``destination``, in the order they happened."""
        out: list[Message] = []
        for n, turn in enumerate(self.turns):
            if not self.policy.allows_all(turn.data_classes, destination):
                continue
            sent = turn.sent.get(destination.value)
            if sent is None:
                sent = self._render(turn.messages, destination)
                self.turns[n] = turn = replace(turn, sent={**turn.sent, destination.value: sent})
            out.extend(sent)
        return out

    def begin(self) -> None:
        self._pending = None
        self._sent_now = None

    def finish(self, messages: Sequence[Message], data_classes: Iterable[str]) -> None:
        """Keep a turn: ``messages`` as on the device, plus what the engine was sent of it."""
        sent = {self._sent_now[0]: self._sent_now[1]} if self._sent_now else {}
        tools = tuple(dict.fromkeys(c.name for m in messages for c in m.tool_calls))
        self.turns.append(HistoryTurn(tuple(messages), frozenset(data_classes), tools, sent))
        self.begin()

    def drop_oldest(self) -> None:
        if self.turns:
            self.turns.pop(0)

    def _render(self, messages: Sequence[Message], destination: Destination) -> tuple[Message, ...]:
        names = self._names if destination is Destination.CLOUD else None
        if names is None:
            return tuple(messages)
        return tuple(_encode(m, names) for m in messages)


def _unique(tools: Iterable[Tool]) -> list[Tool]:
    return list({t.name: t for t in tools}.values())


def _encode(message: Message, names: Pseudonymizer) -> Message:
    return Message(
        message.role,
        names.encode(message.text),
        tuple(
            ToolCall(c.id, c.name, names.encode_json(dict(c.arguments))) for c in message.tool_calls
        ),
        tuple(
            ToolResult(r.call_id, names.encode_content(r.content), r.is_error)
            for r in message.tool_results
        ),
    )


def message_to_json(message: Message) -> dict[str, Any]:
    return {
        "role": message.role,
        "text": message.text,
        "tool_calls": [
            {"id": c.id, "name": c.name, "arguments": dict(c.arguments)} for c in message.tool_calls
        ],
        "tool_results": [
            {"call_id": r.call_id, "content": r.content, "is_error": r.is_error}
            for r in message.tool_results
        ],
    }


def message_from_json(data: Mapping[str, Any]) -> Message:
    role = data["role"]
    if role not in ("user", "assistant") or not isinstance(data.get("text", ""), str):
        raise ValueError(f"not a message: {dict(data)!r}")
    return Message(
        role,
        data.get("text", ""),
        tuple(
            ToolCall(str(c["id"]), str(c["name"]), dict(c["arguments"]))
            for c in data.get("tool_calls", ())
        ),
        tuple(
            ToolResult(str(r["call_id"]), str(r["content"]), bool(r["is_error"]))
            for r in data.get("tool_results", ())
        ),
    )
