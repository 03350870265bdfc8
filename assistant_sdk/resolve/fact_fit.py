"""Fitting how close a request must be to a fact's question to be answered from the fact.

The threshold is fitted when the resolver is (``Resolver.fit``) and saved with its calibration,
from two generated sets:

- *questions*: for each kind of fact, several phrasings of the question it answers ("who is
  my boss", "who's my boss", "tell me who my boss is"), over the user's own fact keys and a
  few generic ones, so the fit does not depend on what the user has saved so far;
- *commands*: every tool's example phrases, filled with the user's names for people and places
  ("text my boss running late", "directions to my home"): requests that use a fact but ask
  none, the ones most like a question.

The threshold is the lowest similarity at which the answers given (a question answered from
its own fact, or a command answered at all) are right at least ``precision`` of the time.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..reading.examples import fill_example
from ..reading.values import Vocabulary, sampler_for
from ..types import Fact, FactKind, Tool
from .fact_answers import ANSWER_SIMILARITY, question

if TYPE_CHECKING:
    from .resolver import Resolver

__all__ = [
    "FACT_PRECISION",
    "PHRASINGS",
    "fact_commands",
    "fact_questions",
    "fit_fact_threshold",
    "fit_facts",
]

#: Ways to ask the question each kind of fact answers ("{key}": the fact's key).
PHRASINGS: dict[FactKind, tuple[str, ...]] = {
    FactKind.ALIAS: (
        "who is my {key}",
        "who's my {key}",
        "what's my {key}'s name",
        "what is the name of my {key}",
        "tell me who my {key} is",
        "remind me who my {key} is",
        "do you know who my {key} is",
    ),
    FactKind.PLACE: (
        "what is my {key} address",
        "what's my {key} address",
        "where is my {key}",
        "what's the address of my {key}",
        "tell me my {key} address",
        "remind me where my {key} is",
    ),
    FactKind.PREFERENCE: (
        "which app do I use for {key}",
        "what do I use for {key}",
        "what's my {key} app",
        "which {key} app do I prefer",
        "tell me which app I use for {key}",
    ),
    FactKind.NOTE: (
        "what is my {key}",
        "what's my {key}",
        "tell me my {key}",
        "remind me of my {key}",
        "do you know my {key}",
    ),
}
#: Keys the questions are also asked about, so an empty or small fact store still fits.
GENERIC_KEYS: dict[FactKind, tuple[str, ...]] = {
    FactKind.ALIAS: ("boss", "dentist", "sister", "landlord", "doctor"),
    FactKind.PLACE: ("home", "work", "gym", "school"),
    FactKind.PREFERENCE: ("rides", "mail", "music", "maps"),
    FactKind.NOTE: ("blood type", "shoe size", "locker number", "passport number"),
}
FACT_PRECISION = 0.98
"""The share of on-device fact answers that must be right, on the generated sets."""
_SEED = "fact-answers"
_MIN_ACCEPTED = 5
_PER_TOOL = 8
_MAX_COMMANDS = 1500


def fact_questions(facts: Iterable[Fact]) -> tuple[list[Fact], list[tuple[str, int]]]:
    """The facts questions are asked about (the user's and generic ones, one per key and
    kind), and each generated question with the position of the fact it asks for."""
    chosen: dict[tuple[FactKind, str], Fact] = {}
    for fact in facts:
        if fact.kind in PHRASINGS:
            chosen.setdefault((fact.kind, fact.key), fact)
    for kind, keys in GENERIC_KEYS.items():
        for key in keys:
            chosen.setdefault((kind, key), Fact(key, "", kind))
    targets = list(chosen.values())
    asked = [
        (phrasing.format(key=fact.key), n)
        for n, fact in enumerate(targets)
        for phrasing in PHRASINGS[fact.kind]
    ]
    return targets, asked


def fact_commands(
    tools: Iterable[Tool], facts: Iterable[Fact], fills: int = 2
) -> list[tuple[str, str]]:
    """The tools' example phrases, filled ``fills`` times with the user's names for people and
    places among the values (the same phrases for the same tools and facts), each with the
    name of its tool. A large catalogue gives a fixed sample of them, so fitting stays quick."""
    facts = list(facts)
    people = [f"my {f.key}" for f in facts if f.kind is FactKind.ALIAS]
    places = [f.key for f in facts if f.kind is FactKind.PLACE]
    places += [f"my {key}" for key in places]
    vocabulary = Vocabulary(tuple(people), tuple(places))
    commands: list[tuple[str, str]] = []
    for tool in tools:
        sample = sampler_for(tool, random.Random(f"{_SEED}:{tool.name}"), vocabulary)
        for example in tool.examples[:_PER_TOOL]:
            filled = dict.fromkeys(fill_example(example, sample)[0] for _ in range(fills))
            commands += [(text, tool.name) for text in filled]
    if len(commands) > _MAX_COMMANDS:  # a large catalogue: a fixed sample of its phrases
        commands = random.Random(_SEED).sample(commands, _MAX_COMMANDS)
    return commands


def fit_fact_threshold(scores: Sequence[float], right: Sequence[bool], precision: float) -> float:
    """The lowest score whose accepted rows (score at or above it) are ``right`` at least
    ``precision`` of the time; above every score when no cut accepts a handful that are."""
    values = np.asarray(scores, dtype=np.float64)
    hits = np.asarray(right, dtype=bool)
    if values.size == 0:
        return ANSWER_SIMILARITY
    never = float(values.max()) + 1e-6
    for cut in np.unique(values):  # ascending: the first that holds accepts the most
        accepted = values >= cut
        if accepted.sum() >= _MIN_ACCEPTED and hits[accepted].mean() >= precision:
            return float(cut)
    return never


def fit_facts(resolver: Resolver, precision: float = FACT_PRECISION) -> float:
    """The answer threshold fitted for ``resolver``'s tools and facts (see the module). A row
    whose question a tool fits at least as well is not answered whatever the threshold (as in
    ``FactAnswerer.answer``), so it is left out; a command's rival leaves out its own tool's
    examples, which the index holds in almost the same words."""
    facts = resolver.facts.all() if resolver.facts is not None else []
    targets, asked = fact_questions(facts)
    commands = fact_commands(resolver.tools, facts)
    texts = [text for text, _ in asked] + [text for text, _ in commands]
    owners = [None] * len(asked) + [tool for _, tool in commands]
    embedder = resolver.embedder
    keys = np.asarray(embedder.embed_queries([question(f) for f in targets]))
    vectors = np.asarray(embedder.embed_queries(texts))
    similarity = vectors @ keys.T
    best, score = similarity.argmax(axis=1), similarity.max(axis=1)
    hits = resolver.index.search(vectors, resolver.config.retrieve)
    right = [int(best[n]) == target for n, (_, target) in enumerate(asked)]
    right += [False] * len(commands)
    kept = [n for n in range(len(texts)) if score[n] > _rival(hits[n], owners[n])]
    return fit_fact_threshold([float(score[n]) for n in kept], [right[n] for n in kept], precision)


def _rival(hits: list[tuple[str, float]], own: str | None) -> float:
    """The best tool entry among ``hits``, leaving out the examples of tool ``own``."""
    best = 0.0
    for entry, value in hits:
        kind, _, rest = entry.partition(":")
        if kind == "f" or (kind == "e" and rest.rsplit(":", 1)[0] == own):
            continue
        best = max(best, value)
    return best
