"""The privacy ledger of one engine call, read from the bytes that actually left.

A fact counts as sent when its sentence is in the body, a placeholder when it is, a data class
when a sent fact, a sent tool or a sent placeholder carries it. Nothing is taken from what the
loop meant to send: the ledger and the wire cannot disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from ..types import Fact, Tool
from .guard import Sent
from .policy import Destination, LedgerEntry, PrivacyPolicy
from .pseudonym import PLACEHOLDER, placeholder_class, walk

__all__ = ["ledger_from_wire"]


def ledger_from_wire(
    policy: PrivacyPolicy,
    destination: Destination | str,
    engine: str,
    sent: Sent,
    facts: Sequence[Fact],
    fact_texts: Mapping[str, str],
    tools: Iterable[Tool],
    placeholders: Iterable[str] = (),
) -> LedgerEntry:
    """The ledger line for ``sent``. ``facts`` are those the request considered (the allowed
    and the withheld), ``fact_texts`` the sentence each allowed fact was sent as (by key),
    ``placeholders`` those that stand for a value on this device."""
    strings: list[str] = []

    def keep(text: str) -> str:
        strings.append(text)
        return text

    walk(json.loads(sent.data.decode("utf-8")), keep)
    text = "\n".join(strings)
    allowed, withheld = policy.split_facts(facts, destination)
    on_wire = [f for f in allowed if fact_texts.get(f.key, "\0") in text]
    known = set(placeholders)
    found = sorted({m for m in PLACEHOLDER.findall(text) if m in known})
    names = set(strings)
    sent_tools = [t for t in tools if t.name in names]
    classes = (
        {f.data_class for f in on_wire}
        | {c for t in sent_tools for c in t.data_classes}
        | {placeholder_class(p) for p in found}
    )
    return LedgerEntry(
        Destination(destination),
        engine,
        tuple(f.key for f in on_wire),
        tuple(f.key for f in withheld),
        tuple(sorted(classes)),
        tuple(found),
        sent.replaced,
        len(sent.data),
    )
