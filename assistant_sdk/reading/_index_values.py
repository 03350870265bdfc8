"""The values the index fills annotated examples with: a frozen copy of the first generators.

The index's copy of a phrase must not move when the generators that train the reader
change (``reading.values``): the resolver is calibrated on what it embeds. These draw the
same values, per tool, as when the index was first built from annotated phrases.

Formerly: values to say for a parameter, by its kind.

Each kind has a generator that composes its phrasings (a clock time as "7", "7:15", "seven
fifteen", "half six", "quarter to 8", "7pm"; a day as "tomorrow", "Thursday", "next Friday",
"March 3rd"...), so the reader learns the shapes of values, not a list of them. People and
places come from the user's own contacts, aliases and saved places when they are given.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from ..slots import Kind, kind_of, tool_properties
from ..types import Tool
from .values import Vocabulary

__all__ = ["sampler_for"]

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
_ONES += "fifteen sixteen seventeen eighteen nineteen"
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTHS = "January February March April May June July August September October November December"
_PARTS = ("morning", "afternoon", "evening", "night")
_UNITS = ("second", "minute", "hour")
_NAMES = "Sam Alex Priya Tom Maria Jun Olu Nadia Ben Chloe Omar Lena Dave Aisha Kim Luca".split()
_SURNAMES = "Smith Park Okafor Rossi Chen Novak Haddad Brown".split()
_CITIES = "Paris Leeds Lagos Austin Kyoto Lisbon Denver Manchester Toronto Seoul".split()
_STREETS = "Oak Pine Market Station King Mill Church High".split()
_STREET_KINDS = ("Street", "Road", "Lane", "Avenue")
_PHRASES = (
    "milk, the car keys, my passport, the dentist, concert tickets, the rent, gym, the report, "
    "slides for Monday, the plants, laundry, mum's birthday, the bins, the boiler, guitar lesson, "
    "flight home, dinner plans, the project budget, running late, on my way, call me back, "
    "see you soon, the meeting moved, train is delayed, pick up the kids, book club, "
    "pay the phone bill, water the garden, jazz, workout mix, focus, coffee with Sam, "
    "notes from class, wifi password, packing list, recipes, holiday ideas, happy birthday, "
    "thanks for dinner, I'll be there in 10, can we talk later, the invoice, road trip, "
    "Hey Jude, Clair de Lune, something by Adele, the Beatles, renew the insurance, "
    "book the vet, take out the chicken, gift ideas, sunscreen, eggs and butter, chill"
).split(", ")


def number_words(n: int) -> str:
    """0-99 in words ("forty two")."""
    ones = _ONES.split()
    if n < 20:
        return ones[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens] + ("" if unit == 0 else f" {ones[unit]}")


def _count(rng: random.Random, low: int = 1, high: int = 12) -> str:
    n = rng.randint(low, high)
    return str(n) if rng.random() < 0.6 else number_words(n)


def _clock(rng: random.Random) -> str:
    hour, minute = rng.randint(1, 12), rng.choice((0, 0, 15, 30, 45, 5, 20, 10))
    shape = rng.randrange(8)
    if shape == 0:
        return str(hour)
    if shape == 1:
        return f"{hour}:{minute:02d}"
    if shape == 2:
        return f"{hour}{rng.choice(('am', 'pm', ' am', ' pm', 'pm'))}"
    if shape == 3:
        return f"{hour}:{minute:02d} {rng.choice(('am', 'pm'))}"
    if shape == 4:
        spoken = number_words(minute) if minute >= 10 else f"oh {number_words(minute)}"
        return f"{number_words(hour)}" + ("" if minute == 0 else f" {spoken}")
    if shape == 5:
        return f"{rng.choice(('half', 'quarter past', 'quarter to', 'half past'))} {hour}"
    if shape == 6:
        return rng.choice(("noon", "midnight", f"{hour} o'clock"))
    return f"{rng.randint(13, 23)}:{minute:02d}"


def _day(rng: random.Random) -> str:
    shape = rng.randrange(7)
    if shape == 0:
        return rng.choice(("today", "tomorrow", "tonight", "the day after tomorrow"))
    if shape == 1:
        return rng.choice(("", "next ", "this ", "on ")) + rng.choice(_DAYS)
    if shape == 2:
        return f"{rng.choice(_MONTHS.split())} {rng.randint(1, 28)}"
    if shape == 3:
        n = rng.randint(1, 28)
        suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd"}.get(n, "th")
        return f"the {n}{suffix}" + rng.choice(("", f" of {rng.choice(_MONTHS.split())}"))
    if shape == 4:
        return f"{rng.choice(('tomorrow', rng.choice(_DAYS)))} {rng.choice(_PARTS)}"
    if shape == 5:
        return f"in {_count(rng, 2, 9)} days"
    return f"{rng.choice(_DAYS)} week"


def _moment(rng: random.Random) -> str:
    shape = rng.randrange(5)
    if shape == 0:
        return _day(rng)
    if shape == 1:
        return f"{_day(rng)} at {_clock(rng)}"
    if shape == 2:
        return f"{_clock(rng)} {_day(rng)}"
    if shape == 3:
        return f"in {_count(rng, 1, 50)} {rng.choice(('minutes', 'hours', 'mins'))}"
    return f"at {_clock(rng)}"


def _duration(rng: random.Random) -> str:
    shape = rng.randrange(4)
    unit = rng.choice(_UNITS[1:] if shape else _UNITS)
    if shape == 0:
        return f"{_count(rng, 2, 90)} {unit}s"
    if shape == 1:
        return rng.choice(("an hour", "half an hour", "a minute", "an hour and a half"))
    if shape == 2:
        return f"{rng.randint(2, 90)} {rng.choice(('mins', 'min', 'minutes', 'hrs'))}"
    return f"{_count(rng, 1, 3)} hours and {_count(rng, 5, 50)} minutes"


def _person(rng: random.Random, vocabulary: Vocabulary) -> str:
    if vocabulary.people and rng.random() < 0.5:
        return rng.choice(vocabulary.people)
    first = rng.choice(_NAMES)
    return f"{first} {rng.choice(_SURNAMES)}" if rng.random() < 0.3 else first


def _place(rng: random.Random, vocabulary: Vocabulary) -> str:
    if vocabulary.places and rng.random() < 0.4:
        return rng.choice(vocabulary.places)
    if rng.random() < 0.5:
        return rng.choice(_CITIES)
    return f"{rng.randint(2, 400)} {rng.choice(_STREETS)} {rng.choice(_STREET_KINDS)}"


def _text(rng: random.Random) -> str:
    said = rng.choice(_PHRASES)
    return f"{said} {rng.choice(_PHRASES)}" if rng.random() < 0.15 else said


def say(kind: Kind, rng: random.Random, vocabulary: Vocabulary, options: Sequence[str]) -> str:
    """One phrasing of a value of ``kind``."""
    makers: dict[Kind, Callable[[], str]] = {
        Kind.TIME: lambda: _clock(rng),
        Kind.DATE: lambda: _day(rng),
        Kind.DATETIME: lambda: _moment(rng),
        Kind.DURATION: lambda: _duration(rng),
        Kind.INTEGER: lambda: _count(rng, 1, 30),
        Kind.NUMBER: lambda: _count(rng, 1, 30),
        Kind.PERSON: lambda: _person(rng, vocabulary),
        Kind.PLACE: lambda: _place(rng, vocabulary),
        Kind.PLACE_NAME: lambda: rng.choice(vocabulary.places or ("home", "work", "the gym")),
        Kind.PHONE: lambda: f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        Kind.EMAIL: lambda: f"{rng.choice(_NAMES).lower()}@example.com",
    }
    if kind is Kind.CHOICE and options:
        return rng.choice(options).replace("_", " ")
    return makers.get(kind, lambda: _text(rng))()


NEUTRAL_TEXT = "something"
"""What free text says in the index's copy of an example: a sampled phrase would make the
example resemble other tools' requests about the same things."""


def sampler_for(
    tool: Tool, rng: random.Random, vocabulary: Vocabulary | None = None, *, neutral: bool = False
) -> Callable[[str], str]:
    """A function giving a value to say for each parameter of ``tool`` (``neutral``: free text
    is ``NEUTRAL_TEXT``)."""
    schemas = tool_properties(tool)
    vocabulary = vocabulary or Vocabulary()

    def sample(parameter: str) -> str:
        schema = schemas.get(parameter, {})
        options = [str(o) for o in schema.get("enum", ())]
        kind = kind_of(parameter, schema)
        if neutral and kind in (Kind.TEXT, Kind.OTHER):
            return NEUTRAL_TEXT
        return say(kind, rng, vocabulary, options)

    return sample
