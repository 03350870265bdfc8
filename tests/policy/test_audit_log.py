"""The audit log holds its chain when several processes append at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from assistant_sdk.acting import AuditLog

WRITER = """
import sys
from pathlib import Path
from assistant_sdk.acting import AuditLog
log = AuditLog(Path(sys.argv[1]))
for i in range(25):
    log.append(tool="set_alarm", app="clock", risk="write", arguments={"time": f"07:{i:02d}"},
               outcome="ok", confirmed=False)
"""


def test_concurrent_appends_from_four_processes_keep_one_valid_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path)]) for _ in range(4)]
    assert all(w.wait(timeout=60) == 0 for w in writers)
    result = AuditLog(path).verify()
    assert result.ok and result.entries == 100


def test_a_destructive_call_records_whether_the_user_confirmed_it(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    entry = log.append(
        tool="delete_note",
        app="notes",
        risk="destructive",
        arguments={"title": "Shopping"},
        outcome="ok",
        confirmed=True,
    )
    assert entry["confirmed"] is True and entry["prev_hash"] == "0" * 64
    assert log.verify().ok
