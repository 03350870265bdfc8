"""Contacts: one vCard file per person (3.0 written; 3.0 and 4.0 read), with nicknames.

Other apps resolve people through ``ContactBook.resolve_one``: a display name, a nickname,
a phone number or an e-mail address.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vobject

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError
from assistant_sdk.types import Inverse

from ._store import AppDataError, Now, atomic_write_text, locked, read_json, write_json

__all__ = ["Contact", "ContactBook", "contacts_app"]

_NOT_DIGITS = re.compile(r"\D+")


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    nickname: str | None = None
    uid: str = ""

    @property
    def phone(self) -> str | None:
        return self.phones[0] if self.phones else None

    @property
    def email(self) -> str | None:
        return self.emails[0] if self.emails else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "nickname": self.nickname,
            "phone": self.phone,
            "email": self.email,
        }

    def names(self) -> set[str]:
        """Every exact way to name this person, case-folded."""
        keys = {self.name.casefold(), *(e.casefold() for e in self.emails)}
        keys |= {_digits(p) for p in self.phones if _digits(p)}
        if self.nickname:
            keys.add(self.nickname.casefold())
        return keys


def _digits(phone: str) -> str:
    return _NOT_DIGITS.sub("", phone)


def _has_number(contact: Contact, digits: str) -> bool:
    """Whether ``digits`` is one of the contact's numbers, with or without the country code."""
    if len(digits) < 7:
        return False
    numbers = [_digits(p) for p in contact.phones]
    return any(n.endswith(digits) or digits.endswith(n) for n in numbers if len(n) >= 7)


def _parse_card(path: Path) -> Contact:
    try:
        card = vobject.readOne(path.read_text(encoding="utf-8"))
        name = str(card.fn.value).strip()
    except Exception as exc:  # vobject raises many types for malformed input
        raise AppDataError(path, f"not a valid vCard: {exc}") from None
    contents = card.contents
    nick = contents.get("nickname")
    return Contact(
        name=name,
        phones=tuple(str(t.value).removeprefix("tel:") for t in contents.get("tel", [])),
        emails=tuple(str(e.value) for e in contents.get("email", [])),
        nickname=str(nick[0].value) if nick else None,
        uid=str(contents["uid"][0].value) if "uid" in contents else path.stem,
    )


def _card_text(contact: Contact) -> str:
    card = vobject.vCard()
    card.add("fn").value = contact.name
    family = contact.name.split()[-1] if " " in contact.name else ""
    given = contact.name.rsplit(" ", 1)[0] if family else contact.name
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    card.add("uid").value = contact.uid
    if contact.nickname:
        card.add("nickname").value = contact.nickname
    for phone in contact.phones:
        tel = card.add("tel")
        tel.value, tel.type_param = phone, "CELL"
    for email in contact.emails:
        card.add("email").value = email
    return str(card.serialize())


class ContactBook:
    """A folder of ``.vcf`` files, read fresh on every call so other processes' edits show."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def all(self) -> list[Contact]:
        if not self.folder.is_dir():
            return []
        return sorted((_parse_card(p) for p in self.folder.glob("*.vcf")), key=lambda c: c.name)

    def add(self, contact: Contact, *, unique_name: bool = False) -> Contact:
        """Save ``contact``; with ``unique_name``, refuse a name already in the book (checked
        and written under the book's lock, so two concurrent adds cannot both pass)."""
        if not contact.uid:
            contact = Contact(
                contact.name, contact.phones, contact.emails, contact.nickname, uuid.uuid4().hex
            )
        with locked(self.folder):
            if unique_name and any(
                c.name.casefold() == contact.name.casefold() for c in self.all()
            ):
                raise ToolError(f"There is already a contact called {contact.name!r}")
            atomic_write_text(self.folder / f"{contact.uid}.vcf", _card_text(contact))
        return contact

    def delete(self, contact: Contact) -> None:
        with locked(self.folder):
            for path in self.folder.glob("*.vcf"):
                if _parse_card(path).uid == contact.uid:
                    path.unlink()

    def search(self, query: str) -> list[Contact]:
        needle = query.strip().casefold()
        digits = _digits(query)
        return [
            c
            for c in self.all()
            if any(needle in key for key in c.names())
            or (len(digits) >= 3 and any(digits in _digits(p) for p in c.phones))
        ]

    def resolve(self, query: str) -> list[Contact]:
        """Exact matches (name, nickname, phone, e-mail), else first/last-name, else substring."""
        needle, digits = query.strip().casefold(), _digits(query)
        people = self.all()
        exact = [c for c in people if needle in c.names() or _has_number(c, digits)]
        if exact:
            return exact
        by_token = [c for c in people if needle in c.name.casefold().split()]
        return by_token or [c for c in people if needle and needle in c.name.casefold()]

    def resolve_one(self, query: str) -> Contact:
        matches = self.resolve(query)
        if not matches:
            raise ToolError(f"No contact matches {query!r}")
        if len(matches) > 1:
            names = " or ".join(c.name for c in matches)
            raise ToolError(f"{query!r} could be {names}: say which one")
        return matches[0]


def contacts_app(book: ContactBook, data_dir: Path, now: Now) -> PythonApp:
    app = PythonApp("contacts")
    calls = data_dir / "calls.json"
    data = ["contacts"]

    @app.tool(
        examples=[
            "find Sarah in my contacts",
            "who do I have named Lee",
            "look up contacts at example.com",
            "find {query} in my contacts",
            "look up {query}",
        ],
        risk="read",
        data_classes=data,
    )
    def search_contacts(query: str) -> list[dict[str, Any]]:
        """Search contacts by name, nickname, phone number or e-mail.

        Args:
            query: Part of a name, nickname, number or e-mail address.
        """
        return [c.as_dict() for c in book.search(query)]

    @app.tool(
        examples=[
            "what's mom's number",
            "show me John's contact card",
            "what is Alex Kim's email address",
            "what's {name}'s number",
            "show me {name}'s contact card",
        ],
        risk="read",
        data_classes=data,
    )
    def get_contact(name: str) -> dict[str, Any]:
        """Show one contact's details; an ambiguous name returns every match, flagged.

        Args:
            name: A display name, nickname, phone number or e-mail address.
        """
        matches = book.resolve(name)
        if not matches:
            raise ToolError(f"No contact matches {name!r}")
        result: dict[str, Any] = {
            "ambiguous": len(matches) > 1,
            "matches": [c.as_dict() for c in matches],
        }
        if len(matches) == 1:
            result["contact"] = matches[0].as_dict()
        return result

    @app.tool(
        examples=[
            "add Maria to my contacts, her number is 555 0199",
            "save a new contact Tom Baker",
            "create a contact for the plumber",
        ],
        risk="write",
        inverse=Inverse("delete_contact", {"name": "name"}),
        data_classes=data,
    )
    def add_contact(
        name: str, phone: str | None = None, email: str | None = None, nickname: str | None = None
    ) -> dict[str, Any]:
        """Add a new contact.

        Args:
            name: The person's full name.
            phone: Their phone number.
            email: Their e-mail address.
            nickname: What you call them, such as "mom".
        """
        if not name.strip():
            raise ToolError("A contact needs a name")
        new = Contact(name.strip(), (phone,) if phone else (), (email,) if email else (), nickname)
        added = book.add(new, unique_name=True)
        return {"added": added.as_dict()}

    @app.tool(
        examples=["delete Tom Baker from my contacts", "remove the plumber's contact"],
        risk="destructive",
        data_classes=data,
    )
    def delete_contact(name: str) -> dict[str, Any]:
        """Delete a contact.

        Args:
            name: The contact's name, nickname, phone number or e-mail address.
        """
        contact = book.resolve_one(name)
        book.delete(contact)
        return {"deleted": contact.name}

    @app.tool(
        examples=[
            "call mom",
            "ring John Park",
            "phone my boss",
            "give Sam a call",
            "call {name}",
            "ring {name} please",
            "can you phone {name}",
            "get {name} on the phone",
        ],
        risk="write",
        data_classes=data,
    )
    def call_contact(name: str) -> dict[str, Any]:
        """Start a phone call to a contact.

        Args:
            name: The contact's name, nickname or phone number.
        """
        contact = book.resolve_one(name)
        if not contact.phone:
            raise ToolError(f"{contact.name} has no phone number")
        entry = {
            "name": contact.name,
            "number": contact.phone,
            "at": now().isoformat(timespec="minutes"),
        }
        with locked(calls):
            write_json(calls, [*read_json(calls, []), entry])
        return {"calling": contact.name, "number": contact.phone}

    return app
