"""Phrasings of times, days, moments, durations and counts, composed from their parts.

Each generator picks a *shape* (a clock time said as digits, as words, British "half six",
"quarter to nine", with a part of the day...) and fills it with random parts, so the reader
learns how values are built rather than a list of them.
"""

from __future__ import annotations

import random

__all__ = ["clock", "count", "day", "duration", "moment", "number_words"]

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_SHORT_DAYS = "Mon Tue Tues Wed Thu Thurs Fri Sat Sun".split()
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_PARTS = ("morning", "afternoon", "evening", "night")
_CLOCK_PARTS = ("in the morning", "in the afternoon", "in the evening", "at night", "tonight")


def number_words(n: int) -> str:
    """0-999 in words ("forty two", "a hundred and five")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + ("" if unit == 0 else f" {_ONES[unit]}")
    hundreds, rest = divmod(n, 100)
    head = "a hundred" if hundreds == 1 else f"{_ONES[hundreds]} hundred"
    return head if rest == 0 else f"{head} and {number_words(rest)}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def count(rng: random.Random, low: int = 1, high: int = 12) -> str:
    """A number as digits or words."""
    n = rng.randint(low, high)
    return str(n) if rng.random() < 0.6 else number_words(n)


def _spoken_clock(hour: int, minute: int) -> str:
    if minute == 0:
        return number_words(hour)
    spoken = number_words(minute) if minute >= 10 else f"oh {number_words(minute)}"
    return f"{number_words(hour)} {spoken}"


def _relative_clock(rng: random.Random, hour: int) -> str:
    """British and spoken shapes counted from the hour: "half six", "quarter to nine"."""
    said = str(hour) if rng.random() < 0.5 else number_words(hour)
    shape = rng.choice(("half", "half past", "quarter past", "quarter to", "ten past", "to"))
    if shape == "to":
        return f"{rng.choice(('five', 'ten', 'twenty', '20', '10'))} to {said}"
    return f"{shape} {said}"


def clock(rng: random.Random) -> str:
    """A time of day: "7", "7:15", "7.30pm", "seven fifteen", "half six", "noon", "19:00"..."""
    hour, minute = rng.randint(1, 12), rng.choice((0, 0, 15, 30, 45, 5, 20, 10, 40, 50))
    shape = rng.randrange(11)
    suffix = rng.choice(("am", "pm", " am", " pm", "pm", " a.m.", " p.m.", "AM", " PM"))
    if shape == 0:
        return str(hour)
    if shape == 1:
        return f"{hour}:{minute:02d}"
    if shape == 2:
        return f"{hour}{suffix}"
    if shape == 3:
        return f"{hour}{rng.choice((':', '.'))}{minute:02d}{suffix}"
    if shape == 4:
        return _spoken_clock(hour, minute) + rng.choice(("", "", " am", " pm"))
    if shape == 5:
        return _relative_clock(rng, hour)
    if shape == 6:
        return rng.choice(("noon", "midnight", "midday", f"{hour} o'clock"))
    if shape == 7:
        return f"{rng.choice((str(hour), number_words(hour)))} {rng.choice(_CLOCK_PARTS)}"
    if shape == 8:
        return f"{rng.choice((str(hour), number_words(hour)))} o'clock"
    if shape == 9:
        return f"{rng.choice((str(hour), _spoken_clock(hour, minute)))} {suffix.strip()}"
    return f"{rng.randint(13, 23)}:{minute:02d}"


def day(rng: random.Random) -> str:
    """A day: "tomorrow", "next Friday", "March 3", "the 3rd", "Thursday week", "in 3 days"..."""
    shape = rng.randrange(10)
    weekday = rng.choice(_DAYS if rng.random() < 0.85 else _SHORT_DAYS)
    month, n = rng.choice(_MONTHS), rng.randint(1, 28)
    if shape == 0:
        return rng.choice(("today", "tomorrow", "tonight", "the day after tomorrow", "tmrw"))
    if shape == 1:
        return rng.choice(("", "next ", "this ", "on ", "this coming ")) + weekday
    if shape == 2:
        return rng.choice((f"{month} {n}", f"{month} {_ordinal(n)}", f"{month[:3]} {n}"))
    if shape == 3:
        return f"the {_ordinal(n)}" + rng.choice(("", f" of {month}"))
    if shape == 4:
        return f"{n} {month}" if rng.random() < 0.5 else f"{rng.randint(1, 12)}/{n}"
    if shape == 5:
        when = rng.choice(("tomorrow", weekday, "this", "Saturday", "Sunday"))
        return f"{when} {rng.choice(_PARTS)}"
    if shape == 6:
        return f"in {count(rng, 2, 9)} days" if rng.random() < 0.6 else "in a couple of days"
    if shape == 7:
        return f"{weekday} week" if rng.random() < 0.6 else f"a week on {weekday}"
    if shape == 8:
        return rng.choice(("next week", "this weekend", "next weekend", "over the weekend"))
    return f"{weekday} the {_ordinal(n)}"


def _relative(rng: random.Random) -> str:
    """A moment counted from now: "in 20 minutes", "in half an hour", "in two hours"."""
    shape = rng.randrange(3)
    if shape == 0:
        unit = rng.choice(("minutes", "mins", "hours", "min", "hrs"))
        return f"in {count(rng, 2, 50)} {unit}"
    if shape == 1:
        return rng.choice(("in an hour", "in half an hour", "in a minute", "in two hours"))
    return f"{count(rng, 5, 45)} minutes from now"


def moment(rng: random.Random) -> str:
    """A date and time in one of many orders: "tomorrow at 9", "7pm Friday", "at 6"..."""
    shape = rng.randrange(7)
    if shape == 0:
        return day(rng)
    if shape == 1:
        return f"{day(rng)} at {clock(rng)}"
    if shape == 2:
        return f"{clock(rng)} {day(rng)}"
    if shape == 3:
        return _relative(rng)
    if shape == 4:
        return f"at {clock(rng)}"
    if shape == 5:
        return f"at {clock(rng)} {day(rng)}"
    return rng.choice(("tonight", "this evening", "this afternoon", "first thing tomorrow"))


def duration(rng: random.Random) -> str:
    """A length of time: "10 minutes", "half an hour", "90 secs", "an hour and a half"..."""
    shape = rng.randrange(6)
    if shape == 0:
        unit = rng.choice(("second", "minute", "minute", "hour"))
        return f"{count(rng, 2, 90)} {unit}s"
    if shape == 1:
        return rng.choice(
            ("an hour", "half an hour", "a minute", "an hour and a half", "a quarter of an hour")
        )
    if shape == 2:
        return f"{rng.randint(2, 90)} {rng.choice(('mins', 'min', 'minutes', 'hrs', 'secs', 's'))}"
    if shape == 3:
        return f"{count(rng, 1, 3)} hours and {count(rng, 5, 50)} minutes"
    if shape == 4:
        whole, unit = (
            rng.choice(("one", "two", "three", "1", "2")),
            rng.choice(("minutes", "hours")),
        )
        return f"{whole} and a half {unit}"
    return rng.choice(("a couple of minutes", "ninety seconds", "two minutes", "a half hour"))
