"""No lost writes: concurrent writers in threads, in one Assistant and in separate processes.

Every write either lands or fails with an error the caller sees; none is reported done and
then lost. The figures in docs/benchmarks.md ("writes tried and lost") come from these tests.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from app_adapters import PythonApp
from app_adapters.apps import load_sample_apps, seed_demo_profile
from app_adapters.apps.calendar_app import CalendarStore
from app_adapters.apps.contacts import ContactBook
from app_adapters.apps.notes import NoteStore
from assistant_sdk import (
    Assistant,
    AuditLog,
    EngineTurn,
    FactStore,
    Resolver,
    ScriptedEngine,
    ToolCall,
    ToolRegistry,
)
from assistant_sdk.engines.base import Message
from assistant_sdk.types import Tool
from embeddings.base import Embedder

WRITERS = 50
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def phone(tmp_path: Path) -> Path:
    seed_demo_profile(tmp_path)
    return tmp_path


def apps(folder: Path) -> dict[str, PythonApp]:
    return {app.name: app for app in load_sample_apps(folder)}


async def all_at_once(calls: Sequence[Callable[[], Awaitable[Any]]]) -> list[Any]:
    return await asyncio.gather(*(call() for call in calls))


def shopping(folder: Path) -> list[str]:
    note = NoteStore(folder / "notes.sqlite3", datetime.now).get("Shopping")
    assert note is not None
    return str(note["body"]).splitlines()


def landed(folder: Path) -> dict[str, int]:
    """How many of the writers' items each store holds (items are named ``w<n>``)."""
    reminders = json.loads((folder / "reminders.json").read_text())
    alarms = json.loads((folder / "clock.json").read_text())["alarms"]
    calls = json.loads((folder / "calls.json").read_text())
    events = CalendarStore(folder / "calendar.ics").events()
    return {
        "notes": sum(line.startswith("w") for line in shopping(folder)),
        "reminders": sum(r["text"].startswith("w") for r in reminders),
        "alarms": sum((a["label"] or "").startswith("w") for a in alarms),
        "calls": len(calls),
        "events": sum(e["title"].startswith("w") for e in events),
    }


def writes(item: int) -> list[tuple[str, str, dict[str, Any]]]:
    """One writer's five writes, one per store, each naming its item."""
    return [
        ("notes", "append_to_note", {"title": "Shopping", "text": f"w{item}"}),
        ("reminders", "add_reminder", {"text": f"w{item}"}),
        ("clock", "set_alarm", {"time": f"{item % 24:02d}:{item % 60:02d}", "label": f"w{item}"}),
        ("contacts", "call_contact", {"name": "Jane Doe"}),
        ("calendar", "create_event", {"title": f"w{item}", "start": "2030-01-01T09:00"}),
    ]


async def test_fifty_concurrent_writers_to_each_sample_store_all_land(phone: Path) -> None:
    found = apps(phone)
    jobs = [
        (lambda a=found[app], t=tool, x=args: a.call(t, x))
        for item in range(WRITERS)
        for app, tool, args in writes(item)
    ]
    await all_at_once(jobs)
    assert landed(phone) == dict.fromkeys(
        ["notes", "reminders", "alarms", "calls", "events"], WRITERS
    )


async def test_concurrent_adds_of_one_contact_name_keep_exactly_one(phone: Path) -> None:
    contacts = apps(phone)["contacts"]
    jobs = [(lambda: contacts.call("add_contact", {"name": "Pat Quinn"})) for _ in range(10)]
    outcomes = await asyncio.gather(*(job() for job in jobs), return_exceptions=True)
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    assert [c.name for c in ContactBook(phone / "contacts").all()].count("Pat Quinn") == 1


WRITER = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path
    from app_adapters.apps import load_sample_apps
    sys.path.insert(0, sys.argv[3])
    from test_concurrency import writes

    folder, first = Path(sys.argv[1]), int(sys.argv[2])
    apps = {a.name: a for a in load_sample_apps(folder)}

    async def main():
        failed = 0
        for item in range(first, first + 25):
            for app, tool, args in writes(item):
                try:
                    await apps[app].call(tool, args)
                except Exception as exc:  # a visible failure: counted, never silent
                    failed += 1
                    print(type(exc).__name__, exc, file=sys.stderr)
        print(json.dumps({"failed": failed}))

    asyncio.run(main())
    """
)


def test_four_processes_writing_the_same_stores_lose_nothing(phone: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    here = str(Path(__file__).parent)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(phone), str(first), here],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for first in (0, 25, 50, 75)
    ]
    failed = sum(json.loads(p.communicate(timeout=240)[0])["failed"] for p in procs)
    counts = landed(phone)
    assert all(p.returncode == 0 for p in procs)
    assert {store: n + failed for store, n in counts.items()} == dict.fromkeys(counts, 100)
    assert failed == 0


def note_adder(
    messages: Sequence[Message], tools: Sequence[Tool], facts: Sequence[str]
) -> EngineTurn:
    """Plans "add X to the Shopping note" as one append, every request with the same call id."""
    if messages[-1].tool_results:
        return EngineTurn("Done.")
    item = messages[0].text.split()[1]
    call = ToolCall("toolu_1", "append_to_note", {"title": "Shopping", "text": item})
    return EngineTurn(tool_calls=(call,), stop_reason="tool_use")


@pytest.mark.slow
async def test_fifty_concurrent_requests_on_one_assistant_all_append_to_the_note(
    phone: Path, embedder: Embedder, tmp_path: Path
) -> None:
    registry = ToolRegistry()
    for app in load_sample_apps(phone):
        registry.add_app(app)
    resolver = Resolver(embedder, registry, FactStore(":memory:"))
    resolver.build()
    audit = AuditLog(tmp_path / "audit.jsonl")
    assistant = Assistant(
        registry,
        resolver,
        ScriptedEngine(note_adder),
        plan_on_device=False,
        top_k=len(registry),
        max_tools=len(registry),
        audit=audit,
    )
    requests = [f"add w{n} to the Shopping note" for n in range(WRITERS)]
    replies = await asyncio.gather(*(assistant.ahandle(r) for r in requests))
    assert all(not run.is_error for reply in replies for run in reply.tool_runs)
    assert sorted(line for line in shopping(phone) if line.startswith("w")) == sorted(
        f"w{n}" for n in range(WRITERS)
    )
    entries = audit.entries()
    assert len(entries) == WRITERS and {e["outcome"] for e in entries} == {"ok"}
    assert audit.verify().ok
