"""The day or days a user names for a forecast: one day ("tomorrow", "Friday", "May 10"), a
span of the calendar ("this weekend", "next week", "the next 4 days"), or the days from one
named day to another ("Saturday and Sunday", "Friday to Monday", "2030-05-10 to 2030-05-12").

Single days are read by ``dateparser`` relative to today, preferring the future. Spans are read
from the calendar's own units (a weekend, a week, a number of days), so "next weekend" and
"this week" follow from the same rule as "this weekend". What names no day is an error that
quotes the words, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from assistant_sdk.errors import ToolError

__all__ = ["Days", "read_days"]

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNIT = re.compile(r"\b(?:(?P<n>[\w-]+)\s+)?(?P<unit>weekend|week|days?)s?\b", re.IGNORECASE)
_SATURDAY = 5


@dataclass(frozen=True, slots=True)
class Days:
    """An inclusive run of days, ``first`` to ``last``."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ToolError(f"{self.last} comes before {self.first}")

    @property
    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def read_days(text: str, today: date) -> Days:
    """The days ``text`` names, counted from ``today``; ``ToolError`` when it names none."""
    said = text.strip()
    isos = _ISO.findall(said)
    if isos:
        days = [_iso(d) for d in isos]
        return Days(min(days), max(days))
    unit = _UNIT.search(said)
    if unit is not None and not (unit["unit"].lower().startswith("day") and not _count(unit["n"])):
        return _span(unit, today)
    days = _named_days(said, today)
    if not days:
        raise ToolError(
            f"{said!r} names no day I can read: say a day such as tomorrow, Friday or this weekend"
        )
    first, last = days[0], days[-1]
    while last < first and (first - last).days < 7:  # "Friday to Monday": the Monday after
        last += timedelta(days=7)
    return Days(first, last)


def _iso(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{value} is not a day in the calendar") from None


def _span(unit: re.Match[str], today: date) -> Days:
    """A weekend, a week, or a number of days or weeks from today; "next" moves a weekend or a
    week one along."""
    kind = unit["unit"].lower()
    count = _count(unit["n"])
    later = unit["n"] is not None and unit["n"].lower() == "next"
    if count is not None and not kind.startswith("weekend"):  # "4 days", "two weeks"
        length = count * (1 if kind.startswith("day") else 7)
        return Days(today, today + timedelta(days=max(length, 1) - 1))
    if kind == "weekend":
        saturday = today + timedelta(days=(_SATURDAY - today.weekday()) % 7)
        if today.weekday() == 6:  # Sunday: this weekend is today
            saturday = today - timedelta(days=1)
        if later:
            saturday += timedelta(days=7)
        return Days(max(saturday, today), saturday + timedelta(days=1))
    monday = today - timedelta(days=today.weekday())
    if later:
        monday += timedelta(days=7)
    return Days(max(monday, today), monday + timedelta(days=6))


def _count(word: str | None) -> int | None:
    """A number of days, in digits or words ("4", "four"); None when ``word`` is no number."""
    if word is None:
        return None
    if word.isdigit():
        return int(word)
    from text_to_num import text2num

    try:
        return int(text2num(word.lower(), "en"))
    except ValueError:
        return None


def _named_days(said: str, today: date) -> list[date]:
    """The days ``said`` names, in the order it names them ("Saturday and Sunday": two)."""
    import dateparser

    base = datetime.combine(today, datetime.min.time())
    settings: Any = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"}
    parsed = dateparser.parse(said, languages=["en"], settings=settings)
    if parsed is not None:
        return [parsed.date()]
    from dateparser.search import search_dates

    found = search_dates(said, languages=["en"], settings=settings) or []
    return [moment.date() for _, moment in found]
