"""Messages: text conversations in SQLite, addressed to contacts by name, nickname or number."""

from __future__ import annotations

import re
import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError

from ._store import Now, sqlite_transaction
from .contacts import ContactBook

__all__ = ["MessageStore", "messages_app"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    contact TEXT NOT NULL,
    address TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    body TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS messages_contact ON messages (contact);
"""
_PHONE = re.compile(r"^\+?[\d\s().-]{7,}$")
_DATA = ["messages", "contacts"]


class MessageStore:
    def __init__(self, path: Path, contacts: ContactBook, now: Now) -> None:
        self.path, self.contacts, self.now = path, contacts, now

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction: reading and marking read, or deleting, never interleave."""
        return sqlite_transaction(self.path, _SCHEMA, write=True)

    def who(self, person: str) -> tuple[str, str]:
        """(display name, phone number) of a contact, or of a bare phone number."""
        if not self.contacts.resolve(person) and _PHONE.match(person.strip()):
            return person.strip(), person.strip()
        contact = self.contacts.resolve_one(person)
        if not contact.phone:
            raise ToolError(f"{contact.name} has no phone number to text")
        return contact.name, contact.phone

    def add(
        self,
        person: str,
        body: str,
        direction: str = "out",
        sent_at: str | None = None,
        read: bool = True,
    ) -> dict[str, Any]:
        name, number = self.who(person)
        stamp = sent_at or self.now().isoformat(timespec="minutes")
        with self._db() as db:
            db.execute(
                "INSERT INTO messages (contact, address, direction, body, sent_at, read) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (name, number, direction, body, stamp, int(read)),
            )
        return {
            "to" if direction == "out" else "from": name,
            "number": number,
            "body": body,
            "sent_at": stamp,
        }

    def read(
        self,
        person: str | None,
        unread_only: bool,
        mark_read: bool = True,
    ) -> list[dict[str, Any]]:
        where, args = ["1"], []
        if person:
            where.append("contact = ?")
            args.append(self.who(person)[0])
        if unread_only:
            where.append("read = 0 AND direction = 'in'")
        with self._db() as db:
            rows = db.execute(
                f"SELECT id, contact, direction, body, sent_at, read FROM messages "
                f"WHERE {' AND '.join(where)} ORDER BY sent_at, id",
                args,
            ).fetchall()
            if mark_read:
                db.executemany(
                    "UPDATE messages SET read = 1 WHERE id = ?", [(r["id"],) for r in rows]
                )
        return [
            {
                "contact": r["contact"],
                "direction": r["direction"],
                "body": r["body"],
                "sent_at": r["sent_at"],
                "unread": not r["read"],
            }
            for r in rows
        ]

    def delete(self, person: str) -> int:
        name = self.who(person)[0]
        with self._db() as db:
            return db.execute("DELETE FROM messages WHERE contact = ?", (name,)).rowcount


def messages_app(store: MessageStore) -> PythonApp:
    app = PythonApp("messages")

    @app.tool(
        examples=[
            "text mom I'm running late",
            "send John Park a message saying thanks",
            "tell my boss I'll be there in 10",
            "message sis happy birthday",
            "text {recipient} {body}",
            "send {recipient} a message saying {body}",
            "tell {recipient} that {body}",
            "message {recipient}: {body}",
        ],
        risk="write",
        data_classes=_DATA,
    )
    def send_message(recipient: str, body: str) -> dict[str, Any]:
        """Send a text message.

        Args:
            recipient: A contact's name, nickname or phone number.
            body: The message text.
        """
        if not body.strip():
            raise ToolError("The message is empty")
        return {"sent": store.add(recipient, body)}

    @app.tool(
        examples=[
            "read my messages",
            "any new texts",
            "what did mom text me",
            "show unread messages from my boss",
        ],
        risk="read",
        data_classes=_DATA,
    )
    def read_messages(
        contact: str | None = None, unread_only: bool = False
    ) -> list[dict[str, Any]]:
        """Read text messages, oldest first; incoming ones are then marked as read.

        Args:
            contact: Only the conversation with this contact.
            unread_only: Only messages not read yet.
        """
        return store.read(contact, unread_only)

    @app.tool(
        examples=["delete my conversation with John Smith", "clear the texts with sis"],
        risk="destructive",
        data_classes=_DATA,
    )
    def delete_conversation(contact: str) -> dict[str, Any]:
        """Delete every message exchanged with a contact.

        Args:
            contact: The contact's name, nickname or phone number.
        """
        return {"deleted_messages": store.delete(contact), "contact": store.who(contact)[0]}

    return app
