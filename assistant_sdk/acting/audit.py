"""An append-only audit log of the actions the assistant took, in which tampering shows.

    audit = AuditLog(data_dir / "audit.jsonl", key=secret)   # key: optional, bytes
    audit.verify()            # AuditVerification(ok=True, entries=12, ...)

One JSON Lines file per user. Each entry records an executed ``write`` or ``destructive`` call
(``outcome`` is ``ok``, ``error``, ``unknown`` for a call that timed out and may have run, or
``cancelled`` for one the request was cancelled during, which may have run too) and carries
the previous entry's hash and its own, so editing, deleting or reordering a line breaks the
chain there. A separate head record (``audit.jsonl.head``: the count and the last hash),
replaced atomically after every append, shows a log cut short or deleted, which a chain
alone cannot. With a ``key`` the hashes are HMAC-SHA256, so only a holder of the key can
rewrite the log and its head consistently; without one they are SHA-256.

A line torn by a crash mid-write is reported by ``verify`` and skipped: the next append starts
on a fresh line, chains to the last whole entry, and is never lost.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
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
    torn_lines: tuple[int, ...] = ()
    """Lines cut short by an interrupted write (reported, never counted as entries)."""


class AuditLog:
    """The audit log at ``path``; its head record lives beside it in ``<name>.head``."""

    def __init__(self, path: Path, *, key: bytes | None = None) -> None:
        self.path = Path(path)
        self.head_path = self.path.with_name(self.path.name + ".head")
        self._key = key
        self.path.parent.mkdir(parents=True, exist_ok=True)

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
        """Add one entry, chained to the last whole one (safe across processes: the file is
        locked), then replace the head record."""
        with open(self.path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                raw = handle.read()
                entries = [e for e in _parse(raw) if e is not None]
                entry: dict[str, Any] = {
                    "ts": time.time(),
                    "seq": len(entries) + 1,
                    "tool": tool,
                    "app": app,
                    "risk": risk,
                    "arguments": dict(arguments),
                    "outcome": outcome,
                    "confirmed": confirmed,
                    "prev_hash": entries[-1]["hash"] if entries else GENESIS,
                }
                gap = self._gap(entries)
                if gap:
                    entry["tamper"] = gap  # kept in the chain: a new head cannot hide it
                entry["hash"] = self._digest(entry)
                line = json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n"
                lead = b"\n" if raw and not raw.endswith(b"\n") else b""  # close a torn line
                handle.write(lead + line.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
                self._write_head(len(entries) + 1, entry["hash"])
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """Every whole entry, oldest first (read again on each call; torn lines skipped)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        return [e for e in _parse(raw) if e is not None]

    def verify(self) -> AuditVerification:
        """Whether the log is whole: every line chained and unaltered, and as long as its head."""
        head = self._read_head()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            if head is None:
                return AuditVerification(True, 0)
            return AuditVerification(False, 0, 1, f"the log is gone; its head records {head[0]}")
        parsed = _parse(raw)
        torn = tuple(n for n, e in enumerate(parsed, 1) if e is None)
        checked = self._check_chain(parsed, torn)
        if checked is not None:
            return checked
        whole = [e for e in parsed if e is not None]
        marked = [i for i, e in enumerate(whole, 1) if e.get("tamper")]
        if marked:
            note = whole[marked[0] - 1]["tamper"]
            reason = f"entry {marked[0]} was added to a log that had been tampered with: {note}"
            return AuditVerification(False, len(whole), None, reason, torn)
        return self._check_head(whole, head, torn)

    # ------------------------------------------------------------------ internals
    def _check_chain(
        self, parsed: list[dict[str, Any] | None], torn: tuple[int, ...]
    ) -> AuditVerification | None:
        previous, count = GENESIS, 0
        for number, entry in enumerate(parsed, 1):
            if entry is None:
                continue
            count += 1
            if entry.get("prev_hash") != previous:
                return AuditVerification(False, count, number, "the chain is broken here", torn)
            if not hmac.compare_digest(self._digest(entry), str(entry.get("hash"))):
                return AuditVerification(False, count, number, "the entry was altered", torn)
            previous = str(entry["hash"])
        return None

    def _gap(self, entries: list[dict[str, Any]]) -> str:
        """What was wrong with the log when an entry was added ("" for nothing): a deleted head
        or a cut tail would otherwise be papered over by the head this append writes."""
        found = self._check_head(entries, self._read_head(), ())
        return "" if found.ok else found.reason

    def _check_head(
        self, whole: list[dict[str, Any]], head: tuple[int, str] | None, torn: tuple[int, ...]
    ) -> AuditVerification:
        n = len(whole)
        if head is None:
            if n and any("seq" in e for e in whole):  # logs written before heads have no seq
                return AuditVerification(False, n, None, "the head record is missing", torn)
            return AuditVerification(not torn, n, torn[0] if torn else None, _torn(torn), torn)
        count, last = head
        if n < count:
            reason = f"{count - n} entries are missing from the end (the head records {count})"
            return AuditVerification(False, n, n + 1, reason, torn)
        if count and whole[count - 1]["hash"] != last:
            return AuditVerification(False, n, None, "the log does not match its head", torn)
        if torn:
            return AuditVerification(False, n, torn[0], _torn(torn), torn)
        return AuditVerification(True, n)

    def _digest(self, entry: Mapping[str, Any]) -> str:
        body = {k: v for k, v in entry.items() if k != "hash"}
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return self._mac(canonical.encode("utf-8"))

    def _mac(self, data: bytes) -> str:
        if self._key is None:
            return hashlib.sha256(data).hexdigest()
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()

    def _write_head(self, count: int, last: str) -> None:
        head = {"count": count, "last_hash": last}
        head["mac"] = self._mac(f"{count}:{last}".encode())
        tmp = self.head_path.with_name(f".{self.head_path.name}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(json.dumps(head, sort_keys=True) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.head_path)

    def _read_head(self) -> tuple[int, str] | None:
        """The head's (count, last hash); a head that does not check out counts as missing."""
        try:
            head = json.loads(self.head_path.read_text(encoding="utf-8"))
            count, last = int(head["count"]), str(head["last_hash"])
            mac = str(head["mac"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not hmac.compare_digest(mac, self._mac(f"{count}:{last}".encode())):
            return None
        return count, last


def _parse(raw: bytes) -> list[dict[str, Any] | None]:
    """One item per non-empty line: the entry, or None for a line that is not a whole entry."""
    found: list[dict[str, Any] | None] = []
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            entry = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            found.append(None)
            continue
        found.append(entry if isinstance(entry, dict) and "hash" in entry else None)
    return found


def _torn(torn: tuple[int, ...]) -> str:
    if not torn:
        return ""
    return f"line {torn[0]} is not a whole entry (a torn or foreign line)"
