"""The device's plan for a resolution: run, ask, or hand over, and answers that continue."""

from __future__ import annotations

from datetime import datetime

import pytest

from app_adapters.apps import DEMO_FACTS
from assistant_sdk import (
    Clarification,
    LocalPlan,
    PartialPlan,
    ToolRegistry,
    answer_clarification,
    plan_locally,
)
from assistant_sdk.types import Candidate, Decision, Resolution

NOW = datetime(2026, 3, 4, 10, 0)
CONTACTS = ["Jane Doe", "John Smith", "John Park", "Alex Kim", "Sam Lee"]


def resolved(
    tools: ToolRegistry, request: str, decision: Decision, *ranked: tuple[str, float]
) -> Resolution:
    candidates = tuple(Candidate(tools[name], p, p) for name, p in ranked)
    return Resolution(request, candidates, (), decision)


def plan(resolution: Resolution) -> LocalPlan | PartialPlan | Clarification | None:
    return plan_locally(resolution, DEMO_FACTS, now=NOW, contacts=CONTACTS)


def test_a_confident_request_with_every_argument_is_planned_on_the_device(
    tools: ToolRegistry,
) -> None:
    made = plan(resolved(tools, "set an alarm for 7am", Decision.LOCAL, ("set_alarm", 0.97)))
    assert isinstance(made, LocalPlan) and made.arguments == {"time": "07:00"}


def test_an_unsure_request_is_planned_when_only_one_candidate_explains_it(
    tools: ToolRegistry,
) -> None:
    made = plan(
        resolved(
            tools,
            "remind me to call the bank tomorrow",
            Decision.ENGINE,
            ("add_reminder", 0.51),
            ("append_to_note", 0.46),
        )
    )
    assert isinstance(made, LocalPlan) and made.tool.name == "add_reminder"


def test_two_candidates_that_both_explain_the_request_go_to_the_engine(
    tools: ToolRegistry,
) -> None:
    made = plan(
        resolved(
            tools,
            "lyft to work",
            Decision.ENGINE,
            ("lyft_book_ride", 0.52),
            ("lyft_get_quote", 0.46),
        )
    )
    assert isinstance(made, PartialPlan) and made.tool is not None


def test_a_missing_argument_hands_the_engine_what_was_read(tools: ToolRegistry) -> None:
    made = plan(
        resolved(tools, "schedule dentist on friday", Decision.LOCAL, ("create_event", 0.95))
    )
    assert isinstance(made, PartialPlan) and made.missing == ("start",)
    assert made.arguments == {"title": "dentist"} and "no time of day" in made.reason


def test_out_of_scope_has_no_plan(tools: ToolRegistry) -> None:
    assert (
        plan(resolved(tools, "order a pizza", Decision.OUT_OF_SCOPE, ("play_music", 0.1))) is None
    )
    assert plan(resolved(tools, "order a pizza", Decision.OUT_OF_SCOPE)) is None


def test_two_close_tools_are_asked_about_and_the_answer_plans_the_same_request(
    tools: ToolRegistry,
) -> None:
    question = plan(
        resolved(
            tools,
            "remind me to buy milk tomorrow",
            Decision.CLARIFY,
            ("add_reminder", 0.5),
            ("complete_reminder", 0.45),  # both can read "buy milk": the words do not settle it
        )
    )
    assert isinstance(question, Clarification) and question.parameter is None
    assert question.options == ("add a reminder", "mark a reminder as done")
    assert not any("_" in option for option in question.options)  # never a raw tool name
    made = answer_clarification(question, "add a reminder", DEMO_FACTS, now=NOW, contacts=CONTACTS)
    assert isinstance(made, LocalPlan)
    assert made.arguments == {"text": "buy milk", "due": "2026-03-05T09:00"}


def test_an_ambiguous_contact_is_asked_about_and_the_answer_fills_it(tools: ToolRegistry) -> None:
    question = plan(resolved(tools, "text John I'm outside", Decision.LOCAL, ("send_message", 0.9)))
    assert isinstance(question, Clarification) and question.parameter == "recipient"
    assert set(question.options) == {"John Smith", "John Park"}
    made = answer_clarification(question, "John Park", DEMO_FACTS, now=NOW, contacts=CONTACTS)
    assert isinstance(made, LocalPlan)
    assert made.arguments == {"recipient": "John Park", "body": "I'm outside"}
    assert made.filled["recipient"].source == "user"
    with pytest.raises(ValueError, match="not one of"):
        answer_clarification(question, "John Lennon", DEMO_FACTS, now=NOW)


def test_close_tools_are_not_asked_about_when_the_words_settle_it(tools: ToolRegistry) -> None:
    made = plan(
        resolved(
            tools,
            "show me the texts from sis please",
            Decision.CLARIFY,
            ("delete_conversation", 0.5),
            ("read_messages", 0.45),
        )
    )
    assert isinstance(made, LocalPlan) and made.tool.name == "read_messages"
    assert made.arguments == {"contact": "Sam Lee"}


@pytest.mark.parametrize(
    ("request_", "first", "second"),
    [
        ("timer", "start_timer", "cancel_timer"),
        ("lyft", "lyft_book_ride", "lyft_cancel_ride"),
        ("alarm", "set_alarm", "list_alarms"),
    ],
)
def test_two_close_tools_are_not_settled_by_a_second_that_read_no_value(
    tools: ToolRegistry, request_: str, first: str, second: str
) -> None:
    made = plan(resolved(tools, request_, Decision.CLARIFY, (first, 0.6), (second, 0.4)))
    assert isinstance(made, Clarification) and made.tools is not None
    assert [t.name for t in made.tools] == [first, second]


def test_an_unsure_choice_is_not_verified_by_a_rival_that_needs_no_value(
    tools: ToolRegistry,
) -> None:
    made = plan(
        resolved(
            tools, "uber", Decision.ENGINE, ("uber_book_ride", 0.72), ("uber_cancel_ride", 0.22)
        )
    )
    assert not isinstance(made, LocalPlan)


def test_a_reading_with_no_value_verifies_no_unsure_choice(tools: ToolRegistry) -> None:
    made = plan(
        resolved(
            tools, "cancel", Decision.ENGINE, ("lyft_cancel_ride", 0.88), ("cancel_timer", 0.07)
        )
    )
    assert not isinstance(made, LocalPlan)


def test_a_refuted_first_choice_lets_a_less_likely_fitting_one_plan(tools: ToolRegistry) -> None:
    made = plan(
        resolved(
            tools,
            "show me the texts from sis please",
            Decision.ENGINE,
            ("delete_conversation", 0.77),
            ("read_messages", 0.18),
        )
    )
    assert isinstance(made, LocalPlan) and made.tool.name == "read_messages"


def test_a_weekend_is_read_as_the_days_a_forecast_covers(tools: ToolRegistry) -> None:
    made = plan(resolved(tools, "weather this weekend", Decision.LOCAL, ("get_forecast", 0.97)))
    assert isinstance(made, LocalPlan) and made.arguments == {"when": "this weekend"}


def test_a_value_the_first_choice_cannot_hold_lets_the_one_that_holds_it_plan(
    tools: ToolRegistry,
) -> None:
    made = plan(
        resolved(
            tools,
            "what's the weather like this weekend",
            Decision.ENGINE,
            ("get_weather", 0.88),
            ("get_forecast", 0.11),
        )
    )
    assert isinstance(made, LocalPlan) and made.tool.name == "get_forecast"
    assert made.arguments == {"when": "this weekend"}


def test_an_offline_reply_says_what_the_device_read_and_what_is_missing(
    tools: ToolRegistry,
) -> None:
    from assistant_sdk.plan import what_was_read

    made = plan(resolved(tools, "text mom", Decision.LOCAL, ("send_message", 0.97)))
    assert isinstance(made, PartialPlan)
    said = what_was_read(made)
    assert "recipient: Jane Doe" in said and "body" in said and "send_message" not in said


def test_close_tools_are_not_asked_about_when_the_words_refute_the_second(
    tools: ToolRegistry,
) -> None:
    made = plan(
        resolved(
            tools,
            "remind me to buy milk tomorrow",
            Decision.CLARIFY,
            ("add_reminder", 0.5),
            ("append_to_note", 0.45),  # cannot place "remind"
        )
    )
    assert isinstance(made, LocalPlan) and made.tool.name == "add_reminder"
    assert made.arguments == {"text": "buy milk", "due": "2026-03-05T09:00"}


def test_an_ambiguous_contact_is_asked_about_even_with_words_the_device_did_not_place(
    tools: ToolRegistry,
) -> None:
    request = "yeah so um I need to call john real quick"
    question = plan(
        resolved(tools, request, Decision.ENGINE, ("call_contact", 0.82), ("get_contact", 0.11))
    )
    assert isinstance(question, Clarification) and question.parameter == "name"
    assert set(question.options) == {"John Smith", "John Park"}
    made = answer_clarification(question, "John Park", DEMO_FACTS, now=NOW, contacts=CONTACTS)
    assert isinstance(made, PartialPlan)  # the unplaced words still go to an engine
    assert made.arguments == {"name": "John Park"}


def test_an_ambiguous_contact_is_asked_about_when_no_tool_was_close_but_one_is_settled(
    tools: ToolRegistry,
) -> None:
    request = "John, let him know I've left the keys under the mat"
    question = plan(
        resolved(
            tools,
            request,
            Decision.OUT_OF_SCOPE,
            ("send_message", 0.53),
            ("delete_conversation", 0.12),
        )
    )
    assert isinstance(question, Clarification) and question.parameter == "recipient"


def test_an_ambiguous_contact_is_not_asked_about_while_another_tool_fits_as_well(
    tools: ToolRegistry,
) -> None:
    request = "tell John the meeting moved to 3pm"
    made = plan(
        resolved(
            tools,
            request,
            Decision.OUT_OF_SCOPE,
            ("send_message", 0.36),
            ("create_event", 0.33),  # "the meeting moved" at 3pm fits it too
        )
    )
    assert not isinstance(made, Clarification)
