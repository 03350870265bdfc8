"""The value-masked view: days, times, lengths of time, numbers to call and addresses to write
to said as stand-ins, in the request and in the tool's annotated examples alike."""

from __future__ import annotations

from assistant_sdk.reading.examples import index_masked
from assistant_sdk.resolve.features import value_masked
from assistant_sdk.types import Tool

REMINDER = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "description": "What to remember."},
        "due": {"type": "string", "description": "When, YYYY-MM-DDTHH:MM."},
    },
    "required": ["text"],
}


def test_a_moment_said_in_several_words_becomes_one_stand_in() -> None:
    assert value_masked("add dinner with Priya on Saturday at 7pm") == "add dinner with Priya then"
    assert value_masked("remind me friday at 4pm to submit the timesheet") == (
        "remind me then to submit the timesheet"
    )


def test_lengths_of_time_numbers_and_addresses_have_their_own_stand_ins() -> None:
    assert value_masked("time 3 minutes for the eggs") == "time a while for the eggs"
    assert value_masked("call +1 555 123 4567") == "call this number"
    assert value_masked("email bob@example.com the slides") == "email this address the slides"


def test_a_request_without_such_values_is_left_as_it_is() -> None:
    assert value_masked("play some jazz") == "play some jazz"
    assert value_masked("call mom") == "call mom"


def test_the_examples_say_the_same_stand_ins_where_their_placeholders_are() -> None:
    tool = Tool(
        "add_reminder",
        "Add a reminder.",
        "reminders",
        REMINDER,
        examples=("remind me to buy milk", "remind me to {text} {due}", "note {text}"),
    )
    assert index_masked(tool) == ("remind me to something then",)
    assert index_masked(tool) == index_masked(tool)  # the index does not churn
