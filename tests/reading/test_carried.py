"""Values carried from an earlier call take the form the receiving parameter asks for."""

from __future__ import annotations

from assistant_sdk import Tool
from assistant_sdk.reading.typed import carried

_SCHEMA = {
    "type": "object",
    "properties": {
        "day": {"type": "string", "format": "date"},
        "at": {"type": "string", "description": "The time, HH:MM."},
        "start": {"type": "string", "description": "Start, YYYY-MM-DDTHH:MM."},
        "title": {"type": "string"},
    },
}
TOOL = Tool("plan", "Plan a thing.", "planner", _SCHEMA)


def test_a_date_and_time_becomes_its_day_for_a_date_parameter() -> None:
    assert carried(TOOL, {"day": "2026-03-07T11:00"}) == {"day": "2026-03-07"}


def test_a_date_and_time_becomes_its_clock_time_for_a_time_parameter() -> None:
    assert carried(TOOL, {"at": "2026-03-07T11:00:00"}) == {"at": "11:00"}


def test_a_day_alone_is_not_given_a_clock_time() -> None:
    assert carried(TOOL, {"start": "2026-03-07"}) == {"start": "2026-03-07"}


def test_values_that_are_not_dates_and_times_are_kept_as_they_are() -> None:
    values = {"title": "2026-03-07T11:00", "day": "saturday", "at": 5, "other": [1]}
    assert carried(TOOL, values) == values
