"""Writes tried and lost: concurrent writers on the sample apps' stores.

    python -m benchmarks.bench_writes [--writers 50] [--processes 4] [--per-process 25]

Prints one JSON object. For five stores (a note in SQLite, reminders and alarms in JSON, the
call log beside the vCards, events in an .ics file) it runs ``--writers`` concurrent tool
calls in one process (worker threads, as ``PythonApp`` runs tools), then ``--processes``
processes of ``--per-process`` sequential writes each, all on one seeded phone. Every write
names its own item; a write is *lost* when its tool call returned success and the item is not
in the store afterwards. ``failed`` counts calls that raised, so the caller saw them. Target:
``lost`` 0 everywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from app_adapters.apps import load_sample_apps, seed_demo_profile
from app_adapters.apps.calendar_app import CalendarStore
from app_adapters.apps.notes import NoteStore

STORES = ("notes", "reminders", "alarms", "calls", "events")


def writes(item: int) -> list[tuple[str, str, dict[str, Any]]]:
    """One writer's five writes, one per store, each naming its item ``w<item>``."""
    return [
        ("notes", "append_to_note", {"title": "Shopping", "text": f"w{item}"}),
        ("reminders", "add_reminder", {"text": f"w{item}"}),
        ("clock", "set_alarm", {"time": f"{item % 24:02d}:{item % 60:02d}", "label": f"w{item}"}),
        ("contacts", "call_contact", {"name": "Jane Doe"}),
        ("calendar", "create_event", {"title": f"w{item}", "start": "2030-01-01T09:00"}),
    ]


def landed(folder: Path) -> dict[str, int]:
    note = NoteStore(folder / "notes.sqlite3", datetime.now).get("Shopping") or {"body": ""}
    reminders = json.loads((folder / "reminders.json").read_text())
    alarms = json.loads((folder / "clock.json").read_text())["alarms"]
    return {
        "notes": sum(line.startswith("w") for line in str(note["body"]).splitlines()),
        "reminders": sum(r["text"].startswith("w") for r in reminders),
        "alarms": sum((a["label"] or "").startswith("w") for a in alarms),
        "calls": len(json.loads((folder / "calls.json").read_text())),
        "events": sum(
            e["title"].startswith("w") for e in CalendarStore(folder / "calendar.ics").events()
        ),
    }


async def run_writers(folder: Path, items: range, concurrent: bool) -> dict[str, int]:
    """Run the writes of ``items``; the number that raised, per store."""
    apps = {app.name: app for app in load_sample_apps(folder)}
    failed = dict.fromkeys(STORES, 0)
    jobs = [
        (STORES[n], apps[app], tool, args)
        for i in items
        for n, (app, tool, args) in enumerate(writes(i))
    ]

    async def one(store: str, app: Any, tool: str, args: dict[str, Any]) -> None:
        try:
            await app.call(tool, args)
        except Exception:
            failed[store] += 1

    if concurrent:
        await asyncio.gather(*(one(*job) for job in jobs))
    else:
        for job in jobs:
            await one(*job)
    return failed


def report(tried: int, failed: dict[str, int], counts: dict[str, int]) -> dict[str, Any]:
    return {
        store: {"tried": tried, "landed": counts[store], "failed": failed[store],
                "lost": tried - failed[store] - counts[store]}
        for store in STORES
    }  # fmt: skip


def threads(writers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        seed_demo_profile(folder)
        failed = asyncio.run(run_writers(folder, range(writers), concurrent=True))
        return report(writers, failed, landed(folder))


def processes(count: int, each: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        seed_demo_profile(folder)
        root = str(Path(__file__).resolve().parents[1])
        env = {**os.environ, "PYTHONPATH": root}
        cmd = [sys.executable, "-m", "benchmarks.bench_writes", "--child", str(folder)]
        procs = [
            subprocess.Popen(
                [*cmd, str(n * each), str(each)],
                stdout=subprocess.PIPE,
                text=True,
                env=env,
                cwd=root,
            )
            for n in range(count)
        ]
        failed = dict.fromkeys(STORES, 0)
        for proc in procs:
            for store, n in json.loads(proc.communicate(timeout=600)[0]).items():
                failed[store] += n
        return report(count * each, failed, landed(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--per-process", type=int, default=25)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        folder, first, count = Path(args.child[0]), int(args.child[1]), int(args.child[2])
        items = range(first, first + count)
        print(json.dumps(asyncio.run(run_writers(folder, items, concurrent=False))))
        return
    result = {
        "threads": threads(args.writers),
        "processes": processes(args.processes, args.per_process),
    }
    result["lost"] = sum(
        s["lost"] for part in ("threads", "processes") for s in result[part].values()
    )
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
