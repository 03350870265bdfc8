"""Everything privacy needs for one request to one engine, in one value the loop carries.

    privacy = RequestPrivacy.open(policy, Destination.CLOUD, store_facts, people, matched)
    facts = privacy.fact_lines()                       # allowed facts, encoded
    content = privacy.encode_content(tool_result)      # structured, before it is sent
    call = privacy.decode_call(call, registry.receives(app))
    mark = privacy.guard.mark()
    ...                                                # the engine call
    entry = privacy.ledger(engine.name, tools, privacy.guard.since(mark))

Facts are taken from the store as it is now (``store_facts``): a fact forgotten or moved to
another data class since the index was built is dropped or re-judged at once. The resolver's
matches only say which keys are relevant.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engines.base import ToolCall
from ..types import Fact, Tool
from .guard import Sent, WireGuard
from .ledger import ledger_from_wire
from .policy import Destination, LedgerEntry, PrivacyPolicy
from .pseudonym import ContactLike, Pseudonymizer

__all__ = ["RequestPrivacy"]


@dataclass(slots=True)
class RequestPrivacy:
    policy: PrivacyPolicy
    destination: Destination
    facts: tuple[Fact, ...]
    """The facts this request considers, as the store holds them now."""
    names: Pseudonymizer | None
    guard: WireGuard
    fact_texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(
        cls,
        policy: PrivacyPolicy,
        destination: Destination | str,
        store_facts: Sequence[Fact],
        people: Iterable[ContactLike],
        matched: Iterable[str],
        *,
        pseudonymize: bool = True,
        refuse: bool = False,
    ) -> RequestPrivacy:
        """Privacy for a request to ``destination``; ``matched`` are the keys of the facts the
        resolver found relevant."""
        where = Destination(destination)
        people = list(people)
        current = {f.key.casefold(): f for f in store_facts}
        considered = tuple(
            dict.fromkeys(current[k.casefold()] for k in matched if k.casefold() in current)
        )
        names = None
        if where is Destination.CLOUD and pseudonymize:
            shown = [f.key for f in store_facts if policy.allows(f.data_class, where)]
            names = Pseudonymizer(store_facts, people, public_keys=shown)
        guard = WireGuard.for_request(policy, where, store_facts, names, people, refuse=refuse)
        return cls(policy, where, considered, names, guard)

    def encode(self, text: str) -> str:
        return self.names.encode(text) if self.names is not None else text

    def encode_value(self, value: Any) -> Any:
        return self.names.encode_json(value) if self.names is not None else value

    def encode_content(self, content: str) -> str:
        """A tool result, error or listing as the engine receives it: structured values are
        encoded before they are written out again."""
        return self.names.encode_content(content) if self.names is not None else content

    def decode(self, text: str) -> str:
        return str(self.names.decode(text)) if self.names is not None else text

    def fact_lines(self) -> list[str]:
        """The sentences of the facts this destination may see, encoded."""
        allowed, _ = self.policy.split_facts(self.facts, self.destination)
        for fact in allowed:
            self.fact_texts[fact.key] = self.encode(fact.text)
        return [self.fact_texts[f.key] for f in allowed]

    def decode_call(self, call: ToolCall, receives: Collection[str] | None) -> ToolCall:
        """``call`` with placeholders decoded for the classes its app may receive (None: all,
        for what runs on the device itself); any other placeholder reaches the app as it is."""
        if self.names is None:
            return call
        arguments = self.names.decode(dict(call.arguments), receives)
        return ToolCall(call.id, call.name, arguments, call.error)

    def ledger(self, engine: str, tools: Iterable[Tool], sent: Sent) -> LedgerEntry:
        placeholders = self.names.known if self.names is not None else frozenset()
        return ledger_from_wire(
            self.policy,
            self.destination,
            engine,
            sent,
            self.facts,
            self.fact_texts,
            tools,
            placeholders,
        )
