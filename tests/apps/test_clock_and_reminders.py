from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sample_phone import NOW, Phone

from assistant_sdk.errors import ToolError


async def test_an_alarm_survives_a_restart(phone: Phone) -> None:
    await phone("set_alarm", time="7:00", label="Gym")
    assert await phone.reopen()("list_alarms") == [
        {"time": "07:00", "label": "Gym", "enabled": True}
    ]


async def test_alarms_are_listed_in_time_order(phone: Phone) -> None:
    for time in ("22:30", "06:45", "12:00"):
        await phone("set_alarm", time=time)
    assert [a["time"] for a in await phone("list_alarms")] == ["06:45", "12:00", "22:30"]


async def test_deleting_an_alarm_by_label_ignores_case_and_keeps_the_others(phone: Phone) -> None:
    await phone("set_alarm", time="07:00", label="Gym")
    await phone("set_alarm", time="08:00")
    deleted = await phone("delete_alarm", label="gym")
    assert [a["time"] for a in deleted["deleted"]] == ["07:00"]
    assert [a["time"] for a in await phone("list_alarms")] == ["08:00"]


async def test_deleting_an_alarm_that_does_not_exist_is_an_error(phone: Phone) -> None:
    with pytest.raises(ToolError, match="No alarm"):
        await phone("delete_alarm", time="05:00")


async def test_a_time_that_is_not_hh_mm_is_refused(phone: Phone) -> None:
    with pytest.raises(ToolError, match="HH:MM"):
        await phone("set_alarm", time="7am")


async def test_a_timer_ends_its_duration_after_now(phone: Phone) -> None:
    started = await phone("start_timer", duration_seconds=540, label="pasta")
    assert started["timer_started"]["ends_at"] == (NOW + timedelta(seconds=540)).isoformat()


async def test_cancel_timer_stops_the_labelled_timer(phone: Phone) -> None:
    await phone("start_timer", duration_seconds=600, label="pasta")
    await phone("start_timer", duration_seconds=60, label="tea")
    cancelled = await phone.reopen()("cancel_timer", label="Pasta")
    assert cancelled["cancelled"]["label"] == "pasta"
    assert (await phone("cancel_timer"))["cancelled"]["label"] == "tea"
    with pytest.raises(ToolError, match="No timer"):
        await phone("cancel_timer")


async def test_a_timer_that_has_run_out_cannot_be_cancelled(phone: Phone) -> None:
    await phone("start_timer", duration_seconds=60)
    later = Phone(phone.data_dir, now=lambda: datetime(2030, 5, 6, 10, 0))
    with pytest.raises(ToolError, match="No timer"):
        await later("cancel_timer")


async def test_reminders_are_listed_soonest_first_and_completed_ones_hidden(phone: Phone) -> None:
    await phone("add_reminder", text="call the bank")
    await phone("add_reminder", text="buy milk", due="2030-05-07T18:00")
    await phone("add_reminder", text="pay rent", due="2030-05-06T12:00")
    assert [r["text"] for r in await phone("list_reminders")] == [
        "pay rent",
        "buy milk",
        "call the bank",
    ]
    await phone.reopen()("complete_reminder", text="MILK")
    assert [r["text"] for r in await phone("list_reminders")] == ["pay rent", "call the bank"]
    done = await phone("list_reminders", include_done=True)
    assert {r["text"]: r["done"] for r in done}["buy milk"] is True


async def test_completing_a_vague_reminder_lists_the_candidates(phone: Phone) -> None:
    await phone("add_reminder", text="call the bank")
    await phone("add_reminder", text="call the plumber")
    with pytest.raises(ToolError, match="matches 2 reminders"):
        await phone("complete_reminder", text="call")
