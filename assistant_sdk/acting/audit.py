"""An append-only audit log of the actions the assistant took, in which tampering shows.

One JSON Lines file per user. Each entry records an executed ``write`` or ``destructive`` call
and carries the SHA-256 of the previous entry's hash and its own canonical JSON, so editing,
deleting or reordering any line breaks the chain at that line (``verify``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["AuditLog", "AuditVerification"]

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditVerification:
    ok: bool
    entries: int
    first_bad_line: int | None = None
    reason: str = ""


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def append(
        self,
        *,
        tool: str,
        app: str,
        risk: str,
        arguments: Mapping[str, Any],
        outcome: str,
        confirmed: bool,
    ) -> dict[str, Any]:
        """Add one entry, chained to the last (safe across processes: the file is locked)."""
        with open(self.path, "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                lines = handle.read().splitlines()
                previous = json.loads(lines[-1])["hash"] if lines else GENESIS
                entry = {
                    "ts": time.time(),
                    "tool": tool,
                    "app": app,
                    "risk": risk,
                    "arguments": dict(arguments),
                    "outcome": outcome,
                    "confirmed": confirmed,
                    "prev_hash": previous,
                }
                entry["hash"] = _digest(entry)
                handle.write(json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """Every entry, oldest first (read again on each call)."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def verify(self) -> AuditVerification:
        if not self.path.exists():
            return AuditVerification(True, 0)
        previous = GENESIS
        lines = self.path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            try:
                entry = json.loads(line)
                claimed = entry.pop("hash")
            except (json.JSONDecodeError, KeyError, AttributeError):
                return AuditVerification(False, len(lines), number, "not an audit entry")
            if entry.get("prev_hash") != previous:
                return AuditVerification(False, len(lines), number, "the chain is broken here")
            if _digest(entry) != claimed:
                return AuditVerification(False, len(lines), number, "the entry was altered")
            previous = claimed
        return AuditVerification(True, len(lines))


def _digest(entry: Mapping[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
