"""Mail: a Gmail-like and an Outlook-like app sharing one implementation.

Each provider reads a local Maildir (``mail/<provider>/``, sent mail in its ``.Sent`` folder).
Sending goes over real SMTP to the server in ``SmtpSettings``; with no server configured the
mail is only filed in Sent and the result says it was not delivered. No host is ever guessed.
"""

from __future__ import annotations

import email
import mailbox
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid, parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError

from ._store import Now
from .contacts import ContactBook

__all__ = ["MailProvider", "SmtpSettings", "gmail_app", "outlook_app"]

_DATA = ["email", "contacts"]


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where outgoing mail is sent. Tests point it at a local SMTP server."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    sender: str = "me@example.com"
    timeout_s: float = 10.0


def _factory(handle: IO[bytes]) -> EmailMessage:
    message: EmailMessage = email.message_from_binary_file(handle, policy=default_policy)
    return message


def _summary(message: EmailMessage, folder: str) -> dict[str, Any]:
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content().strip() if body is not None else ""
    return {
        "folder": folder,
        "from": str(message["From"] or ""),
        "to": str(message["To"] or ""),
        "subject": str(message["Subject"] or ""),
        "date": str(message["Date"] or ""),
        "snippet": text[:200],
    }


def _when(message: EmailMessage) -> float:
    try:
        return parsedate_to_datetime(str(message["Date"])).timestamp()
    except (TypeError, ValueError):
        return 0.0


class MailProvider:
    """One account: its Maildir, its sender address and the SMTP server it sends through."""

    def __init__(
        self,
        name: str,
        folder: Path,
        contacts: ContactBook,
        now: Now,
        smtp: SmtpSettings | None,
        address: str,
    ) -> None:
        self.name, self.folder, self.contacts, self.now = name, folder, contacts, now
        self.smtp, self.address = smtp, smtp.sender if smtp else address

    def _box(self, sent: bool = False) -> mailbox.Maildir:
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        box = mailbox.Maildir(self.folder, factory=_factory, create=True)  # type: ignore[arg-type]
        if not sent:
            return box
        return box.get_folder("Sent") if "Sent" in box.list_folders() else box.add_folder("Sent")

    def messages(self, sent: bool = False) -> list[EmailMessage]:
        return sorted(self._box(sent), key=_when, reverse=True)  # type: ignore[arg-type]

    def store(self, message: EmailMessage, sent: bool = False) -> None:
        self._box(sent).add(message)

    def recipient(self, to: str) -> str:
        matches = self.contacts.resolve(to)
        if not matches and "@" in to:
            return to.strip()
        contact = self.contacts.resolve_one(to)
        if not contact.email:
            raise ToolError(f"{contact.name} has no e-mail address")
        return f"{contact.name} <{contact.email}>"

    def send(self, to: str, subject: str, body: str) -> dict[str, Any]:
        message = EmailMessage()
        message["From"], message["To"] = self.address, self.recipient(to)
        message["Subject"] = subject
        message["Date"] = format_datetime(self.now().astimezone())
        message["Message-ID"] = make_msgid(domain="assistant-sdk.local")
        message.set_content(body)
        delivered = self.smtp is not None
        if self.smtp is not None:
            _deliver(self.smtp, message)
        self.store(message, sent=True)
        note = "sent" if delivered else "no mail server is configured: saved in Sent, not delivered"
        return {
            "provider": self.name,
            "to": message["To"],
            "subject": subject,
            "delivered": delivered,
            "status": note,
        }

    def search(self, query: str) -> list[dict[str, Any]]:
        needle = query.strip().casefold()
        found = []
        for folder, sent in (("Inbox", False), ("Sent", True)):
            for message in self.messages(sent):
                item = _summary(message, folder)
                if needle in " ".join(map(str, item.values())).casefold():
                    found.append(item)
        return found[:20]


def _deliver(smtp: SmtpSettings, message: EmailMessage) -> None:
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s) as client:
            if smtp.starttls:
                client.starttls()
            if smtp.username:
                client.login(smtp.username, smtp.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise ToolError(
            f"The mail server {smtp.host}:{smtp.port} did not accept the mail: {exc}",
            retryable=True,
        ) from None


GMAIL_EXAMPLES = {
    "send": [
        "send an email with Gmail to my boss",
        "gmail John Smith about the report",
        "email mom from my Gmail saying see you Sunday",
        "email my boss that I'm sick today",
    ],
    "search": [
        "search Gmail for the invoice",
        "find emails from Alex in Gmail",
        "look for the flight confirmation in my Gmail",
        "find the email about the budget",
    ],
    "inbox": ["check my Gmail", "any new emails in Gmail", "read my email"],
}
OUTLOOK_EXAMPLES = {
    "send": [
        "email my boss that I'm sick today",
        "send an Outlook mail to John Park",
        "email mom from Outlook saying see you Sunday",
        "write an email to jane.doe@example.com about dinner",
    ],
    "search": [
        "find the email about the budget",
        "search Outlook for messages from mom",
        "look for the flight confirmation in Outlook",
        "did I get an email about the contract",
    ],
    "inbox": ["read my email", "what's in my Outlook inbox", "any new emails in Outlook"],
}


def gmail_app(provider: MailProvider) -> PythonApp:
    return _mail_app("gmail", "Gmail", provider, GMAIL_EXAMPLES)


def outlook_app(provider: MailProvider) -> PythonApp:
    return _mail_app("outlook", "Outlook", provider, OUTLOOK_EXAMPLES)


def _mail_app(
    name: str, label: str, provider: MailProvider, examples: dict[str, list[str]]
) -> PythonApp:
    """One mail app; both providers offer the same three capabilities under their own names."""
    app = PythonApp(name)

    @app.tool(
        name=f"{name}_send_email",
        description=f"Send an e-mail from the {label} account.",
        examples=examples["send"],
        risk="write",
        data_classes=_DATA,
        capability="mail.send",
    )
    def send_email(to: str, subject: str, body: str) -> dict[str, Any]:
        """Send an e-mail.

        Args:
            to: A contact's name or nickname, or an e-mail address.
            subject: The subject line.
            body: The message text.
        """
        return provider.send(to, subject, body)

    @app.tool(
        name=f"{name}_search_email",
        description=f"Search the {label} inbox and sent mail.",
        examples=examples["search"],
        risk="read",
        data_classes=_DATA,
        capability="mail.search",
    )
    def search_email(query: str) -> list[dict[str, Any]]:
        """Search mail.

        Args:
            query: Words to find in the sender, recipient, subject or text.
        """
        return provider.search(query)

    @app.tool(
        name=f"{name}_read_inbox",
        description=f"Read the newest e-mails in the {label} inbox.",
        examples=examples["inbox"],
        risk="read",
        data_classes=_DATA,
        capability="mail.inbox",
    )
    def read_inbox(limit: int = 10) -> list[dict[str, Any]]:
        """Read the inbox.

        Args:
            limit: How many e-mails, newest first.
        """
        return [_summary(m, "Inbox") for m in provider.messages()[: max(1, limit)]]

    return app
