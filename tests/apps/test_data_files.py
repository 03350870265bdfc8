"""Corrupt data files are named in the error and left untouched; state crosses processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sample_phone import Phone, fixed_now

from app_adapters.apps import AppDataError, seed_demo_profile
from app_adapters.apps._store import write_json

GARBAGE = b"\x00\x13not what this file should hold {["

# (file under the data folder, tool, arguments)
WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("places.json", "save_place", {"name": "school", "address": "1 School Road"}),
    ("clock.json", "set_alarm", {"time": "07:00"}),
    ("reminders.json", "add_reminder", {"text": "buy milk"}),
    ("music/library.json", "play_music", {"query": "queen"}),
    ("music/playlists/Chill.m3u", "add_to_playlist", {"song": "Dreams", "playlist": "Chill"}),
    ("notes.sqlite3", "create_note", {"title": "New", "body": "text"}),
    ("messages.sqlite3", "send_message", {"recipient": "mom", "body": "hi"}),
    ("calendar.ics", "create_event", {"title": "Party", "start": "2030-05-09T20:00"}),
    ("contacts/demo-jane-doe.vcf", "call_contact", {"name": "mom"}),
]


@pytest.mark.parametrize(("relative", "tool", "arguments"), WRITES, ids=[w[0] for w in WRITES])
async def test_a_corrupt_data_file_is_named_in_the_error_and_left_unchanged(
    phone: Phone, relative: str, tool: str, arguments: dict[str, Any]
) -> None:
    path = phone.data_dir / relative
    path.write_bytes(GARBAGE)
    with pytest.raises(AppDataError) as caught:
        await phone(tool, **arguments)
    assert str(path) in str(caught.value)
    assert caught.value.path == path
    assert path.read_bytes() == GARBAGE


async def test_json_of_the_wrong_shape_is_reported_as_corrupt(phone: Phone) -> None:
    (phone.data_dir / "places.json").write_text("[1, 2, 3]")
    with pytest.raises(AppDataError, match="expected a JSON dict"):
        await phone("get_place", name="home")


async def test_writes_replace_files_whole_and_leave_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    write_json(target, {"a": 1})
    with pytest.raises(TypeError):
        write_json(target, {"b": object()})
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_seeding_the_demo_profile_twice_changes_nothing(data_dir: Path) -> None:
    before = snapshot(data_dir)
    seed_demo_profile(data_dir, now=fixed_now)
    assert snapshot(data_dir) == before


def test_seeding_keeps_what_the_user_changed(data_dir: Path) -> None:
    (data_dir / "contacts" / "demo-sam-lee.vcf").unlink()
    (data_dir / "places.json").write_text('{"home": "1 New Road"}')
    seed_demo_profile(data_dir, now=fixed_now)
    assert json.loads((data_dir / "places.json").read_text())["home"] == "1 New Road"


SCRIPT = """
import asyncio, sys
from datetime import datetime
from pathlib import Path
from app_adapters.apps import load_sample_apps

apps = {t.name: a for a in load_sample_apps(Path(sys.argv[1])) for t in a.tools()}
async def main():
    await apps["set_alarm"].call("set_alarm", {"time": "06:15", "label": "flight"})
    await apps["create_note"].call("create_note", {"title": "Trip", "body": "gate B12"})
    await apps["send_message"].call("send_message", {"recipient": "sis", "body": "landed"})
    await apps["create_event"].call("create_event", {"title": "Flt", "start": "2030-05-09T07:00"})
    await apps["lyft_book_ride"].call("lyft_book_ride", {"destination": "airport"})
asyncio.run(main())
"""


async def test_state_written_by_one_process_is_read_by_another(data_dir: Path) -> None:
    subprocess.run([sys.executable, "-c", textwrap.dedent(SCRIPT), str(data_dir)], check=True)
    phone = Phone(data_dir)
    assert {"time": "06:15", "label": "flight", "enabled": True} in await phone("list_alarms")
    assert [n["title"] for n in await phone("search_notes", query="B12")] == ["Trip"]
    assert "landed" in [m["body"] for m in await phone("read_messages", contact="Sam Lee")]
    assert "Flt" in [e["title"] for e in await phone("list_events", date="2030-05-09")]
    assert (await phone("lyft_cancel_ride"))["destination"] == "airport"
