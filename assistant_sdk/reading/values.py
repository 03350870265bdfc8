"""Values to say for a parameter, by its kind: what fills annotated examples at ``fit`` time.

Each kind has a generator that composes its phrasings (a clock time as "7", "7:15", "seven
fifteen", "half six", "quarter to 8", "7pm"; a day as "tomorrow", "Thursday", "next Friday",
"March 3rd"...), so the reader learns the shapes of values, not a list of them. People and
places come from the user's own contacts, aliases and saved places when they are given.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..slots import Kind, kind_of, tool_properties
from ..types import Fact, FactKind, Tool
from ._moments import clock, count, day, duration, moment, number_words
from ._said import free_text, person, place, plain_person, plain_place, register_of

__all__ = ["Vocabulary", "number_words", "sampler_for", "say"]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The user's own names for people and places: alias keys ("mom"), saved place keys
    ("home"), and the names of the people aliases point to ("Jane Doe")."""

    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @classmethod
    def from_facts(cls, facts: Sequence[Fact]) -> Vocabulary:
        aliases = [f for f in facts if f.kind is FactKind.ALIAS]
        return cls(
            tuple(f.key for f in aliases),
            tuple(f.key for f in facts if f.kind is FactKind.PLACE),
            tuple(dict.fromkeys(f.value for f in aliases if f.value.strip())),
        )


def _flag(rng: random.Random, parameter: str) -> str:
    """A boolean said by the words of its name ("unread_only" -> "unread")."""
    words = [w for w in parameter.split("_") if w not in ("only", "is", "include")]
    return " ".join(words or [parameter]) if rng.random() < 0.8 else parameter.replace("_", " ")


def say(
    kind: Kind,
    rng: random.Random,
    vocabulary: Vocabulary,
    options: Sequence[str],
    *,
    parameter: str = "",
    description: str = "",
) -> str:
    """One phrasing of a value of ``kind`` (for ``parameter``, whose name and description
    hint at what its free text is about)."""
    makers: dict[Kind, Callable[[], str]] = {
        Kind.TIME: lambda: clock(rng),
        Kind.DATE: lambda: day(rng),
        Kind.DATETIME: lambda: moment(rng),
        Kind.DURATION: lambda: duration(rng),
        Kind.INTEGER: lambda: count(rng, 1, 30),
        Kind.NUMBER: lambda: count(rng, 1, 30),
        Kind.BOOLEAN: lambda: _flag(rng, parameter or "on"),
        Kind.PERSON: lambda: person(rng, vocabulary.people, vocabulary.names),
        Kind.PLACE: lambda: place(rng, vocabulary.places),
        Kind.PLACE_NAME: lambda: rng.choice(vocabulary.places or ("home", "work", "the gym")),
        Kind.PHONE: lambda: _phone(rng),
        Kind.EMAIL: lambda: f"{rng.choice(('sam', 'j.park', 'alex', 'team'))}@example.com",
    }
    if kind is Kind.CHOICE and options:
        said = rng.choice(options).replace("_", " ")
        return said.capitalize() if rng.random() < 0.2 else said
    maker = makers.get(kind)
    return maker() if maker else free_text(rng, register_of(parameter, description))


def _phone(rng: random.Random) -> str:
    digits = f"555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    return rng.choice((f"+1 {digits}", digits, digits.replace(" ", ""), f"07700 {digits[-4:]}"))


NEUTRAL_TEXT = "something"
"""What free text says in the index's copy of an example: a sampled phrase would make the
example resemble other tools' requests about the same things."""


def sampler_for(
    tool: Tool, rng: random.Random, vocabulary: Vocabulary | None = None, *, neutral: bool = False
) -> Callable[[str], str]:
    """A function giving a value to say for each parameter of ``tool``. ``neutral``: as the
    index embeds it, free text is ``NEUTRAL_TEXT`` and people and places are plain names, not
    relations or saved places ("my boss", "home") that would pull requests to the tool."""
    schemas = tool_properties(tool)
    vocabulary = vocabulary or Vocabulary()

    def sample(parameter: str) -> str:
        schema = schemas.get(parameter, {})
        options = [str(o) for o in schema.get("enum", ())]
        kind = kind_of(parameter, schema)
        if neutral and kind in (Kind.TEXT, Kind.OTHER):
            return NEUTRAL_TEXT
        if neutral and kind in (Kind.PERSON, Kind.PLACE):
            return plain_person(rng) if kind is Kind.PERSON else plain_place(rng)
        description = str(schema.get("description", ""))
        return say(kind, rng, vocabulary, options, parameter=parameter, description=description)

    return sample
