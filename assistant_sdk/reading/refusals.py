"""Request shapes the device must not act on, made from any tool's frame.

Each shape adds words that mean one call now would not do what was asked; the added words
are labelled ``REFUSE``. Shapes are composed from parts (a connective and an event, a
negation and its place, a question frame), so that no single cue word stands for a refusal:

- a condition or trigger, before or after the request ("once I'm at the station", "if it
  rains", "when Sam calls", "before my meeting", "as soon as the game ends");
- a second action ("... and then text Sam", "... then also ...", "..., after that ...");
- a repeat ("... every morning", "... on weekdays");
- a negation ("don't ...", "please don't ...", "..., actually never mind");
- an indirect question or a hypothetical ("should I ...?", "do you think I should ...",
  "what would happen if you ...", "suppose I wanted you to ...").
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import replace

from .drafts import Draft, Unit, relabel, words

__all__ = ["REFUSE", "refuse"]

REFUSE = "REFUSE"
"""The label of words that mean one call now would not do what was asked."""

_WHEN = (
    "when",
    "once",
    "as soon as",
    "after",
    "whenever",
    "if",
    "the moment",
    "next time",
    "in case",
    "only if",
    "unless",
    "until",
    "wait until",
    "right after",
)
_PERSON_EVENTS = (
    "calls",
    "calls me",
    "texts me",
    "gets home",
    "arrives",
    "replies",
    "is free",
    "lands",
    "wakes up",
    "leaves work",
    "gets here",
    "messages me back",
    "is back",
    "answers",
)
_MY_EVENTS = (
    "I'm at {place}",
    "I get to {place}",
    "I arrive at {place}",
    "I leave {place}",
    "I'm back",
    "I wake up",
    "I'm done here",
    "I finish work",
    "I get off the train",
    "I'm on the bus",
    "I land",
    "I get up",
    "I'm near {place}",
    "I've left {place}",
    "I'm out of the meeting",
    "I get back from {place}",
    "we're done",
    "I say so",
)
_WORLD_EVENTS = (
    "it rains",
    "it stops raining",
    "it gets dark",
    "the sun comes up",
    "the battery is low",
    "the meeting ends",
    "the game starts",
    "the package arrives",
    "the kids are asleep",
    "my flight lands",
    "traffic is bad",
    "it's below freezing",
    "the match is over",
    "the washing machine finishes",
    "the oven is ready",
    "the price drops",
)
_NOUN_EVENTS = (
    "my meeting",
    "lunch",
    "the gym",
    "the game",
    "my flight",
    "the call",
    "dinner",
    "the appointment",
    "school pickup",
    "the show",
    "church",
    "my shift",
)
_EVERY = (
    "every day",
    "every morning",
    "every Monday",
    "each week",
    "on weekdays",
    "every night",
    "every other day",
    "every hour",
    "each evening",
    "daily",
    "every weekend",
    "weekly",
)
"""Repeats: one call now does it once."""
_PLACES = ("home", "work", "the station", "the office", "the gym", "the airport", "school")
_PEOPLE = ("Sam", "my sister", "the boss", "mum", "dad", "Priya", "my wife", "the kids")
_THEN = (
    "and then",
    "then",
    "and also",
    "and after that",
    "plus",
    "also",
    "and",
    "then also",
    "after that",
    "and afterwards",
    "and right after",
)
_NEGATE_BEFORE = (
    "don't",
    "do not",
    "never",
    "please don't",
    "no need to",
    "you don't need to",
    "there's no need to",
    "I don't want you to",
    "no, don't",
    "stop, don't",
    "you shouldn't",
    "don't bother to",
    "I told you not to",
)
_NEGATE_AFTER = (
    "actually never mind",
    "no wait, don't",
    "just kidding",
    "actually no",
    "or not",
    "on second thought no",
    "forget it",
    "no scratch that",
)
_ASK_BEFORE = (
    "should I",
    "do you think I should",
    "would it be a good idea to",
    "I wonder whether to",
    "I wonder if I should",
    "is it worth it to",
    "is it too late to",
    "do I need to",
    "I'm not sure if I should",
    "what if I",
    "should we",
    "what would happen if you",
    "suppose I wanted you to",
    "hypothetically, could you",
    "if I asked you to",
    "would you be able to, in theory,",
    "how would I",
)
_ASK_AFTER = ("or not", "or should I wait", "would you", "what do you think", "is that wise")


def _event(rng: random.Random, people: Sequence[str], places: Sequence[str]) -> str:
    kind = rng.randrange(4)
    place = rng.choice(places or _PLACES)
    if kind == 0:
        return f"{rng.choice(people or _PEOPLE)} {rng.choice(_PERSON_EVENTS)}"
    if kind == 1:
        return rng.choice(_MY_EVENTS).format(place=place)
    if kind == 2:
        return rng.choice(_WORLD_EVENTS)
    return rng.choice(_NOUN_EVENTS)


def _condition(rng: random.Random, people: Sequence[str], places: Sequence[str]) -> str:
    event = _event(rng, people, places)
    if event in _NOUN_EVENTS:
        linked = ("before", "after", "during", "right before", "once", "ahead of", "in time for")
        return f"{rng.choice(linked)} {event}"
    return f"{rng.choice(_WHEN)} {event}"


def _around(draft: Draft, before: str = "", after: str = "", comma: bool = False) -> Draft:
    head = words(before, REFUSE)
    if head and comma:
        head.append(Unit(",", REFUSE, glued=True))
    first = [replace(draft[0], glued=False)] if head and draft else list(draft[:1])
    tail = words(after, REFUSE)
    if tail and comma:
        tail.insert(0, Unit(",", glued=True))
    return (*head, *first, *draft[1:], *tail)


def refuse(
    draft: Draft,
    rng: random.Random,
    others: Sequence[Draft] = (),
    people: Sequence[str] = (),
    places: Sequence[str] = (),
) -> tuple[Draft, bool]:
    """``draft`` in one shape the device must not act on, and whether words were put in front
    of it. ``others`` are other tools' drafts, for second actions."""
    comma = rng.random() < 0.5
    shapes: list[Callable[[], tuple[Draft, bool]]] = [
        lambda: (_around(draft, after=_condition(rng, people, places), comma=comma), False),
        lambda: (_around(draft, before=_condition(rng, people, places), comma=True), True),
        lambda: (_around(draft, after=rng.choice(_EVERY)), False),
        lambda: (_around(draft, before=rng.choice(_NEGATE_BEFORE)), True),
        lambda: (_around(draft, after=rng.choice(_NEGATE_AFTER), comma=True), False),
        lambda: (_ask(draft, rng), True),
    ]
    if others:
        shapes.append(lambda: (_second(draft, rng.choice(others), rng), False))
        shapes.append(lambda: (_second(draft, rng.choice(others), rng), False))
    if draft and draft[-1].value:
        # A value at the end is the hardest boundary to learn: what follows it is refusal
        # words, not more of the value ("play some jazz when the guests get here").
        shapes.extend([shapes[0], shapes[0]])
    return rng.choice(shapes)()


def _ask(draft: Draft, rng: random.Random) -> Draft:
    after = rng.choice(_ASK_AFTER) if rng.random() < 0.2 else ""
    asked = _around(draft, before=rng.choice(_ASK_BEFORE), after=after, comma=bool(after))
    return (*asked, Unit("?", glued=True)) if rng.random() < 0.6 else asked


def _second(draft: Draft, other: Draft, rng: random.Random) -> Draft:
    joint = words(rng.choice(_THEN), REFUSE)
    if rng.random() < 0.3:
        joint.insert(0, Unit(",", glued=True))
    head, rest = other[:LEAD], other[LEAD:]
    second = (*relabel(head, REFUSE), *relabel(rest, None))
    second = (replace(second[0], glued=False), *second[1:]) if second else second
    return (*draft, *joint, *second)


LEAD = 2
"""How many words of a second request are refusal words with its connective ("and then text
Sam": "and then text"); the rest of it is no argument of this request, and no refusal word
either, so the reader learns the cue, not that any request-like words refuse."""
