"""Reading a tool's arguments from a request on the device, with no engine."""

# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime

import pytest

from app_adapters.apps import DEMO_FACTS
from assistant_sdk import Fact, FactKind, Tool, ToolRegistry
from assistant_sdk.slots import Kind, SlotFill, fill_arguments, kind_of, preferred_tool
from assistant_sdk.types import Candidate
from embeddings.base import Embedder

#: Wednesday 4 March 2026, 10:00.
NOW = datetime(2026, 3, 4, 10, 0)
CONTACTS = ["Jane Doe", "John Smith", "John Park", "Alex Kim", "Sam Lee"]


def read(tools: ToolRegistry, name: str, request: str, facts: list[Fact] = DEMO_FACTS) -> SlotFill:
    return fill_arguments(tools[name], request, facts, now=NOW, contacts=CONTACTS)


@pytest.mark.parametrize(
    ("tool", "request_", "arguments"),
    [
        ("send_message", "text mom I'm running late", {"recipient": "Jane Doe", "body": "I'm running late"}),
        ("set_alarm", "set an alarm for 7am", {"time": "07:00"}),
        ("set_alarm", "wake me up at half past six am", {"time": "06:30"}),
        ("start_timer", "start a timer for twenty minutes", {"duration_seconds": 1200}),
        ("start_timer", "pasta timer 12 minutes", {"duration_seconds": 720, "label": "pasta"}),
        ("start_timer", "timer for an hour and a half", {"duration_seconds": 5400}),
        (
            "create_event",
            "schedule dentist tomorrow at 3pm for an hour",
            {"title": "dentist", "start": "2026-03-05T15:00", "duration_minutes": 60},
        ),
        (
            "create_event",
            "put Book club on my calendar next monday at 7pm",
            {"title": "Book club", "start": "2026-03-09T19:00"},
        ),
        (
            "add_reminder",
            "remind me to call the bank tomorrow",
            {"text": "call the bank", "due": "2026-03-05T09:00"},
        ),
        (
            "add_reminder",
            "remind me in 20 minutes to check the oven",
            {"text": "check the oven", "due": "2026-03-04T10:20"},
        ),
        ("add_reminder", "Remind me to water the plants this evening", {"text": "water the plants", "due": "2026-03-04T18:00"}),
        ("lyft_book_ride", "book me a ride home", {"destination": "12 Oak Street, Springfield"}),
        (
            "lyft_get_quote",
            "how much is a lyft home from work",
            {"destination": "12 Oak Street, Springfield", "pickup": "400 Market Street, Springfield"},
        ),
        ("get_weather", "what's the weather in Paris tomorrow", {"location": "Paris", "date": "2026-03-05"}),
        ("get_forecast", "give me the 10-day forecast for Portland", {"location": "Portland", "days": 10}),
        ("list_events", "show my schedule for the next 3 days starting today", {"date": "2026-03-04", "days": 3}),
        ("cancel_event", "delete Team standup from today's calendar", {"title": "Team standup", "date": "2026-03-04"}),
        (
            "outlook_send_email",
            "email boss subject Budget saying the numbers are in",
            {"to": "Alex Kim", "subject": "Budget", "body": "the numbers are in"},
        ),
        ("add_to_playlist", "add Hey Jude to my Running playlist", {"song": "Hey Jude", "playlist": "Running"}),
        ("get_place", "what's my work address", {"name": "work"}),
        ("search_contacts", "look up anyone called Lee in my contacts", {"query": "Lee"}),
    ],
)  # fmt: skip
def test_arguments_are_read_from_the_request_and_the_facts(
    tools: ToolRegistry, tool: str, request_: str, arguments: dict[str, object]
) -> None:
    fill = read(tools, tool, request_)
    assert fill.complete, (fill.missing, fill.ambiguous, fill.unexplained, fill.problems)
    assert fill.arguments == arguments


def test_each_argument_says_where_it_came_from(tools: ToolRegistry) -> None:
    fill = read(tools, "send_message", "text mom I'm running late")
    assert fill.filled["recipient"].source == "fact:mom"
    assert (
        fill.filled["body"].source == "request" and fill.filled["body"].text == "I'm running late"
    )


def test_a_first_name_two_contacts_share_is_ambiguous_not_guessed(tools: ToolRegistry) -> None:
    fill = read(tools, "call_contact", "call John")
    assert fill.ambiguous == {"name": ["John Smith", "John Park"]} and "name" not in fill.arguments
    assert not fill.complete


def test_a_full_name_is_not_ambiguous(tools: ToolRegistry) -> None:
    assert read(tools, "call_contact", "call John Park").arguments == {"name": "John Park"}


def test_an_alias_that_points_to_nobody_is_a_problem_not_a_value(tools: ToolRegistry) -> None:
    facts = [*DEMO_FACTS, Fact("coach", "Pat Riley", FactKind.ALIAS, "contacts")]
    fill = read(tools, "call_contact", "call coach", facts)
    assert "name" in fill.missing and "not a contact" in fill.problems["name"]


@pytest.mark.parametrize(
    ("request_", "problem"),
    [
        ("set an alarm for 25:00", "not a time of day"),
        ("remind me on February 30 to pay rent", "not a day in the calendar"),
        ("remind me next week to pay rent", "does not name one day"),
        ("remind me on Friday March 12 to pay rent", "is a Thursday, not a Friday"),
        ("remind me tomorrow at 9am or at 5pm to pay rent", "more than one day or time"),
    ],
)
def test_impossible_or_ambiguous_times_are_problems_never_values(
    tools: ToolRegistry, request_: str, problem: str
) -> None:
    tool = "set_alarm" if "alarm" in request_ else "add_reminder"
    fill = read(tools, tool, request_)
    name = "time" if tool == "set_alarm" else "due"
    assert name not in fill.arguments and problem in fill.problems[name]


@pytest.mark.parametrize(
    "request_",
    [
        "remind me to call the bank and text mom",  # a second action
        "what did mom say about sunday?",  # a question, not a command
        "delete all my alarms",  # one call deletes one
        "remind me to leave for the dentist and book a ride",
    ],
)
def test_requests_one_call_cannot_satisfy_leave_words_unexplained(
    tools: ToolRegistry, request_: str
) -> None:
    name = {"w": "outlook_send_email", "d": "delete_alarm"}.get(request_[1], "add_reminder")
    assert read(tools, name, request_).unexplained


def test_a_verb_the_tool_does_not_speak_of_is_unexplained(tools: ToolRegistry) -> None:
    fill = read(tools, "start_timer", "remind me in 20 minutes to check the oven")
    assert "remind" in fill.unexplained


def test_vague_free_text_is_left_to_an_engine(tools: ToolRegistry) -> None:
    assert "something" in read(tools, "play_music", "play something upbeat").unexplained


def test_an_optional_day_without_a_time_takes_the_morning(tools: ToolRegistry) -> None:
    assert read(tools, "add_reminder", "remind me friday to pay rent").arguments["due"] == (
        "2026-03-06T09:00"
    )


def test_a_required_date_time_without_a_time_is_missing(tools: ToolRegistry) -> None:
    fill = read(tools, "create_event", "schedule dentist on friday")
    assert "start" in fill.missing and "no time of day" in fill.problems["start"]


def test_kinds_come_from_the_schema_and_the_name() -> None:
    assert kind_of("when", {"type": "string", "format": "date-time"}) is Kind.DATETIME
    assert kind_of("duration_minutes", {"type": "integer"}) is Kind.DURATION
    assert kind_of("mode", {"type": "string", "enum": ["a", "b"]}) is Kind.CHOICE
    assert kind_of("recipient", {"type": "string"}) is Kind.PERSON
    assert kind_of("destination", {"anyOf": [{"type": "string"}, {"type": "null"}]}) is Kind.PLACE
    assert kind_of("body", {"type": "string"}) is Kind.TEXT
    assert kind_of("account_id", {"type": "string"}) is Kind.OTHER  # never guessed


def test_a_choice_is_matched_by_meaning_with_an_embedder(embedder: Embedder) -> None:
    tool = Tool(
        "get_directions",
        "Get directions to a place.",
        "maps",
        {
            "type": "object",
            "properties": {
                "destination": {"type": "string"},
                "mode": {"type": "string", "enum": ["driving", "walking", "transit"]},
            },
            "required": ["destination"],
        },
    )
    fill = fill_arguments(
        tool, "directions to Union Station by car", [], now=NOW, embedder=embedder
    )
    assert fill.arguments == {"destination": "Union Station", "mode": "driving"}
    assert fill.filled["mode"].confidence < 1.0  # matched by meaning, not by name


def test_the_preferred_provider_wins_among_tools_of_one_capability(tools: ToolRegistry) -> None:
    uber, lyft = tools["uber_book_ride"], tools["lyft_book_ride"]
    ranked = [Candidate(uber, 0.9, 0.6), Candidate(lyft, 0.85, 0.4)]
    chosen = preferred_tool(ranked, DEMO_FACTS)
    assert chosen is not None and chosen.tool is lyft


def test_a_destructive_tool_needs_a_word_that_asks_to_delete(tools: ToolRegistry) -> None:
    assert (
        "no word asks to delete"
        in read(tools, "delete_note", "make a new note called packing list").unexplained
    )
    assert read(tools, "delete_note", "get rid of my note called Packing list").complete


def test_a_making_verb_does_not_fit_a_tool_that_only_reads(tools: ToolRegistry) -> None:
    assert "make" in read(tools, "play_music", "make a playlist for running").unexplained


def test_a_reading_verb_does_not_fit_a_tool_that_deletes(tools: ToolRegistry) -> None:
    assert "show" in read(tools, "delete_conversation", "show me the texts from sis").unexplained


def test_an_indirect_question_in_a_message_is_left_to_an_engine(tools: ToolRegistry) -> None:
    unsure = read(tools, "send_message", "text mom what time my dentist appointment is")
    assert "a question the message should answer" in unsure.unexplained
    assert read(tools, "send_message", "text mom what time is dinner?").complete


@pytest.mark.parametrize(
    ("request_", "due"),
    [
        ("remind me tmrw to call the bank", "2026-03-05T09:00"),
        ("remind me Saturday at half ten in the morning to call the bank", "2026-03-07T10:30"),
        ("remind me tonite at 8 to call the bank", "2026-03-04T20:00"),
    ],
)
def test_shortcuts_and_british_times_are_read(tools: ToolRegistry, request_: str, due: str) -> None:
    assert read(tools, "add_reminder", request_).arguments == {"text": "call the bank", "due": due}


@pytest.mark.parametrize(
    ("request_", "time"),
    [
        ("wake me up at seven fifteen", "07:15"),
        ("alarm for six forty-five", "06:45"),
        ("set an alarm at nine oh five", "09:05"),
    ],
)
def test_a_clock_time_said_in_words_is_one_time(
    tools: ToolRegistry, request_: str, time: str
) -> None:
    fill = read(tools, "set_alarm", request_)
    assert fill.complete and fill.arguments == {"time": time}


def test_spoken_numbers_without_a_clock_context_are_not_a_time() -> None:
    from assistant_sdk.reading.moments import find_when

    assert find_when("I have seven fifteen year olds", datetime(2026, 3, 4, 10)).clock is None


def test_a_negation_of_a_reading_tools_own_action_is_never_that_action(
    tools: ToolRegistry,
) -> None:
    assert "a negation" in read(tools, "play_music", "can you not play music").unexplained
    assert "a negation" not in read(tools, "play_music", "play Don't Stop Me Now").unexplained


def test_free_text_that_starts_by_joining_means_a_value_was_cut_off(tools: ToolRegistry) -> None:
    unsure = read(tools, "send_message", "text mom and dad that I'm late")
    assert "two values where one fits" in unsure.unexplained
    assert read(tools, "send_message", "text mom I'm late and hungry").complete


def test_free_text_that_keeps_the_tools_own_name_kept_words_of_the_command(
    tools: ToolRegistry,
) -> None:
    unsure = read(tools, "gmail_search_email", "search my Gmail for booking code")
    assert "a value that names the tool" in unsure.unexplained
    assert read(tools, "gmail_search_email", "search gmail for booking code").complete


def test_a_negation_never_becomes_an_action(tools: ToolRegistry) -> None:
    assert "a negation" in read(tools, "lyft_cancel_ride", "don't cancel the lyft").unexplained
    assert "a negation" not in read(tools, "lyft_cancel_ride", "never mind, cancel it").unexplained
    fill = read(tools, "send_message", "text mom don't wait for me")
    assert fill.complete and fill.arguments["body"] == "don't wait for me"


@pytest.mark.parametrize(
    ("tool", "request_", "arguments"),
    [
        ("start_timer", "timer two and a half minutes", {"duration_seconds": 150}),
        ("start_timer", "twenty min timer for the roast", {"duration_seconds": 1200, "label": "roast"}),
        ("save_place", "save 33 Kings Road as Nan", {"address": "33 Kings Road", "name": "Nan"}),
    ],
)  # fmt: skip
def test_spoken_lengths_labels_and_addresses_without_a_preposition(
    tools: ToolRegistry, tool: str, request_: str, arguments: dict[str, object]
) -> None:
    fill = read(tools, tool, request_)
    assert fill.complete and fill.arguments == arguments


@pytest.mark.parametrize(
    ("tool", "request_"),
    [
        ("append_to_note", "get rid of my old shopping note"),
        ("add_to_playlist", "I want to hear my road trip playlist"),
    ],
)
def test_a_value_that_is_one_verb_means_the_tool_was_misread(
    tools: ToolRegistry, tool: str, request_: str
) -> None:
    assert not read(tools, tool, request_).complete


@pytest.mark.parametrize(
    ("request_", "arguments"),
    [
        ("add a contact Maria Garcia, phone +1 555 0199", {"name": "Maria Garcia", "phone": "+1 555 0199"}),
        ("new contact: Tom Brown, email tom.brown@example.com", {"name": "Tom Brown", "email": "tom.brown@example.com"}),
        ("save Priya Shah as a contact with number 555-0123 and nickname doc", {"name": "Priya Shah", "phone": "555-0123", "nickname": "doc"}),
    ],
)  # fmt: skip
def test_a_new_contact_takes_a_new_name_and_the_numbers_written_out(
    tools: ToolRegistry, request_: str, arguments: dict[str, str]
) -> None:
    fill = read(tools, "add_contact", request_)
    assert fill.complete and fill.arguments == arguments
    assert fill.filled["name"].confidence < 1.0  # nobody the device knows yet


def test_a_tool_that_does_not_add_people_never_takes_an_unknown_name(tools: ToolRegistry) -> None:
    fill = read(tools, "call_contact", "call Maria Garcia")
    assert "name" in fill.missing and "name" not in fill.arguments


@pytest.mark.parametrize(
    ("request_", "query"),
    [
        ("play the album Kind of Blue", "Kind of Blue"),
        ("play the song Yesterday", "Yesterday"),
        ("play music by Queen", "Queen"),
        ("play jazz", "jazz"),
    ],
)
def test_a_query_drops_the_kind_of_thing_it_names(
    tools: ToolRegistry, request_: str, query: str
) -> None:
    assert read(tools, "play_music", request_).arguments == {"query": query}
