"""What the sample apps share: atomic JSON files, SQLite that names its file when it is corrupt,
and the parsers for the date and time formats tools accept."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from assistant_sdk.errors import ToolError

__all__ = [
    "AppDataError",
    "Now",
    "atomic_write_text",
    "connect_sqlite",
    "parse_date",
    "parse_datetime",
    "parse_time",
    "read_json",
    "write_json",
]

Now = Callable[[], datetime]
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*$")


class AppDataError(ToolError):
    """An app's data file is unreadable. The file is left exactly as it was."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            f"The data file {path} is corrupt or unreadable ({problem}); it was left unchanged"
        )
        self.path = path


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
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA quick_check").fetchone()
        conn.executescript(schema)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise AppDataError(path, str(exc)) from None
    return conn


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
