from __future__ import annotations

import sqlite3

import pytest
from sample_phone import Phone

from assistant_sdk.errors import ToolError


async def test_a_text_to_a_nickname_goes_to_that_contacts_number(phone: Phone) -> None:
    sent = await phone("send_message", recipient="mom", body="I'm running late")
    assert sent["sent"]["to"] == "Jane Doe" and sent["sent"]["number"] == "+1 555 0100"
    db = sqlite3.connect(phone.data_dir / "messages.sqlite3")
    rows = db.execute("SELECT contact, direction, body FROM messages WHERE body LIKE '%late'")
    assert rows.fetchall() == [("Jane Doe", "out", "I'm running late")]


async def test_unread_messages_are_listed_once_and_then_marked_read(phone: Phone) -> None:
    unread = await phone("read_messages", unread_only=True)
    assert [m["contact"] for m in unread] == ["Alex Kim", "Sam Lee"]
    assert await phone.reopen()("read_messages", unread_only=True) == []


async def test_reading_one_conversation_shows_both_directions_in_order(phone: Phone) -> None:
    await phone("send_message", recipient="Jane Doe", body="See you Sunday")
    bodies = [(m["direction"], m["body"]) for m in await phone("read_messages", contact="mom")]
    assert bodies[0] == ("in", "Are you coming for dinner on Sunday?")
    assert bodies[-1] == ("out", "See you Sunday")


async def test_a_bare_phone_number_can_be_texted(phone: Phone) -> None:
    sent = await phone("send_message", recipient="+1 555 0177", body="Hi")
    assert sent["sent"]["to"] == "+1 555 0177"


async def test_deleting_a_conversation_removes_only_that_contacts_messages(phone: Phone) -> None:
    assert (await phone("delete_conversation", contact="mom"))["deleted_messages"] == 2
    assert await phone("read_messages", contact="Jane Doe") == []
    assert len(await phone("read_messages")) == 2


async def test_texting_an_ambiguous_or_unknown_person_is_refused(phone: Phone) -> None:
    with pytest.raises(ToolError, match="say which"):
        await phone("send_message", recipient="John", body="Hi")
    with pytest.raises(ToolError, match="No contact"):
        await phone("send_message", recipient="Gandalf", body="Hi")
