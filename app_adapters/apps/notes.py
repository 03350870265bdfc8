"""Notes: titled notes in SQLite, searched with FTS5 full-text search."""

from __future__ import annotations

import re
import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError
from assistant_sdk.types import Inverse

from ._store import Now, sqlite_transaction

__all__ = ["NoteStore", "notes_app"]

_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS notes USING fts5(
    title, body, updated UNINDEXED, tokenize = 'porter unicode61'
);
"""
_WORD = re.compile(r"\w+")
_DATA = ["notes"]


def fts_query(text: str) -> str:
    """A safe FTS5 query: every word must appear, as a prefix; no FTS syntax is passed through."""
    return " ".join(f'"{word}"*' for word in _WORD.findall(text))


class NoteStore:
    def __init__(self, path: Path, now: Now) -> None:
        self.path, self.now = path, now

    def _db(self, write: bool = False) -> AbstractContextManager[sqlite3.Connection]:
        """One transaction; a write holds the database's write lock from its first read."""
        return sqlite_transaction(self.path, _SCHEMA, write=write)

    def get(self, title: str) -> dict[str, Any] | None:
        with self._db() as db:
            return _find(db, title)

    def create(self, title: str, body: str) -> dict[str, Any]:
        stamp = self.now().isoformat(timespec="minutes")
        with self._db(write=True) as db:
            if _find(db, title) is not None:
                raise ToolError(f"A note called {title!r} already exists: append to it instead")
            db.execute(
                "INSERT INTO notes (title, body, updated) VALUES (?, ?, ?)",
                (title.strip(), body, stamp),
            )
        return {"title": title.strip(), "body": body, "updated": stamp}

    def search(self, query: str) -> list[dict[str, Any]]:
        match = fts_query(query)
        if not match:
            return []
        with self._db() as db:
            rows = db.execute(
                "SELECT title, snippet(notes, 1, '[', ']', '…', 12) AS snippet, updated "
                "FROM notes WHERE notes MATCH ? ORDER BY rank LIMIT 20",
                (match,),
            ).fetchall()
        return [dict(r) for r in rows]

    def append(self, title: str, text: str) -> dict[str, Any]:
        stamp = self.now().isoformat(timespec="minutes")
        with self._db(write=True) as db:
            note = _existing(db, title)
            body = f"{note['body']}\n{text}" if note["body"] else text
            db.execute(
                "UPDATE notes SET body = ?, updated = ? WHERE rowid = ?",
                (body, stamp, note["rowid"]),
            )
        return {"title": note["title"], "body": body, "updated": stamp}

    def delete(self, title: str) -> str:
        with self._db(write=True) as db:
            note = _existing(db, title)
            db.execute("DELETE FROM notes WHERE rowid = ?", (note["rowid"],))
        return str(note["title"])


def _find(db: sqlite3.Connection, title: str) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT rowid, title, body, updated FROM notes WHERE lower(title) = lower(?)",
        (title.strip(),),
    ).fetchone()
    return dict(row) if row else None


def _existing(db: sqlite3.Connection, title: str) -> dict[str, Any]:
    note = _find(db, title)
    if note is None:
        raise ToolError(f"No note is called {title!r}")
    return note


def notes_app(store: NoteStore) -> PythonApp:
    app = PythonApp("notes")

    @app.tool(
        examples=[
            "make a note called packing list: passport, charger",
            "write down a note about the wifi password",
            "new note: gift ideas",
            "make a note called {title}: {body}",
            "new note {title} saying {body}",
        ],
        risk="write",
        data_classes=_DATA,
        inverse=Inverse("delete_note", {"title": "result.created.title"}),
    )
    def create_note(title: str, body: str) -> dict[str, Any]:
        """Create a new note.

        Args:
            title: The note's title.
            body: The note's text.
        """
        if not title.strip():
            raise ToolError("A note needs a title")
        return {"created": store.create(title, body)}

    @app.tool(
        examples=[
            "find my note about the wifi",
            "search my notes for passport",
            "what did I write about gift ideas",
            "find my note about {query}",
            "search my notes for {query}",
        ],
        risk="read",
        data_classes=_DATA,
    )
    def search_notes(query: str) -> list[dict[str, Any]]:
        """Search notes by words in their title or text.

        Args:
            query: Words to look for.
        """
        return store.search(query)

    @app.tool(
        examples=[
            "add sunscreen to my packing list note",
            "append eggs to the shopping note",
            "put 'call the bank' in my to-do note",
        ],
        risk="write",
        data_classes=_DATA,
    )
    def append_to_note(title: str, text: str) -> dict[str, Any]:
        """Add a line of text to the end of an existing note.

        Args:
            title: The note's title.
            text: The text to add.
        """
        return {"updated": store.append(title, text)}

    @app.tool(
        examples=["delete the gift ideas note", "throw away my packing list note"],
        risk="destructive",
        data_classes=_DATA,
    )
    def delete_note(title: str) -> dict[str, Any]:
        """Delete a note.

        Args:
            title: The note's title.
        """
        return {"deleted": store.delete(title)}

    return app
