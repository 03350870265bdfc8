"""A conversation on the device: follow-ups carried over, questions answered, repairs."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from assistant_sdk import ConversationFileError, InvalidRequestError, Reply
from assistant_sdk.conversation import NOTHING_TO_FOLLOW, Conversation

from .conftest import NOW, Phone

pytestmark = pytest.mark.slow


def plan_of(reply):  # type: ignore[no-untyped-def]
    return next(s for s in reversed(reply.steps) if s.kind == "plan")


def test_a_follow_up_that_only_changes_the_day_is_planned_on_the_device_from_the_last_turn(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("what's on my calendar tomorrow")
    reply = conversation.handle("and Friday?")
    plan = plan_of(reply)
    assert reply.planned_by == "device" and reply.usage.input_tokens == 0
    assert plan.name == "list_events" and plan.detail["arguments"] == {"date": "2026-03-06"}
    assert plan.detail["carried_from"] == 0 and plan.detail["changed"] == {"date": "2026-03-06"}


def test_a_day_alone_after_a_forecast_changes_its_day_though_alone_it_would_read_as_the_calendar(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("weather in Paris")
    reply = conversation.handle("and Friday?")
    plan = plan_of(reply)
    assert reply.planned_by == "device" and plan.name == "get_weather"
    assert plan.detail["arguments"] == {"location": "Paris", "date": "2026-03-06"}


def test_a_carried_over_argument_keeps_its_value_and_says_which_turn_it_came_from(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("what's the weather in Paris")
    conversation.handle("what about Texas?")
    plan = plan_of(conversation.handle("and tomorrow?"))
    assert plan.detail["arguments"] == {"location": "Texas", "date": "2026-03-05"}
    assert (
        plan.detail["sources"]["location"] == "turn:1" and conversation.turns[2].carried_from == 1
    )


def test_a_topic_switch_does_not_inherit_the_last_action(phone: Phone) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("what's the weather in Paris")
    plan = plan_of(conversation.handle("what's on my calendar tomorrow"))
    assert plan.name == "list_events" and "carried_from" not in plan.detail


def test_a_pending_question_is_answered_by_its_number_or_by_an_options_words(phone: Phone) -> None:
    for answer, expected in (
        ("2", "John Smith"),
        ("Park", "John Park"),
        ("the first one", "John Park"),
    ):
        conversation = phone.assistant().conversation()
        assert conversation.handle("call John").clarification is not None
        reply = conversation.handle(answer)
        assert reply.tool_runs[-1].arguments == {"name": expected}, answer


def test_a_new_request_typed_at_a_question_starts_a_new_turn_instead_of_being_lost(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("call John")
    reply = conversation.handle("what's on my calendar tomorrow")
    assert reply.clarification is None and reply.tool_runs[-1].tool == "list_events"
    assert conversation.pending is None


def test_the_other_one_picks_the_value_not_used_last_time(phone: Phone) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("call John")
    conversation.handle("John Smith")
    reply = conversation.handle("the other John")
    assert reply.tool_runs[-1].arguments == {"name": "John Park"}


def test_never_mind_drops_the_pending_question_and_does_nothing(phone: Phone) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("call John")
    reply = conversation.handle("never mind")
    assert reply.text == "OK, nothing was done." and not reply.tool_runs
    assert conversation.pending is None


def test_a_correction_of_a_write_offers_the_undo_and_runs_it_only_after_a_yes(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("set an alarm for 7")
    reply = conversation.handle("make it 7:30")
    assert [r.tool for r in reply.tool_runs] == ["set_alarm", "delete_alarm"]
    assert phone.asked == [("delete_alarm", {"time": "07:00"})]
    assert reply.tool_runs[-1].is_error and "kept" in reply.text  # the user said no
    phone.answer = True
    reply = conversation.handle("no, 8:15")
    assert not reply.tool_runs[-1].is_error and "undone" in reply.text


def test_a_turn_that_repeats_the_last_values_is_no_correction_and_undoes_nothing(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("set an alarm for 6")
    reply = conversation.handle("alarm 6am")
    assert "delete_alarm" not in [r.tool for r in reply.tool_runs] and not phone.asked
    assert "carried_from" not in plan_of(reply).detail


def test_the_same_pronoun_names_the_person_of_the_last_turn(phone: Phone) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("text mom I'm running late")
    reply = conversation.handle("call her")
    assert reply.tool_runs[-1].arguments == {"name": "Jane Doe"}
    assert plan_of(reply).detail["referent"] == {"her": "Jane Doe"}


def test_an_expired_context_is_not_carried_into_a_new_request(phone: Phone) -> None:
    assistant = phone.assistant()
    conversation = assistant.conversation(expire_after=timedelta(minutes=5))
    conversation.handle("what's the weather in Paris")
    assistant.clock = lambda: NOW + timedelta(minutes=6)
    reply = conversation.handle("what about Texas?")
    assert reply.steps[0].name == "expired" and "carried_from" not in str(reply.steps)
    assert len(conversation.turns) == 1


def test_a_follow_up_with_no_earlier_turn_is_not_guessed(phone: Phone) -> None:
    reply = phone.assistant().conversation().handle("and Friday?")
    assert not reply.tool_runs and reply.text == NOTHING_TO_FOLLOW


def test_the_conversation_keeps_at_most_max_turns(phone: Phone) -> None:
    conversation = phone.assistant().conversation(max_turns=2)
    for city in ("Paris", "Rome", "Oslo"):
        conversation.handle(f"what's the weather in {city}")
    assert [t.request[-4:] for t in conversation.turns] == ["Rome", "Oslo"]
    assert len(conversation.history.turns) == 2


def test_an_empty_turn_is_a_typed_error(phone: Phone) -> None:
    with pytest.raises(InvalidRequestError):
        phone.assistant().conversation().handle("  ")


def test_a_saved_conversation_loads_and_carries_on(phone: Phone, tmp_path: Path) -> None:
    assistant = phone.assistant()
    conversation = assistant.conversation()
    conversation.handle("what's the weather in Paris")
    conversation.handle("call John")
    conversation.save(tmp_path / "c.json")
    loaded = Conversation.load(tmp_path / "c.json", assistant)
    assert loaded.pending is not None and len(loaded.turns) == 2
    assert loaded.handle("Park").tool_runs[-1].arguments == {"name": "John Park"}


def test_a_corrupt_conversation_file_is_a_typed_error(phone: Phone, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    for text in ("{not json", '{"format": "assistant-sdk/conversation", "version": 1}', "[]"):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConversationFileError):
            Conversation.load(path, phone.assistant())


def test_a_conversation_saved_over_another_catalogue_is_refused(
    phone: Phone, tmp_path: Path
) -> None:
    assistant = phone.assistant()
    conversation = assistant.conversation()
    conversation.handle("what's the weather in Paris")
    conversation.save(tmp_path / "c.json")
    tool = assistant.registry.remove("pause_music")
    try:
        with pytest.raises(ConversationFileError, match="another catalogue"):
            Conversation.load(tmp_path / "c.json", assistant)
    finally:
        assistant.registry.add(tool)


def test_a_front_end_that_stops_reading_at_the_reply_still_keeps_the_turn(phone: Phone) -> None:
    conversation = phone.assistant().conversation()

    async def first_reply() -> None:
        async for event in conversation.stream("what's the weather in Paris"):
            if isinstance(event, Reply):
                break

    asyncio.run(first_reply())
    assert len(conversation.turns) == 1
    assert plan_of(conversation.handle("what about Texas?")).detail["carried_from"] == 0


def test_never_mind_right_after_a_write_offers_its_undo_and_asks_first(phone: Phone) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("set an alarm for 6:30 am")
    reply = conversation.handle("never mind")
    assert phone.asked == [("delete_alarm", {"time": "06:30"})]
    assert reply.tool_runs[-1].is_error and reply.text == "Nothing was undone."


def test_a_declined_write_can_still_be_corrected(phone: Phone) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("get me a ride to work")  # the user says no to the booking
    reply = conversation.handle("to home instead")
    plan = plan_of(reply)
    assert plan.name == "lyft_book_ride" and plan.detail["carried_from"] == 0
    assert plan.detail["arguments"] == {"destination": "12 Oak Street, Springfield"}
    assert [r.tool for r in reply.tool_runs] == ["lyft_book_ride"]  # nothing ran to undo


def test_a_pronoun_with_no_referent_is_not_guessed(phone: Phone) -> None:
    reply = phone.assistant().conversation().handle("call her")
    assert not reply.tool_runs


def test_a_topic_switch_after_a_changed_preference_uses_the_preferred_app(phone: Phone) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("book a ride to work")
    reply = conversation.handle("book an uber to work")
    assert plan_of(reply).name == "uber_book_ride" and "carried_from" not in plan_of(reply).detail


def test_a_follow_up_naming_an_ambiguous_person_asks_and_keeps_the_rest_of_the_call(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("text mom I'm running late")
    question = conversation.handle("and John too")
    assert question.clarification is not None
    assert set(question.clarification.options) == {"John Park", "John Smith"}
    reply = conversation.handle("Park")
    assert reply.tool_runs[-1].arguments == {"recipient": "John Park", "body": "I'm running late"}
    assert plan_of(reply).detail["carried_from"] == 0


def test_a_follow_ups_question_survives_saving_and_keeps_the_carried_call(
    phone: Phone, tmp_path: Path
) -> None:
    assistant = phone.assistant()
    conversation = assistant.conversation()
    conversation.handle("text mom I'm running late")
    conversation.handle("and John too")
    conversation.save(tmp_path / "c.json")
    reply = Conversation.load(tmp_path / "c.json", assistant).handle("2")
    assert reply.tool_runs[-1].arguments == {"recipient": "John Smith", "body": "I'm running late"}


def test_a_question_the_facts_answer_is_not_read_as_a_change_of_the_last_call(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("call mom")
    reply = conversation.handle("who is my boss")
    assert not reply.tool_runs and "Alex Kim" in reply.text


def test_bare_values_the_resolver_gives_another_tool_go_to_the_engine_not_that_tool(
    phone: Phone,
) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("find me a free hour on friday")  # not understood on the device
    reply = conversation.handle("make it monday")
    assert not reply.tool_runs and plan_of(reply).detail["planned_by"] == "engine"


def test_a_corrected_event_is_undone_by_its_declared_inverse_which_cancels_only_that_event(
    phone: Phone,
) -> None:
    phone.answer = True
    conversation = phone.assistant().conversation()
    conversation.handle("add lunch with Sam tomorrow at noon")
    reply = conversation.handle("no, at 1pm")
    assert [r.tool for r in reply.tool_runs] == ["create_event", "cancel_event"]
    undo = reply.tool_runs[-1]
    assert dict(undo.arguments) == {"title": "lunch with Sam", "date": "2026-03-05T12:00"}
    assert not undo.is_error and '"start": "2026-03-05T12:00"' in undo.result


def test_a_correction_whose_call_fails_keeps_the_earlier_write(phone: Phone) -> None:
    conversation = phone.assistant().conversation()
    conversation.handle("get me a ride to work")
    reply = conversation.handle("to home instead")  # the app refuses a second booking
    assert [(r.tool, r.is_error) for r in reply.tool_runs] == [("lyft_book_ride", True)]


def test_a_saved_question_keeps_why_its_answer_must_not_run_on_the_device(
    phone: Phone, tmp_path: Path
) -> None:
    assistant = phone.assistant()
    conversation = assistant.conversation()
    asked = conversation.handle("call John")
    assert asked.clarification is not None
    reason = "one call now would not do what was asked (when I get home)"
    conversation.pending = dataclasses.replace(
        asked, clarification=dataclasses.replace(asked.clarification, refused=reason)
    )
    conversation.save(tmp_path / "c.json")
    loaded = Conversation.load(tmp_path / "c.json", assistant)
    assert loaded.pending is not None and loaded.pending.clarification is not None
    assert loaded.pending.clarification.refused == reason
    assert not loaded.handle("Park").tool_runs  # the answer goes to an engine, not the device
