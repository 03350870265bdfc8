"""The console shows each question the cloud delegated, what the local model answered (it stays
on the device) and what was released."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from rich.console import Console

from assistant_sdk import Delegation, Derived, Destination, LedgerEntry, Reply, Resolution, Usage
from assistant_sdk.assistant import Event
from assistant_sdk.trace import EngineCall
from assistant_sdk.types import Decision
from demo.console import _follow


async def _events(*delegations: Delegation) -> AsyncIterator[Event]:
    for delegation in delegations:
        yield delegation
    entries = tuple(d.entry for d in delegations if d.released is not None)
    ledger = LedgerEntry(Destination.CLOUD, "anthropic:claude", delegations=entries)
    call = EngineCall("anthropic:claude", (), (), Usage(900, 20), 12.0, None, ledger)
    resolution = Resolution("r", (), (), Decision.ENGINE)
    yield Reply("Booked.", resolution, "anthropic:claude", engine_calls=(call,))


def _printed(*delegations: Delegation) -> str:
    console = Console(record=True, width=300)
    asyncio.run(_follow(console, _events(*delegations)))
    return console.export_text()


def test_a_delegation_shows_the_question_the_local_answer_and_what_went_up() -> None:
    shown = _printed(
        Delegation("health", "How many migraines?", "Two, both at work", "2", Derived.COUNT)
    )
    assert "asked your local engine about health: 'How many migraines?'" in shown
    assert "'Two, both at work' (stays on this device)" in shown
    assert "released to the cloud (count): '2'" in shown


def test_a_failed_delegation_says_why_and_that_nothing_went_up() -> None:
    failed = Delegation("finance", "Rent paid?", "", None, Derived.COUNT, error="it is down")
    shown = _printed(failed)
    assert "it failed: it is down" in shown and "released to the cloud (count): nothing" in shown


def test_the_summary_of_what_left_names_the_answers_derived_on_the_local_engine() -> None:
    shown = _printed(Delegation("health", "How many?", "2", "2", Derived.COUNT))
    assert "answers derived on your local engine: health '2'" in shown
