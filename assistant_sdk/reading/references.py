"""People, places, choices, counts and switches named in a request.

People are found through alias facts ("mom" -> "Jane Doe") and the contacts' names; a first
name two contacts share stays ambiguous. Places come from place facts ("home") or are written
out ("to 9 Pine Lane", "in Paris"). Choices (enums) match their words, or, with an embedder,
the closest unexplained word.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ..types import Fact, FactKind
from ._whole_text import FILLER, singular, words
from .literals import ADDRESS, EMAIL, PHONE, Mention
from .moments import NUMBER, number_value
from .relations import related_aliases

if TYPE_CHECKING:
    from embeddings.base import Embedder

__all__ = ["find_count", "find_people", "find_places", "find_switch", "match_choice"]

ENUM_SIMILARITY = 0.55
"""Cosine similarity from which an unexplained word counts as naming a choice."""
ENUM_MARGIN = 0.08


def _occurrences(request: str, phrase: str, *, my: bool = False) -> list[tuple[int, int]]:
    prefix = r"(?:\bmy\s+)?" if my else ""
    pattern = re.compile(rf"{prefix}(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(request)]


def find_people(
    request: str,
    facts: Sequence[Fact],
    contacts: Sequence[str] | None,
    *,
    literals: bool,
    embedder: Embedder | None = None,
) -> list[Mention]:
    """Mentions of people; ``value`` is the tuple of display names each could mean. With an
    embedder, an alias said another way ("mum" for "mom") counts too (``relations``)."""
    known = {c.casefold() for c in contacts or ()}
    found: list[Mention] = []
    for fact in facts:
        if fact.kind is FactKind.ALIAS:
            problem = ""
            if contacts is not None and fact.value.casefold() not in known:
                problem = f"{fact.key!r} points to {fact.value!r}, who is not a contact"
            for a, b in _occurrences(request, fact.key, my=True):
                found.append(Mention(a, b, (fact.value,), problem, fact.key))
    for mention in related_aliases(request, facts, contacts, embedder):
        if contacts is not None and mention.value[0].casefold() not in known:
            problem = f"{mention.fact!r} points to {mention.value[0]!r}, who is not a contact"
            mention = replace(mention, problem=problem)
        found.append(mention)
    for name in contacts or ():
        for a, b in _occurrences(request, name):
            found.append(Mention(a, b, (name,)))
        for part in name.split()[:2] if len(name.split()) > 1 else ():
            sharing = tuple(c for c in contacts or () if part in c.split())
            found.extend(Mention(a, b, sharing) for a, b in _occurrences(request, part))
    if literals:
        for pattern in (EMAIL, PHONE):
            found.extend(Mention(m.start(), m.end(), (m[0],)) for m in pattern.finditer(request))
    return _longest_first(found)


def _longest_first(mentions: list[Mention]) -> list[Mention]:
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start - m.end, m.start)):
        if not any(mention.start < k.end and k.start < mention.end for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


_PROPER = r"[A-Z][\w'.-]*(?:\s+(?:[A-Z][\w'.-]*|of|de|la|del))*"
_STANDALONE = re.compile(rf"\b{ADDRESS}")
_EXPLICIT = re.compile(rf"\b(?:to|in|at|from|near|for)\s+(?:the\s+)?({ADDRESS}|{_PROPER})")
_NOT_PLACES = re.compile(
    r"^(?:I|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|Today|Tomorrow)\b"
)


def find_places(request: str, facts: Sequence[Fact], taken: Sequence[Mention]) -> list[Mention]:
    """Mentions of places; ``value`` is ``(address, preposition before it)``."""
    found: list[Mention] = []
    for fact in facts:
        if fact.kind is FactKind.PLACE:
            for a, b in _occurrences(request, fact.key, my=True):
                found.append(Mention(a, b, (fact.value, _before(request, a))))
    for match in _STANDALONE.finditer(request):  # "save 33 Kings Road as Nan"
        span = Mention(match.start(), match.end())
        if not any(span.start < t.end and t.start < span.end for t in taken):
            found.append(Mention(span.start, span.end, (match[0], _before(request, span.start))))
    for match in _EXPLICIT.finditer(request):
        text = match[1].rstrip(".,")
        span = Mention(match.start(1), match.start(1) + len(text))
        if _NOT_PLACES.match(text) or any(span.start < t.end and t.start < span.end for t in taken):
            continue
        found.append(Mention(span.start, span.end, (text, _before(request, match.start(1)))))
    return _longest_first(found)


def _before(request: str, position: int) -> str:
    previous = words(request[:position])
    previous = [w for w in previous if w not in ("my", "the")]
    return previous[-1] if previous else ""


def match_choice(
    request: str,
    options: Sequence[str],
    taken: Sequence[Mention],
    ignore: Collection[str],
    embedder: Embedder | None,
) -> tuple[Mention | None, float]:
    """The option the request names, and how sure the match is."""
    spoken = [(m.start(), m.end(), m[0].lower()) for m in re.finditer(r"[\w']+", request)]
    spoken = [s for s in spoken if not any(t.start <= s[0] < t.end for t in taken)]
    scored: list[tuple[float, str, list[tuple[int, int, str]]]] = []
    for option in options:
        parts = [p for p in re.split(r"[_\-\s]+", option.lower()) if p]
        hits = [s for s in spoken if any(_same_word(s[2], p) for p in parts)]
        share = len({p for p in parts if any(_same_word(s[2], p) for s in hits)}) / len(parts)
        scored.append((share, option, hits))
    scored.sort(key=lambda s: -s[0])
    best = scored[0] if scored else None
    if best and best[0] > 0 and (len(scored) == 1 or best[0] > scored[1][0]):
        hits = best[2]
        return Mention(hits[0][0], hits[-1][1], best[1]), 1.0 if best[0] == 1 else 0.7
    if embedder is None:
        return None, 0.0
    unexplained = [s for s in spoken if s[2] not in FILLER and s[2] not in ignore]
    return _closest(unexplained, options, embedder)


def _same_word(said: str, option_word: str) -> bool:
    if said == option_word or singular(said) == option_word:
        return True
    shared = 0
    for a, b in zip(said, option_word, strict=False):
        if a != b:
            break
        shared += 1
    return shared >= 4 and shared >= min(len(said), len(option_word)) - 1


def _closest(
    spoken: Sequence[tuple[int, int, str]], options: Sequence[str], embedder: Embedder
) -> tuple[Mention | None, float]:
    if not spoken or len(options) < 2:
        return None, 0.0
    said = embedder.embed_queries([s[2] for s in spoken])
    named = embedder.embed_documents([o.replace("_", " ") for o in options])
    similarity = np.asarray(said @ named.T, dtype=np.float64)
    row, column = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
    ranked = np.sort(similarity[row])[::-1]
    best = float(ranked[0])
    if best < ENUM_SIMILARITY or best - float(ranked[1]) < ENUM_MARGIN:
        return None, 0.0
    start, end, _ = spoken[int(row)]
    return Mention(start, end, options[int(column)]), best


def find_count(request: str, nouns: Collection[str], taken: Sequence[Mention]) -> Mention | None:
    """A number followed, within one word, by one of ``nouns`` ("5 days", "a 10-day forecast",
    "the last three emails", "3 unread emails")."""
    for match in re.finditer(rf"\b({NUMBER})(?=[\s-])", request, re.IGNORECASE):
        if any(t.start <= match.start() < t.end for t in taken):
            continue
        following = list(re.finditer(r"[A-Za-z][\w'-]*", request[match.end() :]))[:2]
        for word in following:
            noun = singular(word[0].lower().replace("e-mail", "email"))
            value = number_value(match[1])
            if noun in nouns and value is not None and value == int(value):
                return Mention(match.start(), match.end() + word.end(), int(value))
    return None


def find_switch(request: str, cues: Collection[str], taken: Sequence[Mention]) -> Mention | None:
    """A word that turns a boolean option on ("unread" for ``unread_only``)."""
    for match in re.finditer(r"[\w'-]+", request):
        if singular(match[0].lower()) in cues and not any(
            t.start <= match.start() < t.end for t in taken
        ):
            return Mention(match.start(), match.end(), True)
    return None
