"""Carrier-phrase variation: the same request as people type and say it, for every tool alike.

A frame's carrier words (everything but its values) are varied in one place, so the reader
learns to ignore what does not change the request and free-text spans learn where they end:

- speech fillers and discourse words ("so", "um", "okay", "like", "real quick"), a word said
  twice, as speech recognisers write a restart, and a statement of context before the request
  ("I'm off to bed, ...");
- politeness wrappers ("can you ...?", "could you please ...", "I need you to ...", "..., thanks");
- terse typing: function words dropped ("set alarm 7"), texting forms ("u", "pls");
- casing and punctuation dropped or changed, apostrophes left out ("whats");
- typos by one character edit (swap, drop, double) at a low rate on carrier words.

Values are never edited: a value's words are what the typed readers get.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

from .drafts import Draft, Unit, words

__all__ = ["SPEECH", "TYPO_RATE", "is_speech", "vary"]

TYPO_RATE = 0.04
"""The chance that one carrier word gets one character edit."""

_OPENERS = (
    "so",
    "um",
    "uh",
    "okay",
    "ok so",
    "hey",
    "right",
    "alright",
    "well",
    "oh",
    "yeah",
    "all right",
    "hmm",
    "okay um",
    "so like",
    "erm",
    "listen",
    "quick one",
)
_PREFACES = (
    "I'm off to bed",
    "one more thing",
    "sorry",
    "by the way",
    "oh and",
    "I nearly forgot",
    "it's me again",
    "I'm heading out",
    "I've just got in",
    "I'm in the car",
    "done that",
)
"""A statement said before the request: context, not a second action or a condition."""
_INSIDE = ("um", "uh", "like", "er", "erm", "you know", "I mean", "just")
_CLOSERS = (
    "please",
    "thanks",
    "real quick",
    "for me",
    "now",
    "thank you",
    "cheers",
    "pls",
    "ok",
    "for me please",
    "if you can",
    "quickly",
    "right now",
    "yeah",
)
_ASKS = (
    "can you",
    "could you",
    "could you please",
    "would you",
    "will you",
    "can you please",
    "can u",
    "hey can you",
)
_WRAPS = (
    "please",
    "I need you to",
    "I want you to",
    "I'd like you to",
    "do me a favour and",
    "go ahead and",
    "just",
    "I'd like to",
    "I want to",
    "I need to",
    "let's",
    "help me",
    "quickly",
    "kindly",
)
_QUESTION_WORDS = frozenset(
    "what what's whats when where who how is are am do does did any can could will which".split()
)
"""Requests put as questions take no politeness wrapper ("can you is my alarm set" is no
English); a closed class of words, not a list of requests."""
_TERSE_DROPS = frozenset("a an the for at to me my please some of on in".split())
_TEXTING = {"you": "u", "your": "ur", "please": "pls", "thanks": "thx", "are": "r", "to": "2"}


def _speech() -> frozenset[str]:
    said = (*_OPENERS, *_INSIDE, *_CLOSERS, *_ASKS, *_WRAPS, *_TEXTING.values())
    return frozenset(_plain(w) for phrase in said for w in phrase.split())


def _plain(word: str) -> str:
    return word.casefold().strip(",.!?;:").replace("'", "")


SPEECH = _speech()
"""The words the voices add that say nothing of the request: speech fillers and discourse
words, politeness wrappers, texting forms. Not the prefaces ("I'm in the car"), which state
something, nor typos: left unplaced, those are content words, evidence against acting."""


def is_speech(word: str) -> bool:
    """``word`` is one the voices add to any request (``SPEECH``), whatever its casing,
    punctuation or apostrophes."""
    return _plain(word) in SPEECH


def _open_positions(draft: Sequence[Unit]) -> list[int]:
    """Where a word may go: between units, never inside a labelled run."""
    return [
        i
        for i in range(1, len(draft))
        if draft[i - 1].label is None or draft[i].label != draft[i - 1].label
    ]


def _insert(draft: Draft, at: int, said: str) -> Draft:
    return (*draft[:at], *words(said), *draft[at:])


def _fillers(draft: Draft, rng: random.Random) -> Draft:
    roll = rng.random()
    if roll < 0.45:
        preface = rng.random() < 0.25
        opener = words(rng.choice(_PREFACES if preface else _OPENERS))
        comma = [Unit(",", glued=True)] if preface or rng.random() < 0.3 else []
        draft = (*opener, *comma, replace(draft[0], glued=False), *draft[1:])
    if rng.random() < 0.35 and (spots := _open_positions(draft)):
        draft = _insert(draft, rng.choice(spots), rng.choice(_INSIDE))
    if rng.random() < 0.15:
        carriers = [i for i, u in enumerate(draft) if u.label is None and not u.punctuation]
        if carriers:
            at = rng.choice(carriers)
            draft = (*draft[: at + 1], replace(draft[at], glued=False), *draft[at + 1 :])
    if roll > 0.6:
        draft = (*draft, *words(rng.choice(_CLOSERS)))
    return draft


def _polite(draft: Draft, rng: random.Random) -> Draft:
    first = draft[0]
    if not first.value:
        first = replace(first, text=first.text[:1].lower() + first.text[1:])
    rest = (first, *draft[1:])
    if rng.random() < 0.5:
        ask = words(rng.choice(_ASKS))
        mark = (Unit("?", glued=True),) if rng.random() < 0.6 else ()
        return (*ask, *rest, *mark)
    tail = tuple(words(rng.choice(("please", "thanks", "thank you")))) if rng.random() < 0.3 else ()
    comma = (Unit(",", glued=True),) if tail and rng.random() < 0.5 else ()
    return (*words(rng.choice(_WRAPS)), *rest, *comma, *tail)


def _terse(draft: Draft, rng: random.Random) -> Draft:
    kept = [
        u
        for u in draft
        if u.label is not None or u.text.casefold() not in _TERSE_DROPS or rng.random() < 0.3
    ]
    if not any(u.label is None for u in kept):
        return draft
    kept = [replace(u, glued=False) if i == 0 else u for i, u in enumerate(kept)]
    if rng.random() < 0.4:
        kept = [_texting(u) for u in kept]
    return tuple(kept)


def _texting(unit: Unit) -> Unit:
    if unit.value:
        return unit
    short = _TEXTING.get(unit.text.casefold())
    return replace(unit, text=short) if short else unit


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    edit = rng.randrange(3)
    if edit == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if edit == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _surface(draft: Draft, rng: random.Random, typos: float) -> Draft:
    """Casing, punctuation and typos: how the words end up on the screen."""
    roll = rng.random()
    marks = rng.random() < 0.4
    units: list[Unit] = []
    for unit in draft:
        if unit.punctuation and not unit.value and marks:
            continue
        text = unit.text
        if not unit.value:
            text = _typo(text, rng) if rng.random() < typos else text
            text = text.replace("'", "") if roll < 0.1 and "'" in text else text
        text = text.lower() if roll < 0.35 else text
        units.append(replace(unit, text=text))
    if units and 0.35 <= roll < 0.5 and not units[0].value:
        units[0] = replace(units[0], text=units[0].text[:1].upper() + units[0].text[1:])
    if units and not units[-1].punctuation and rng.random() < 0.12:
        units.append(Unit(rng.choice((".", "!", "?")), glued=True))
    return tuple(u if i else replace(u, glued=False) for i, u in enumerate(units))


def vary(
    draft: Draft, rng: random.Random, *, wrapped: bool = False, typos: float = TYPO_RATE
) -> Draft:
    """One voice of ``draft``: clean, chatty speech, polite, or terse typing, then its casing,
    punctuation and typos. ``wrapped``: words were already put in front (no politeness
    wrapper then: "can you don't ..." is no request)."""
    if not draft:
        return draft
    voice = rng.random()
    asked = draft[0].text.casefold() in _QUESTION_WORDS
    if voice < 0.3:
        draft = _fillers(draft, rng)
    elif voice < 0.5 and not wrapped and not asked:
        draft = _polite(draft, rng)
    elif voice < 0.65:
        draft = _terse(draft, rng)
    elif voice < 0.75 and not wrapped and not asked:
        draft = _fillers(_polite(draft, rng), rng)
    return _surface(draft, rng, typos)
