"""Free text, people and places as people say them, composed from parts.

Free text comes in *registers*: what a message says ("I'm running late, start without me"),
a thing to do ("pick up the dry cleaning"), a title or name ("gift ideas"), a search or song
query ("something by Adele"). A parameter's name and description hint at its register; the
others are mixed in so that no span learns one kind of content. Free text never holds words
that look like a condition or a second action: those are what the reader must leave out.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

__all__ = ["free_text", "person", "place", "plain_person", "plain_place", "register_of"]

_NAMES = (
    "Sam Alex Priya Tom Maria Jun Olu Nadia Ben Chloe Omar Lena Dave Aisha Kim Luca Fatima Noah "
    "Grace Raj Ellie Marco Zoe Kwame Ines Harry"
).split()
_SURNAMES = "Smith Park Okafor Rossi Chen Novak Haddad Brown Patel Garcia Murphy Silva".split()
_RELATIONS = (
    "mum",
    "mom",
    "dad",
    "my sister",
    "my brother",
    "my wife",
    "my husband",
    "grandma",
    "granddad",
    "my partner",
    "my boss",
    "my daughter",
    "my son",
    "auntie",
    "my uncle",
    "my flatmate",
    "my cousin",
)
_CITIES = "Paris Leeds Lagos Austin Kyoto Lisbon Denver Manchester Toronto Seoul Brighton".split()
_STREETS = "Oak Pine Market Station King Mill Church High Elm Baker".split()
_STREET_KINDS = ("Street", "Road", "Lane", "Avenue", "St", "Rd")
_LANDMARKS = (
    "the airport",
    "the station",
    "the office",
    "the gym",
    "the city centre",
    "the hospital",
    "the mall",
    "the train station",
    "downtown",
    "the park",
    "Heathrow",
    "the stadium",
)

_REGISTERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "message": (
        ("I'm", "I am", "we're", "running", "still"),
        (
            "running late",
            "on my way",
            "outside",
            "almost there",
            "stuck in traffic",
            "at the shop",
            "home now",
            "going to be ten minutes late",
            "leaving now",
        ),
        ("", "", ", start without me", ", sorry", " x", ", see you soon", " haha"),
    ),
    "task": (
        (
            "call",
            "email",
            "pay",
            "book",
            "pick up",
            "buy",
            "renew",
            "water",
            "take out",
            "return",
            "check",
            "cancel",
            "send",
            "fix",
            "clean",
            "order",
        ),
        (
            "the dentist",
            "mum",
            "the bins",
            "the plants",
            "the library books",
            "the car",
            "the insurance",
            "the rent",
            "some milk",
            "the dry cleaning",
            "the boiler",
            "the gas bill",
            "a birthday card",
            "the kids' lunch",
            "the vet",
            "new batteries",
        ),
    ),
    "title": (
        ("",),
        (
            "packing list",
            "gift ideas",
            "wifi password",
            "road trip",
            "book club",
            "recipes",
            "holiday plans",
            "shopping",
            "workout",
            "team sync",
            "dentist",
            "project budget",
            "lunch with Sam",
            "yoga",
            "quarterly review",
            "garden",
            "pills",
            "chill",
        ),
    ),
    "query": (
        ("",),
        (
            "Adele",
            "the Beatles",
            "Taylor Swift",
            "jazz",
            "Hey Jude",
            "Clair de Lune",
            "lo-fi",
            "Miles Davis",
            "Bohemian Rhapsody",
            "classical music",
            "Radiohead",
            "Drake",
            "the invoice",
            "flight times",
            "the quarterly report",
            "Beyonce",
            "Coldplay",
        ),
    ),
}
_SAYINGS = (
    "happy birthday",
    "thanks for dinner",
    "can we talk later",
    "call me back",
    "good luck",
    "love you",
    "see you soon",
    "congrats on the new job",
    "don't forget the tickets",
    "the meeting moved to Friday",
    "the train is delayed",
    "can you grab bread",
    "have a safe flight",
    "I'll be there in 10",
    "did you get my email",
)
_HINTS = {
    "message": ("body", "message", "content", "say", "reply"),
    "task": ("remind", "task", "todo", "to do", "be reminded"),
    "title": ("title", "name", "label", "subject", "topic", "playlist", "tag", "nickname"),
    "query": ("query", "search", "song", "music", "artist", "find", "look for"),
}


def register_of(name: str, description: str) -> str | None:
    """The register a parameter's name or description hints at (None: no hint)."""
    said = f"{name.replace('_', ' ')} {description}".casefold()
    return next((r for r, cues in _HINTS.items() if any(c in said for c in cues)), None)


def _compose(rng: random.Random, register: str) -> str:
    if register == "message" and rng.random() < 0.5:
        return rng.choice(_SAYINGS)
    parts = [rng.choice(slot) for slot in _REGISTERS[register]]
    if register == "message":
        return f"{parts[0]} {parts[1]}{parts[2]}" if parts[0] != "running" else parts[1]
    if register == "task":
        return f"{parts[0]} {parts[1]}"
    return f"{parts[0]}{parts[1]}"


def free_text(rng: random.Random, register: str | None) -> str:
    """Free text of the hinted register most of the time, and of any register otherwise."""
    if register is None or rng.random() < 0.15:
        register = rng.choice(sorted(_REGISTERS))
    return _compose(rng, register)


def person(
    rng: random.Random, aliases: Sequence[str], names: Sequence[str], *, generic: float = 0.35
) -> str:
    """Someone the user means: their own alias ("mom", "my boss"), a contact's full or first
    name, a relation ("my sister", "mum"), or another first name."""
    roll = rng.random()
    if aliases and roll < 0.3:
        alias = rng.choice(aliases)
        return f"my {alias}" if rng.random() < 0.25 and not alias.startswith("my ") else alias
    if names and roll < 0.3 + (1 - generic - 0.3) * 0.6:
        name = rng.choice(names)
        return name.split()[0] if rng.random() < 0.4 else name
    if roll < 1 - generic / 2:
        return rng.choice(_RELATIONS)
    first = rng.choice(_NAMES)
    return f"{first} {rng.choice(_SURNAMES)}" if rng.random() < 0.3 else first


def place(rng: random.Random, saved: Sequence[str]) -> str:
    """A place: one of the user's saved ones ("home", "work"), a landmark, a city, an address."""
    roll = rng.random()
    if saved and roll < 0.35:
        return rng.choice(saved)
    if roll < 0.6:
        return rng.choice(_LANDMARKS)
    if roll < 0.75:
        return rng.choice(_CITIES)
    number = rng.randint(2, 400)
    return f"{number} {rng.choice(_STREETS)} {rng.choice(_STREET_KINDS)}"


def plain_person(rng: random.Random) -> str:
    """Someone nobody's request names by relation: a first name, sometimes with a surname
    (the index's values, which must not resemble "my boss" or "mum" in requests)."""
    first = rng.choice(_NAMES)
    return f"{first} {rng.choice(_SURNAMES)}" if rng.random() < 0.3 else first


def plain_place(rng: random.Random) -> str:
    """A city or a street address (the index's values: no "the office" or "home")."""
    if rng.random() < 0.5:
        return rng.choice(_CITIES)
    return f"{rng.randint(2, 400)} {rng.choice(_STREETS)} {rng.choice(_STREET_KINDS[:4])}"
