"""How facts about the user shape a resolution: preferred apps, and the facts worth sending.

Pure functions over the candidate pool; ``resolver.py`` calls them after fusion.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np

from ..types import Candidate, Fact, FactKind, FactMatch, Tool
from .ranking import F64, tokenize

__all__ = ["relevant_facts", "steer_by_preference"]

DEMOTION = 1.0
"""Score taken from the apps the user did not choose, within one capability."""
LIKELY = 0.1
"""Probability from which a steered candidate's preference counts as relevant to the request."""


def steer_by_preference(
    request: str, pool: Sequence[Tool], scores: F64, facts: Sequence[Fact]
) -> dict[int, Fact]:
    """Among candidates sharing a capability, move the user's preferred app to the top.

    An app named in the request ("book an uber") wins over the stored preference. Edits
    ``scores`` in place; returns, per steered candidate position, the preference that chose it.
    """
    groups: dict[str, list[int]] = {}
    for i, tool in enumerate(pool):
        if tool.capability:
            groups.setdefault(tool.capability, []).append(i)
    words = set(tokenize(request))
    prefs = [f for f in facts if f.kind is FactKind.PREFERENCE]
    steered: dict[int, Fact] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        apps = {i: pool[i].app.lower() for i in members}
        named = [i for i, app in apps.items() if app in words]
        preferred = [(i, f) for i, app in apps.items() for f in prefs if _names(f, app)]
        chosen = named[0] if named else (preferred[0][0] if preferred else None)
        if chosen is None:
            continue
        best = float(np.max(scores[members]))
        for i in members:
            scores[i] = best if i == chosen else scores[i] - DEMOTION
        if not named:
            steered[chosen] = preferred[0][1]
    return steered


def relevant_facts(
    request: str,
    dense_hits: Sequence[tuple[str, float]],
    facts: Mapping[str, Fact],
    candidates: Sequence[Candidate],
    threshold: float,
) -> list[FactMatch]:
    """Facts close to the request in the index, facts whose key the request names ("mom"),
    and the preferences that steered a likely candidate; best first."""
    words = f" {' '.join(tokenize(request))} "
    found = {key: score for key, score in dense_hits if score >= threshold}
    for key in facts:
        if _spaced_words(key) in words:
            found[key] = max(found.get(key, 0.0), 1.0)
    for candidate in candidates:
        if candidate.steered_by is not None and candidate.probability >= LIKELY:
            found[candidate.steered_by.key] = 1.0
    matches = [FactMatch(facts[k], s) for k, s in found.items() if k in facts]
    return sorted(matches, key=lambda m: -m.score)


@functools.lru_cache(maxsize=4096)
def _spaced_words(key: str) -> str:
    """A fact key's tokens between spaces, so it matches whole words only; cached, because
    every request tests every key (only keys: requests are never kept)."""
    return f" {' '.join(tokenize(key))} "


def _names(preference: Fact, app: str) -> bool:
    return app == preference.value.lower() or app in tokenize(preference.value)
