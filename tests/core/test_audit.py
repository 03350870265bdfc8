"""The audit log: append-only, chained by hashes, so any edit, deletion or reordering shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant_sdk.acting import AuditLog


def filled(path: Path, n: int = 3) -> AuditLog:
    log = AuditLog(path)
    for i in range(n):
        log.append(
            tool="send_message",
            app="messages",
            risk="write",
            arguments={"recipient": "Jane Doe", "body": f"hi {i}"},
            outcome="ok",
            confirmed=False,
        )
    return log


def test_an_untouched_log_verifies(tmp_path: Path) -> None:
    result = filled(tmp_path / "audit.jsonl").verify()
    assert result.ok and result.entries == 3


def test_an_edited_entry_is_detected_at_its_line(tmp_path: Path) -> None:
    log = filled(tmp_path / "audit.jsonl")
    lines = log.path.read_text().splitlines()
    entry = json.loads(lines[1])
    entry["arguments"]["body"] = "something else"
    lines[1] = json.dumps(entry, sort_keys=True)
    log.path.write_text("\n".join(lines) + "\n")
    result = log.verify()
    assert not result.ok and result.first_bad_line == 2 and "altered" in result.reason


@pytest.mark.parametrize("change", ["delete", "reorder"])
def test_deleting_or_reordering_lines_breaks_the_chain(tmp_path: Path, change: str) -> None:
    log = filled(tmp_path / "audit.jsonl")
    lines = log.path.read_text().splitlines()
    lines = [lines[0], lines[2]] if change == "delete" else [lines[1], lines[0], lines[2]]
    log.path.write_text("\n".join(lines) + "\n")
    assert not log.verify().ok


def test_appending_after_a_reopen_continues_the_chain(tmp_path: Path) -> None:
    filled(tmp_path / "audit.jsonl", 2)
    log = filled(tmp_path / "audit.jsonl", 2)
    assert log.verify().entries == 4 and log.verify().ok
