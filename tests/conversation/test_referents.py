"""Turns that give only a value, or point at the last entity, read against the last action."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from assistant_sdk import Tool
from assistant_sdk.conversation._bare_value import bare_value

from .conftest import Phone

pytestmark = pytest.mark.slow


def plan_of(reply):  # type: ignore[no-untyped-def]
    return next(s for s in reversed(reply.steps) if s.kind == "plan")


def test_a_bare_value_changes_the_one_parameter_of_the_last_action_that_reads_it(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("set an alarm for 7")
    plan = plan_of(conversation.handle("make it 8"))
    assert plan.name == "set_alarm" and plan.detail["changed"] == {"time": "08:00"}
    assert plan.detail["carried_from"] == 0


def test_a_bare_value_that_two_parameters_accept_changes_neither() -> None:
    schema = {
        "type": "object",
        "properties": {"adults": {"type": "integer"}, "nights": {"type": "integer"}},
    }
    tool = Tool("book_room", "Book a hotel room.", "hotel", schema, risk="write")  # type: ignore[arg-type]
    assert bare_value("make it 3", tool, (), now=datetime(2026, 3, 4)) is None


def test_it_after_an_alarm_names_that_alarm_for_the_tool_the_turn_asks_for(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("set an alarm for 6:15")
    reply = conversation.handle("actually delete it")
    plan = plan_of(reply)
    assert plan.name == "delete_alarm" and plan.detail["referent"] == {"it": {"time": "06:15"}}
    assert phone.asked == [("delete_alarm", {"time": "06:15"})]  # destructive: asked first
    assert reply.tool_runs[-1].is_error  # and declined


def test_it_in_a_request_for_another_apps_tool_inherits_nothing(phone: Phone) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("set an alarm for 6:15")
    reply = conversation.handle("what is it like in Paris")
    assert [(r.tool, dict(r.arguments)) for r in reply.tool_runs] == [
        ("get_weather", {"location": "Paris"})
    ]
    assert "carried_from" not in plan_of(reply).detail


def test_a_new_value_for_the_entitys_own_field_is_not_read_as_an_action_on_it(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("set an alarm for 6:30")
    reply = conversation.handle("and label it gym")
    assert not phone.asked and "delete_alarm" not in [r.tool for r in reply.tool_runs]


def test_it_after_a_call_that_never_ran_points_at_nothing(phone: Phone) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("get me a quote for a ride to work")  # left to an engine: none here
    reply = conversation.handle("book it")
    assert not reply.tool_runs and reply.planned_by == "none"


def test_an_undo_the_gate_would_let_run_unasked_is_still_asked_first(phone: Phone) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("set a timer for 5 minutes")
    reply = conversation.handle("no, 8 minutes")  # cancel_timer writes without confirmation
    assert [r.tool for r in reply.tool_runs] == ["start_timer", "cancel_timer"]
    assert phone.asked == [("cancel_timer", {})] and reply.tool_runs[-1].is_error


def test_a_value_another_tool_could_take_changes_the_understood_search_not_a_timer(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    first = conversation.handle("when am I free on friday for 30 minutes")
    assert [r.tool for r in first.tool_runs] == ["find_free_time"]
    reply = conversation.handle("make it 90 minutes")  # a longer slot, or a 90-minute timer?
    assert [(r.tool, dict(r.arguments)) for r in reply.tool_runs] == [
        ("find_free_time", {"date": "2026-03-06", "duration_minutes": 90})
    ]


def test_book_it_after_a_quote_from_the_app_the_user_does_not_prefer_books_with_that_app(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()  # the profile prefers Lyft
    conversation.handle("get me a quote for an uber to work")
    reply = conversation.handle("book it")
    plan = plan_of(reply)
    assert plan.name == "uber_book_ride" and plan.detail["carried_from"] == 0
    assert [(r.tool, dict(r.arguments), r.is_error) for r in reply.tool_runs] == [
        ("uber_book_ride", {"destination": "400 Market Street, Springfield"}, False)
    ]
    adapter = phone.registry.adapter_for("uber_cancel_ride")
    assert adapter is not None
    asyncio.run(adapter.call("uber_cancel_ride", {}))  # the shared profile has no ride left
