from __future__ import annotations

import icalendar
import pytest
from sample_phone import Phone

from assistant_sdk.errors import ToolError


async def test_the_seeded_events_fall_in_the_coming_days(phone: Phone) -> None:
    events = await phone("list_events", date="2030-05-06", days=4)
    assert [e["title"] for e in events][:2] == ["Team standup", "Dentist appointment"]
    assert await phone("list_events", date="2030-05-01") == []


async def test_a_created_event_is_written_to_the_ics_file(phone: Phone) -> None:
    created = await phone(
        "create_event",
        title="Call with John",
        start="2030-05-08T14:00",
        duration_minutes=30,
        location="Zoom",
    )
    assert created["created"]["end"] == "2030-05-08T14:30"
    cal = icalendar.Calendar.from_ical((phone.data_dir / "calendar.ics").read_bytes())
    assert "Call with John" in [str(e["summary"]) for e in cal.walk("VEVENT")]
    listed = await phone.reopen()("list_events", date="2030-05-08")
    assert {
        "title": "Call with John",
        "start": "2030-05-08T14:00",
        "end": "2030-05-08T14:30",
        "location": "Zoom",
    } in listed


async def test_cancelling_an_event_removes_it(phone: Phone) -> None:
    result = await phone("cancel_event", title="dentist")
    assert result["cancelled"]["title"] == "Dentist appointment"
    assert "Dentist" not in (phone.data_dir / "calendar.ics").read_text()


async def test_an_event_title_matching_two_events_needs_a_date(phone: Phone) -> None:
    await phone("create_event", title="Lunch with Sam", start="2030-05-10T12:00")
    with pytest.raises(ToolError, match="give the date"):
        await phone("cancel_event", title="lunch")
    await phone("cancel_event", title="lunch", date="2030-05-10")
    assert len(await phone("list_events", date="2030-05-07")) == 2


async def test_free_time_is_the_gaps_between_events_in_the_day(phone: Phone) -> None:
    free = await phone("find_free_time", date="2030-05-07", duration_minutes=60)
    assert free == [
        {"start": "2030-05-07T08:00", "end": "2030-05-07T09:30"},
        {"start": "2030-05-07T10:30", "end": "2030-05-07T12:30"},
        {"start": "2030-05-07T13:30", "end": "2030-05-07T20:00"},
    ]


async def test_a_badly_written_date_is_a_tool_error_that_shows_the_format(phone: Phone) -> None:
    with pytest.raises(ToolError, match="YYYY-MM-DD"):
        await phone("list_events", date="next tuesday")
