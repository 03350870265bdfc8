"""Answers to a question: a number, an ordinal, or words of exactly one option; else none."""

from __future__ import annotations

import pytest

from assistant_sdk import Clarification, Tool, ToolRegistry
from assistant_sdk.conversation._options import choose, is_cancel, option_labels

from .conftest import Phone

OUTLOOK = Tool("outlook_send_email", "Send an email.", "outlook")
GMAIL = Tool("gmail_send_email", "Send an email.", "gmail")
TEXT = Tool("send_message", "Send a text message to a contact.", "messages")
PEOPLE = Clarification("Which one?", ("John Park", "John Smith"), "call John", "name")
TOOLS = Clarification(
    "Did you mean ...?",
    ("outlook_send_email", "send_message"),
    "tell my boss",
    tools=(OUTLOOK, TEXT),
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("2", "John Smith"), ("the first one", "John Park"), ("last", "John Smith"),
     ("park", "John Park"), ("John Smith", "John Smith")],
)  # fmt: skip
def test_an_answer_picks_by_number_ordinal_or_the_words_of_one_option(
    answer: str, expected: str
) -> None:
    assert choose(answer, PEOPLE, ToolRegistry()) == expected


@pytest.mark.parametrize("answer", ["john", "3", "email my boss that I'll be late", "0"])
def test_an_answer_that_fits_no_single_option_is_not_an_answer(answer: str) -> None:
    assert choose(answer, PEOPLE, ToolRegistry()) is None


def test_tool_options_are_shown_and_chosen_in_the_users_words() -> None:
    assert option_labels(TOOLS) == ("Send an email", "Send a text message to a contact")
    assert choose("a text message", TOOLS, ToolRegistry()) == "send_message"
    same = Clarification(
        "?", ("outlook_send_email", "gmail_send_email"), "x", tools=(OUTLOOK, GMAIL)
    )
    assert option_labels(same) == ("Send an email with Outlook", "Send an email with Gmail")
    assert choose("gmail", same, ToolRegistry()) == "gmail_send_email"


@pytest.mark.slow
def test_never_mind_calls_the_turn_off_but_cancel_my_ride_is_a_request(phone: Phone) -> None:
    assistant = phone.assistant()
    for text, expected in (("never mind", True), ("forget it", True), ("cancel my ride", False),
                           ("stop the music", False)):  # fmt: skip
        assert is_cancel(text, assistant.resolver.resolve(text), assistant) is expected, text
