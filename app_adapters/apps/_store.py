"""What the sample apps share: atomic JSON files, SQLite that names its file when it is corrupt,
and the parsers for the date and time formats tools accept.

Every read-modify-write holds a lock across threads and processes: ``locked(path)`` (an
``fcntl`` lock on a hidden file beside ``path``) around a read and an atomic replace, or
``sqlite_transaction(..., write=True)`` (``BEGIN IMMEDIATE``) for SQLite. A writer that cannot
get the lock in time fails with a ``ToolError`` and changes nothing; none is ever lost.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import sqlite3
import tempfile
import time as _time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

from assistant_sdk.errors import ToolError

__all__ = [
    "AppDataError",
    "AppDisabledWarning",
    "Now",
    "atomic_write_text",
    "connect_sqlite",
    "locked",
    "parse_date",
    "parse_datetime",
    "parse_time",
    "read_json",
    "sqlite_transaction",
    "update_json",
    "write_json",
]

Now = Callable[[], datetime]
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*$")
T = TypeVar("T")
LOCK_WAIT_S = 20.0
"""How long a writer waits for another's lock before it fails, changing nothing."""


class AppDataError(ToolError):
    """An app's data file is unreadable. The file is left exactly as it was."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            f"The data file {path} is corrupt or unreadable ({problem}); it was left unchanged"
        )
        self.path = path


class AppDisabledWarning(UserWarning):
    """An app was left out because one of its files is corrupt; the others work as usual."""


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file next to ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def locked(path: Path, wait_s: float = LOCK_WAIT_S) -> Iterator[None]:
    """Hold the exclusive lock of ``path`` (a file or a folder) across threads and processes.

    The lock lives in ``.<name>.lock`` beside ``path``, so the data file itself can still be
    replaced atomically while it is held."""
    lock = path.with_name(f".{path.name}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+b") as handle:
        _acquire(handle.fileno(), path, wait_s)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _acquire(fd: int, path: Path, wait_s: float) -> None:
    deadline, pause = _time.monotonic() + wait_s, 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if _time.monotonic() >= deadline:
                raise ToolError(
                    f"{path.name} is busy with another change; nothing was changed, try again",
                    retryable=True,
                ) from None
            _time.sleep(pause)
            pause = min(pause * 2, 0.02)


def update_json(path: Path, default: Any, change: Callable[[Any], T]) -> T:
    """Read ``path``, let ``change`` edit the data in place, write it back: all under the
    file's lock, so concurrent updates from any thread or process all land."""
    with locked(path):
        data = read_json(path, default)
        result = change(data)
        write_json(path, data)
        return result


def read_json(path: Path, default: Any) -> Any:
    """The JSON in ``path``, ``default`` when the file does not exist, or ``AppDataError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default
    except (OSError, UnicodeDecodeError) as exc:
        raise AppDataError(path, str(exc)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AppDataError(path, f"invalid JSON: {exc}") from None
    if not isinstance(data, type(default)):
        raise AppDataError(path, f"expected a JSON {type(default).__name__}")
    return data


def write_json(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def connect_sqlite(path: Path, schema: str) -> sqlite3.Connection:
    """Open ``path`` (creating it with ``schema``), or raise ``AppDataError`` naming it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=LOCK_WAIT_S, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA quick_check").fetchone()
        conn.executescript(schema)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise AppDataError(path, str(exc)) from None
    return conn


@contextmanager
def sqlite_transaction(path: Path, schema: str, *, write: bool) -> Iterator[sqlite3.Connection]:
    """One transaction on ``path``. ``write=True`` takes the write lock first (``BEGIN
    IMMEDIATE``), so a read-modify-write inside it cannot interleave with another writer."""
    conn = connect_sqlite(path, schema)
    try:
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.OperationalError as exc:
            raise ToolError(
                f"{path.name} is busy ({exc}); nothing was changed, try again", retryable=True
            ) from None
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    finally:
        conn.close()


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ToolError(f"Dates are written YYYY-MM-DD, got {value!r}") from None


def parse_datetime(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ToolError(f"Date-times are written YYYY-MM-DDTHH:MM, got {value!r}") from None
    return parsed.replace(tzinfo=None, second=0, microsecond=0)


def parse_time(value: str) -> time:
    """``HH:MM`` (24 hours); a single-digit hour such as ``7:30`` is accepted too."""
    match = _TIME.match(value)
    if match is None:
        raise ToolError(f"Times are written HH:MM (24 hours), got {value!r}")
    try:
        return time(int(match.group(1)), int(match.group(2)))
    except ValueError:
        raise ToolError(f"{value!r} is not a time of day") from None
