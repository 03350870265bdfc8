from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sample_phone import Phone

from app_adapters.apps import SmtpSettings
from assistant_sdk.errors import ToolError


class Inbox:
    """An aiosmtpd handler that keeps every envelope it receives."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_mail_is_delivered_over_smtp_to_the_configured_server(
    data_dir: Path, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    phone = Phone(data_dir, smtp=SmtpSettings("127.0.0.1", port, sender="me@outlook.example"))
    result = await phone("outlook_send_email", to="boss", subject="Sick today", body="Fever.")
    assert result["delivered"] is True
    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == ["alex.kim@example.com"]
    assert envelope.mail_from == "me@outlook.example"
    received = message_from_bytes(envelope.content, policy=default)
    assert received["Subject"] == "Sick today"
    assert received.get_content().strip() == "Fever."


async def test_a_sent_mail_is_filed_in_the_providers_sent_folder(
    data_dir: Path, smtp_server: tuple[Inbox, int]
) -> None:
    phone = Phone(data_dir, smtp=SmtpSettings("127.0.0.1", smtp_server[1]))
    await phone("gmail_send_email", to="jpark@example.com", subject="Slides", body="Attached")
    found = await phone.reopen()("gmail_search_email", query="slides")
    assert [(m["folder"], m["to"]) for m in found] == [("Sent", "John Park <jpark@example.com>")]
    assert await phone("outlook_search_email", query="slides") == []


async def test_without_a_server_mail_is_kept_in_sent_and_reported_undelivered(
    phone: Phone,
) -> None:
    result = await phone("gmail_send_email", to="mom", subject="Dinner", body="See you at 6")
    assert result["delivered"] is False and "not delivered" in result["status"]
    assert (await phone("gmail_search_email", query="see you at 6"))[0]["folder"] == "Sent"


async def test_a_server_that_refuses_the_connection_is_a_retryable_tool_error(
    data_dir: Path,
) -> None:
    phone = Phone(data_dir, smtp=SmtpSettings("127.0.0.1", free_port()))
    with pytest.raises(ToolError, match="did not accept") as caught:
        await phone("outlook_send_email", to="boss", subject="Zebra", body="Stripes")
    assert caught.value.retryable
    assert await phone("outlook_search_email", query="zebra") == []


async def test_the_inbox_lists_the_newest_mail_first(phone: Phone) -> None:
    inbox = await phone("outlook_read_inbox", limit=1)
    assert [m["subject"] for m in inbox] == ["Appointment reminder"]
    assert len(await phone("outlook_read_inbox")) == 2


async def test_search_finds_words_in_the_sender_subject_or_text(phone: Phone) -> None:
    assert [m["subject"] for m in await phone("gmail_search_email", query="XK7Q2")] == [
        "Your flight confirmation"
    ]
    assert [m["subject"] for m in await phone("outlook_search_email", query="alex")] == [
        "Q3 budget review"
    ]


async def test_mail_to_a_contact_without_an_address_is_refused(phone: Phone) -> None:
    with pytest.raises(ToolError, match="no e-mail address"):
        await phone("outlook_send_email", to="sis", subject="Hi", body="Hi")
