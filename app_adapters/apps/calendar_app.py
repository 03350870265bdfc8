"""Calendar: events in one iCalendar (.ics) file, with local (floating) times."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import icalendar

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError
from assistant_sdk.types import Inverse

from ._store import AppDataError, Now, atomic_write_text, locked, parse_date, parse_datetime

__all__ = ["CalendarStore", "calendar_app"]

_DATA = ["calendar"]
DAY_START, DAY_END = time(8, 0), time(20, 0)


def _naive(value: Any) -> datetime:
    if not isinstance(value, date):
        raise ValueError(f"{value!r} is not a date or a date-time")
    if isinstance(value, datetime):
        return (
            value.replace(tzinfo=None)
            if value.tzinfo is None
            else value.astimezone().replace(tzinfo=None)
        )
    return datetime.combine(value, time(0, 0))


class CalendarStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> icalendar.Calendar:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            cal = icalendar.Calendar()
            cal.add("prodid", "-//assistant-sdk//sample calendar//EN")
            cal.add("version", "2.0")
            return cal
        try:
            return icalendar.Calendar.from_ical(raw)
        except Exception as exc:  # icalendar raises ValueError and others on malformed input
            raise AppDataError(self.path, f"not a valid iCalendar file: {exc}") from None

    def save(self, cal: icalendar.Calendar) -> None:
        atomic_write_text(self.path, cal.to_ical().decode("utf-8"))

    def events(self) -> list[dict[str, Any]]:
        found = []
        for number, ev in enumerate(self.load().walk("VEVENT"), 1):
            try:
                found.append(_event(ev))
            except Exception as exc:  # icalendar raises many types for values it cannot read
                problem = f"event {number}: {type(exc).__name__}: {exc}"
                raise AppDataError(self.path, problem) from None
        return sorted(found, key=lambda e: e["start"])

    def add(self, title: str, start: datetime, minutes: int, location: str | None) -> None:
        with locked(self.path):
            self._add(title, start, minutes, location)

    def _add(self, title: str, start: datetime, minutes: int, location: str | None) -> None:
        cal = self.load()
        event = icalendar.Event()
        event.add("uid", f"{uuid.uuid4()}@assistant-sdk")
        event.add("summary", title)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=minutes))
        event.add("dtstamp", datetime.now().astimezone())
        if location:
            event.add("location", location)
        cal.add_component(event)
        self.save(cal)

    def remove(self, uid: str) -> None:
        with locked(self.path):
            cal = self.load()
            cal.subcomponents = [c for c in cal.subcomponents if str(c.get("uid", "")) != uid]
            self.save(cal)


def _event(ev: icalendar.cal.Component) -> dict[str, Any]:
    start = _naive(ev.decoded("dtstart"))
    end = _naive(ev.decoded("dtend")) if "dtend" in ev else start + timedelta(hours=1)
    return {
        "title": str(ev.get("summary", "")),
        "start": start,
        "end": end,
        "location": str(ev["location"]) if "location" in ev else None,
        "uid": str(ev.get("uid", "")),
    }


def _public(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": event["title"],
        "start": event["start"].isoformat(timespec="minutes"),
        "end": event["end"].isoformat(timespec="minutes"),
        "location": event["location"],
    }


def _gaps(busy: list[dict[str, Any]], day: date, minutes: int) -> list[dict[str, str]]:
    cursor, close = datetime.combine(day, DAY_START), datetime.combine(day, DAY_END)
    free = []
    for event in busy:
        if event["start"] - cursor >= timedelta(minutes=minutes):
            free.append((cursor, event["start"]))
        cursor = max(cursor, event["end"])
    if close - cursor >= timedelta(minutes=minutes):
        free.append((cursor, close))
    return [
        {"start": a.isoformat(timespec="minutes"), "end": b.isoformat(timespec="minutes")}
        for a, b in free
    ]


def calendar_app(store: CalendarStore, now: Now) -> PythonApp:
    app = PythonApp("calendar")

    @app.tool(
        examples=[
            "what's on my calendar today",
            "what do I have tomorrow",
            "show my schedule for this week",
            "am I busy on Friday",
            "what's on {date}",
            "what do I have {date}",
            "show my calendar for {date}",
        ],
        risk="read",
        data_classes=_DATA,
    )
    def list_events(date: str, days: int = 1) -> list[dict[str, Any]]:
        """List calendar events starting on a date, or over several days.

        Args:
            date: The first day, YYYY-MM-DD.
            days: How many days to cover.
        """
        first = parse_date(date)
        last = first + timedelta(days=max(1, days))
        return [_public(e) for e in store.events() if first <= e["start"].date() < last]

    @app.tool(
        examples=[
            "add lunch with Sam tomorrow at noon",
            "schedule a dentist appointment",
            "put a meeting with my boss on Monday at 10 for 30 minutes",
            "add {title} to my calendar {start}",
            "schedule {title} {start} for {duration_minutes}",
            "book {title} {start} at {location}",
        ],
        risk="write",
        data_classes=_DATA,
        inverse=Inverse(
            "cancel_event", {"title": "result.created.title", "date": "result.created.start"}
        ),
    )
    def create_event(
        title: str, start: str, duration_minutes: int = 60, location: str | None = None
    ) -> dict[str, Any]:
        """Create a calendar event.

        Args:
            title: What the event is.
            start: When it starts, YYYY-MM-DDTHH:MM.
            duration_minutes: How long it lasts, in minutes.
            location: Where it happens.
        """
        if not 0 < duration_minutes <= 24 * 60 * 14:
            raise ToolError("An event lasts between 1 minute and 14 days")
        begins = parse_datetime(start)
        store.add(title.strip(), begins, duration_minutes, location)
        end = begins + timedelta(minutes=duration_minutes)
        return {
            "created": {
                "title": title.strip(),
                "start": begins.isoformat(timespec="minutes"),
                "end": end.isoformat(timespec="minutes"),
                "location": location,
            }
        }

    @app.tool(
        examples=[
            "cancel my dentist appointment",
            "delete the team lunch on Friday",
            "remove yoga from my calendar",
        ],
        risk="destructive",
        data_classes=_DATA,
    )
    def cancel_event(title: str, date: str | None = None) -> dict[str, Any]:
        """Cancel (delete) a calendar event.

        Args:
            title: The event's title, or a distinctive part of it.
            date: The day it is on, YYYY-MM-DD, when several events share the title.
        """
        # A start time (YYYY-MM-DDTHH:MM) picks one event of the day: how the undo of
        # create_event names the very event it made.
        at = parse_datetime(date) if date and "T" in date else None
        day = at.date() if at is not None else parse_date(date) if date else None
        needle = title.strip().casefold()
        found = [
            e
            for e in store.events()
            if needle in e["title"].casefold()
            and (day is None or e["start"].date() == day)
            and (at is None or e["start"] == at)
            and (day is not None or e["end"] >= now())
        ]
        if not found:
            raise ToolError(f"No upcoming event matches {title!r}")
        if len(found) > 1:
            raise ToolError(
                f"{title!r} matches {len(found)} events; give the date: "
                + "; ".join(f"{e['title']} {e['start']:%Y-%m-%d %H:%M}" for e in found)
            )
        store.remove(found[0]["uid"])
        return {"cancelled": _public(found[0])}

    @app.tool(
        examples=[
            "when am I free tomorrow",
            "find me an hour on Thursday",
            "do I have time for a 30 minute call today",
        ],
        risk="read",
        data_classes=_DATA,
    )
    def find_free_time(date: str, duration_minutes: int = 30) -> list[dict[str, str]]:
        """Find free slots between 08:00 and 20:00 on a day.

        Args:
            date: The day, YYYY-MM-DD.
            duration_minutes: The shortest slot worth listing, in minutes.
        """
        day = parse_date(date)
        busy = [e for e in store.events() if e["start"].date() <= day <= e["end"].date()]
        return _gaps(busy, day, max(1, duration_minutes))

    return app
