"""A persistent store of facts about the user, in SQLite.

Facts are preferences ("rides" -> "Lyft"), aliases ("mom" -> "Jane Doe"), places
("home" -> "12 Oak Street") and notes. Each carries a data class so the privacy policy can decide
where it may go. The resolver indexes them beside the tools.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from .errors import ConfigurationError, FactStoreError
from .inputs import clean_text
from .types import DATA_CLASSES, Fact, FactKind

__all__ = ["FactStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS facts (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    kind TEXT NOT NULL,
    data_class TEXT NOT NULL,
    updated REAL NOT NULL DEFAULT (julianday('now'))
)
"""


class FactStore:
    """Facts keyed by a case-insensitive key. ``FactStore(":memory:")`` keeps them in memory."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute(_SCHEMA)
            self._db.execute("SELECT key, value, kind, data_class FROM facts LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            raise FactStoreError(
                f"The facts database {path} is unreadable ({exc}); it was left untouched. "
                "Move it aside to start with an empty store."
            ) from None
        self._version = 0

    @property
    def version(self) -> int:
        """Bumped on every change, so indexes know when to refresh."""
        return self._version

    def remember(self, fact: Fact) -> None:
        fact = replace(fact, key=clean_text(fact.key), value=clean_text(fact.value))
        key = _normalise_key(fact.key)
        if fact.data_class not in DATA_CLASSES:
            raise ConfigurationError(
                f"Fact {fact.key!r}: unknown data class {fact.data_class!r}; "
                f"known: {sorted(DATA_CLASSES)}"
            )
        if not fact.value.strip():
            raise ConfigurationError(f"Fact {fact.key!r} needs a value")
        with self._write() as db:
            db.execute(
                "INSERT INTO facts (key, value, kind, data_class) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value, kind=excluded.kind, "
                "data_class=excluded.data_class, updated=julianday('now')",
                (key, fact.value.strip(), str(fact.kind), fact.data_class),
            )

    def forget(self, key: str) -> bool:
        with self._write() as db:
            cursor = db.execute("DELETE FROM facts WHERE key = ?", (_normalise_key(key),))
            return cursor.rowcount > 0

    def get(self, key: str) -> Fact | None:
        rows = self._read("WHERE key = ?", (_normalise_key(key),))
        return rows[0] if rows else None

    def all(self) -> list[Fact]:
        return self._read("ORDER BY key", ())

    def of_kind(self, kind: FactKind) -> list[Fact]:
        return self._read("WHERE kind = ? ORDER BY key", (str(kind),))

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM facts").fetchone()
        return int(count)

    def close(self) -> None:
        self._db.close()

    def _read(self, where: str, params: tuple[str, ...]) -> list[Fact]:
        try:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT rowid, key, value, kind, data_class FROM facts {where}", params
                ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise FactStoreError(f"Could not read facts from {self.path}: {exc}") from None
        return [_fact(self.path, row) for row in rows]

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
        except sqlite3.DatabaseError as exc:
            raise FactStoreError(f"Could not write facts to {self.path}: {exc}") from None
        self._version += 1


def _fact(path: Path | str, row: tuple[object, ...]) -> Fact:
    """The fact in one row, or ``FactStoreError`` naming the file, the row and the column (a
    database written by another program may hold NULLs, numbers or unknown kinds)."""
    rowid, key, value, kind, data_class = row
    where = f"{path}, row {rowid}"
    for column, cell in (
        ("key", key),
        ("value", value),
        ("kind", kind),
        ("data_class", data_class),
    ):
        if not isinstance(cell, str) or not cell.strip():
            raise FactStoreError(f"{where}: {column} is {cell!r}, not text; fix or forget it")
    assert isinstance(key, str) and isinstance(value, str) and isinstance(data_class, str)
    if kind not in {k.value for k in FactKind}:
        known = ", ".join(k.value for k in FactKind)
        raise FactStoreError(f"{where} ({key!r}): unknown kind {kind!r}; known: {known}")
    if data_class not in DATA_CLASSES:
        raise FactStoreError(f"{where} ({key!r}): unknown data class {data_class!r}")
    return Fact(key=key, value=value, kind=FactKind(kind), data_class=data_class)


def _normalise_key(key: str) -> str:
    normalised = " ".join(key.split()).lower()
    if not normalised:
        raise ConfigurationError("A fact needs a non-empty key")
    return normalised
