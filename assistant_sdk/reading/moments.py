"""Dates, times, durations and counts in a request.

The words are found with patterns; their values come from ``dateparser`` (days, relative to
``now``, preferring the future) and ``text2num`` (numbers written as words). Clock times are
read from their digits. A day that does not exist ("February 30") is a mention with a problem,
never a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from .literals import Mention

__all__ = ["NUMBER", "When", "find_durations", "find_when", "number_value"]

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
_UNITS += "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
_UNITS += "eighty ninety hundred"
_WORDS = "|".join(_UNITS.split())
NUMBER = rf"(?:\d+(?:\.\d+)?|(?:{_WORDS})(?:[\s-]+(?:{_WORDS}))*)"
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DAY_ABBR = {"mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday"}
_DAY_ABBR |= {"thu": "thursday", "thur": "thursday", "thurs": "thursday", "fri": "friday"}
_DAY_ABBR |= {"sat": "saturday", "sun": "sunday"}
_DAY = rf"(?:{_DAYS}|{'|'.join(_DAY_ABBR)})"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_PART = r"(?:morning|afternoon|evening|night)"
_ORD = r"\d{1,2}(?:st|nd|rd|th)?"
_TOMORROW = "tmrw|tmrrw|tmr|tmw|tomoz|2moro|2morrow"
#: Written shortcuts, read as the words they stand for.
_SHORT = {w: "tomorrow" for w in _TOMORROW.split("|")} | {"tonite": "tonight"}
_DATE = re.compile(
    rf"\b(?:(?:the\s+)?day\s+after\s+tomorrow|today(?:'s)?|(?:tonight|tonite)(?:'s)?"
    rf"|(?:tomorrow|{_TOMORROW})(?:'s)?(?:\s+{_PART})?"
    rf"|this\s+{_PART}|in\s+the\s+{_PART}|at\s+night|(?:(?:next|this|coming|on)\s+)?{_DAY}(?:'s)?(?:\s+{_PART})?"
    rf"|(?:on\s+)?{_MONTH}\.?\s+(?:the\s+)?{_ORD}(?:,?\s+\d{{4}})?"
    rf"|(?:on\s+)?(?:the\s+)?{_ORD}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|in\s+{NUMBER}\s+(?:days?|weeks?)|next\s+week(?:end)?"
    rf"|this\s+weekend)\b",
    re.IGNORECASE,
)
_PART_ONLY = re.compile(rf"in\s+the\s+{_PART}|at\s+night", re.IGNORECASE)
_AMPM = r"(?:a\.?m\.?|p\.?m\.?)"
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_HOUR_WORD = rf"(?:{_ONES}|ten|eleven|twelve)"
_MINUTE_WORDS = (
    rf"(?:o(?:h)?[\s-]+(?:{_ONES})|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    rf"|seventeen|eighteen|nineteen|(?:twenty|thirty|forty|fifty)(?:[\s-]+(?:{_ONES}))?)"
)
_SPOKEN = rf"(?P<sh>{_HOUR_WORD})[\s-]+(?P<sm>{_MINUTE_WORDS})\b"
"""A clock time said as words, hour then minutes: "seven fifteen", "six forty-five", "nine oh
five"; read as a time only after "at", "by", "for" or "around", or before am/pm."""
_NOT_AFTER = r"(?!\s*(?:%|:|-|min|hour|hr|sec|day|week|people|person|guest|minute))"
_TIME = re.compile(
    rf"(?:\b(?:at|by|for|around|@)\s*)?(?:\b(?P<h>\d{{1,2}}):(?P<m>\d{{2}})\s*(?P<ap>{_AMPM})?"
    rf"|(?:(?<=\bat )|(?<=\bby )|(?<=\bfor )|(?<=\baround )){_SPOKEN}"
    rf"(?:\s*(?P<ap4>{_AMPM})(?![\w.]))?{_NOT_AFTER}"
    rf"|\b{_SPOKEN.replace('sh>', 'sh2>').replace('sm>', 'sm2>')}\s*(?P<ap5>{_AMPM})(?![\w.])"
    rf"|\b(?P<h2>\d{{1,2}}|{_WORDS})\s*(?P<ap2>{_AMPM}|o'clock)(?![\w.])"
    rf"|\b(?P<noon>noon|midday|midnight)\b"
    rf"|\b(?P<q>half past|quarter past|quarter to)\s+(?P<h3>\d{{1,2}}|{_WORDS})\b"
    rf"(?:\s*(?P<ap3>{_AMPM})(?![\w.]))?"
    rf"|\bhalf\s+(?P<h5>\d{{1,2}}|{_WORDS})\b(?!\s*(?:hour|min|sec|day|week))"
    rf"|(?:(?<=\bat )|(?<=\bfor ))(?P<h4>\d{{1,2}}|{_WORDS})\b"
    rf"(?!\s*(?:%|:|-|min|hour|hr|sec|day|week|people|person|guest|minute)))",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    rf"\bin\s+(?P<n>{NUMBER}|an?|half an?)\s+(?P<u>minutes?|mins?|hours?|hrs?|seconds?|secs?)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    rf"\b(?:(?P<half>half an? hour)|(?P<n>{NUMBER}|an?)(?P<andh>\s+and\s+a\s+half)?"
    rf"[\s-]*(?P<u>seconds?|secs?|s|minutes?|"
    rf"mins?|m|hours?|hrs?|h)(?P<and>\s+and\s+a\s+half)?"
    rf"(?:,?\s+(?:and\s+)?(?P<n2>{NUMBER})[\s-]*(?P<u2>minutes?|mins?|m|seconds?|secs?|s))?)\b",
    re.IGNORECASE,
)
_SECONDS = {"s": 1, "m": 60, "h": 3600}
PART_OF_DAY = {"morning": time(9), "afternoon": time(15), "evening": time(18), "night": time(20)}


@dataclass(frozen=True, slots=True)
class When:
    """What a request says about time: a day, a clock time, both, or an exact moment."""

    day: date | None = None
    clock: time | None = None
    part: str | None = None
    bare: bool = False
    """The clock time was an hour alone, without am or pm ("at 3")."""
    mentions: tuple[Mention, ...] = ()
    problem: str = ""


def number_value(text: str) -> float | None:
    text = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if text in ("a", "an"):
        return 1.0
    from text_to_num import text2num

    try:
        return float(text2num(text.replace("-", " "), "en"))
    except ValueError:
        return None


def find_when(request: str, now: datetime) -> When:
    """The day and clock time a request names, with the words that named them."""
    relative = _RELATIVE.search(request)
    if relative is not None:
        amount = _amount(relative["n"]) * _SECONDS[relative["u"][0].lower()]
        try:
            moment = now + timedelta(seconds=amount)
        except OverflowError:
            span = (Mention(relative.start(), relative.end()),)
            return When(None, None, None, False, span, f"{relative[0]!r} is too far away")
        found = Mention(relative.start(), relative.end(), moment)
        exact = moment.time().replace(second=0, microsecond=0)
        return When(moment.date(), exact, None, False, (found,))
    days = list(_DATE.finditer(request))
    clocks = [m for m in _TIME.finditer(request) if not _within(m, days)]
    parts = [m for m in days if _PART_ONLY.fullmatch(m[0])]
    if parts and len(days) > len(parts):
        days = [m for m in days if m not in parts]  # "tomorrow in the afternoon": one day
    else:
        parts = []
    if len(days) == 2 and _weekday_and_date(request, days[0], days[1]):
        weekday, dated = days
        day, part, problem = _day(dated[0], now)
        named, _, _ = _day(weekday[0], now)
        if day is not None and named is not None and day.weekday() != named.weekday():
            problem = f"{day:%B} {day.day} is a {day:%A}, not a {named:%A}"
        days = [dated]
        spans: tuple[Mention, ...] = (Mention(weekday.start(), weekday.end()),)
    else:
        spans = ()
    if len(days) > 1 or len(clocks) > 1:
        spans = tuple(Mention(m.start(), m.end()) for m in [*days, *clocks])
        return When(None, None, None, False, spans, "more than one day or time is named")
    if not spans:
        day, part, problem = _day(days[0][0], now) if days else (None, None, "")
    clock, clock_problem = _clock(clocks[0]) if clocks else (None, "")
    pairs: list[tuple[re.Match[str], object]] = [(m, day) for m in days]
    pairs += [(m, clock) for m in clocks]
    mentions = spans + tuple(Mention(m.start(), m.end(), v) for m, v in pairs)
    if parts:
        part = part or _day(parts[0][0], now)[1]
        mentions += tuple(Mention(m.start(), m.end()) for m in parts)
    bare = bool(clocks) and _bare(clocks[0], clock)
    return When(day, clock, part, bare, mentions, problem or clock_problem)


def _weekday_and_date(request: str, first: re.Match[str], second: re.Match[str]) -> bool:
    """ "Thursday March 12": a weekday right before a calendar date names one day."""
    between = request[first.end() : second.start()]
    weekday = re.fullmatch(rf"(?:on\s+)?{_DAY}", first[0], re.IGNORECASE) is not None
    return weekday and between.strip(" ,") == "" and not re.match(_DAY, second[0], re.I)


def _within(match: re.Match[str], others: list[re.Match[str]]) -> bool:
    return any(o.start() <= match.start() < o.end() for o in others)


def _day(text: str, now: datetime) -> tuple[date | None, str | None, str]:
    import dateparser

    words = [_SHORT.get(w, w) for w in (w.removesuffix("'s") for w in text.lower().split())]
    part = next((w for w in words if w in PART_OF_DAY), "night" if "tonight" in words else None)
    if words[:2] == ["in", "the"] or words == ["at", "night"]:
        return None, part, ""  # a part of the day, on no day in particular
    if "next" in words and any(w.startswith("week") for w in words):
        return None, part, f"{text!r} does not name one day"
    if "weekend" in words[-1]:
        return None, part, f"{text!r} does not name one day"
    dropped = {*PART_OF_DAY, "on", "coming", "this"}
    kept = [_DAY_ABBR.get(w, w) for w in words if w not in dropped]
    phrase = " ".join("today" if w == "tonight" else w for w in kept) or "today"
    settings: Any = {"RELATIVE_BASE": now, "PREFER_DATES_FROM": "future"}
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    if parsed is None:
        return None, part, f"{text!r} is not a day in the calendar"
    return parsed.date(), part, ""


def _clock(match: re.Match[str]) -> tuple[time | None, str]:
    if match["noon"]:
        return (time(0) if match["noon"].lower() == "midnight" else time(12)), ""
    if match["q"]:
        hour = int(_amount(match["h3"]))
        marker = (match["ap3"] or "").lower().replace(".", "")
        hour += 12 if marker == "pm" and hour != 12 else 0
        hour -= 12 if marker == "am" and hour == 12 else 0
        minute = {"half past": 30, "quarter past": 15, "quarter to": -15}[match["q"].lower()]
        moment = datetime(2000, 1, 1, hour % 24) + timedelta(minutes=minute)
        return moment.time(), ""
    if match["h5"]:  # "half ten": half past ten
        hour = int(_amount(match["h5"]))
        return (time(hour, 30), "") if 1 <= hour <= 12 else (None, f"{match[0]!r} is no time")
    spoken = match["sm"] or match["sm2"]
    hour = int(_amount(match["h"] or match["h2"] or match["h4"] or match["sh"] or match["sh2"]))
    minute = int(_amount(re.sub(r"^oh?[\s-]+", "", spoken))) if spoken else int(match["m"] or 0)
    marker = match["ap"] or match["ap2"] or match["ap4"] or match["ap5"] or ""
    marker = marker.lower().replace(".", "")
    if marker in ("am", "pm") and not 1 <= hour <= 12:
        return None, f"{match[0].strip()!r} is not a time of day"
    if marker == "pm" and hour != 12:
        hour += 12
    elif marker == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None, f"{match[0].strip()!r} is not a time of day"
    return time(hour, minute), ""


def _bare(match: re.Match[str], clock: time | None) -> bool:
    """An hour that could be morning or evening: no am/pm, no noon, not a 24-hour time."""
    marked = match["ap"] or match["ap3"] or match["ap4"] or match["ap5"] or match["noon"]
    marked = marked or (match["ap2"] and match["ap2"].lower() != "o'clock")
    return clock is not None and not marked and 1 <= clock.hour <= 12


def _amount(text: str) -> float:
    text = text.lower()
    if text.startswith("half"):
        return 0.5
    value = number_value(text)
    return 0.0 if value is None else value


def find_durations(request: str) -> list[Mention]:
    """Lengths of time ("20 minutes", "an hour and a half"), as seconds."""
    found: list[Mention] = []
    for match in _DURATION.finditer(request):
        if match["half"]:
            found.append(Mention(match.start(), match.end(), 1800.0))
            continue
        amount = number_value(match["n"])
        if amount is None or (len(match["u"]) == 1 and not match["n"][-1].isdigit()):
            continue
        unit = _SECONDS[match["u"][0].lower()]
        seconds = amount * unit
        if match["and"] or match["andh"]:  # "an hour and a half", "two and a half minutes"
            seconds += unit / 2
        if match["n2"]:
            seconds += (number_value(match["n2"]) or 0) * _SECONDS[match["u2"][0].lower()]
        found.append(Mention(match.start(), match.end(), seconds))
    return found
