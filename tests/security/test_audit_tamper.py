"""Tampering with the audit log shows: cut tails, deleted files, forged heads, torn lines."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from assistant_sdk import AuditLog


def filled(path: Path, n: int = 4, key: bytes | None = None) -> AuditLog:
    log = AuditLog(path, key=key)
    for i in range(n):
        write(log, i)
    return log


def write(log: AuditLog, i: int) -> dict[str, object]:
    return log.append(
        tool="send_message",
        app="messages",
        risk="write",
        arguments={"recipient": "Jane Doe", "body": f"hi {i}"},
        outcome="ok",
        confirmed=False,
    )


def lines(log: AuditLog) -> list[str]:
    return log.path.read_text().splitlines()


def test_deleting_the_last_entries_is_detected(tmp_path: Path) -> None:
    log = filled(tmp_path / "audit.jsonl")
    log.path.write_text("\n".join(lines(log)[:2]) + "\n")
    result = log.verify()
    assert not result.ok and "2 entries are missing" in result.reason


def test_deleting_the_whole_log_is_detected(tmp_path: Path) -> None:
    log = filled(tmp_path / "audit.jsonl")
    log.path.unlink()
    result = log.verify()
    assert not result.ok and "gone" in result.reason


def test_emptying_the_log_is_detected(tmp_path: Path) -> None:
    log = filled(tmp_path / "audit.jsonl")
    log.path.write_text("")
    assert not log.verify().ok


def test_deleting_the_head_of_a_non_empty_log_is_detected(tmp_path: Path) -> None:
    log = filled(tmp_path / "audit.jsonl")
    log.head_path.unlink()
    result = log.verify()
    assert not result.ok and "head" in result.reason


def test_a_log_and_head_rewritten_without_the_key_do_not_verify(tmp_path: Path) -> None:
    log = filled(tmp_path / "audit.jsonl", key=b"device secret")
    kept = lines(log)[:2]
    log.path.write_text("\n".join(kept) + "\n")
    last = json.loads(kept[-1])["hash"]
    forged = {"count": 2, "last_hash": last}
    forged["mac"] = hashlib.sha256(f"2:{last}".encode()).hexdigest()
    log.head_path.write_text(json.dumps(forged))
    assert not AuditLog(log.path, key=b"device secret").verify().ok


def test_a_keyed_log_does_not_verify_under_another_key(tmp_path: Path) -> None:
    log = filled(tmp_path / "audit.jsonl", key=b"device secret")
    assert log.verify().ok
    assert not AuditLog(log.path, key=b"guess").verify().ok


def test_a_torn_last_line_is_reported_and_the_next_entry_is_kept(tmp_path: Path) -> None:
    log = filled(tmp_path / "audit.jsonl", 2)
    with open(log.path, "a", encoding="utf-8") as handle:
        handle.write('{"tool": "send_message", "argum')  # a crash in the middle of a write
    entry = write(log, 99)
    assert [e["hash"] for e in log.entries()][-1] == entry["hash"]
    assert entry["prev_hash"] == log.entries()[1]["hash"]
    result = log.verify()
    assert not result.ok and result.torn_lines == (3,) and result.entries == 3


def test_a_head_behind_its_log_after_a_crash_still_verifies(tmp_path: Path) -> None:
    log = filled(tmp_path / "audit.jsonl", 2)
    older = log.head_path.read_bytes()
    write(log, 3)
    log.head_path.write_bytes(older)  # the crash came between the line and the head
    assert log.verify().ok


def test_a_never_used_log_verifies_empty(tmp_path: Path) -> None:
    result = AuditLog(tmp_path / "audit.jsonl").verify()
    assert result.ok and result.entries == 0


def test_an_append_after_the_tail_was_cut_keeps_the_cut_visible(tmp_path: Path) -> None:
    log = filled(tmp_path / "audit.jsonl")
    log.path.write_text("\n".join(lines(log)[:2]) + "\n")
    write(log, 5)  # the next append writes a fresh head; the chain remembers the cut
    result = log.verify()
    assert not result.ok and "tampered with" in result.reason and "missing" in result.reason


def test_an_append_after_the_head_was_deleted_keeps_the_deletion_visible(tmp_path: Path) -> None:
    log = filled(tmp_path / "audit.jsonl")
    log.head_path.unlink()
    write(log, 5)
    result = log.verify()
    assert not result.ok and "head record is missing" in result.reason


def test_a_log_written_before_head_records_existed_still_verifies(tmp_path: Path) -> None:
    log = filled(tmp_path / "audit.jsonl", 2)
    legacy = []
    previous = "0" * 64
    for line in lines(log):
        entry = json.loads(line)
        entry.pop("seq")
        entry["prev_hash"] = previous
        body = {k: v for k, v in entry.items() if k != "hash"}
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        entry["hash"] = previous = hashlib.sha256(canonical.encode()).hexdigest()
        legacy.append(json.dumps(entry, sort_keys=True))
    log.path.write_text("\n".join(legacy) + "\n")
    log.head_path.unlink()
    assert log.verify().ok
    write(log, 3)
    assert log.verify().ok and log.verify().entries == 3
