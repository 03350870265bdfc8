"""Repeats of a ranking the engine confirmed: evidence from what was settled before.

A request the engine (or the user) settled is learned as a personal example of the tool it
chose. If the device's own ranking, without personal examples, put that same tool first for
it, the engine *confirmed* the ranking there. A later request whose ranking puts the same
tool first, and which is close to a confirmed example of it, is very likely that intent
again: the device and the engine agreed on its neighbour. This is weaker than an exact repeat
(it needs no one phrasing) and stronger than similarity alone (similarity between requests
follows their arguments as much as their intent, so the nearest earlier request often names
another tool; here the ranking must agree as well).

How close is close enough is fitted (``fit_confirmed``) by leave-one-out over labelled
requests, for a target precision, as ``Thresholds.confirmed``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from .calibrate import Labelled, cross_similarities
from .ranking import F64, FusionWeights, fuse

__all__ = [
    "Confirmations",
    "confirmed_positions",
    "evidence",
    "fit_confirmed",
    "fresh_top",
    "margin",
    "trusted",
]


def fresh_top(row: Labelled, weights: FusionWeights, abstain: float = -np.inf) -> int | None:
    """The index (into the row's candidates) of the tool its ranking puts first, or None
    (no candidates, or a top score under ``abstain``)."""
    if not row.dense.size:
        return None
    scores = fuse(row.dense, row.lexical, row.head, weights)
    top = int(np.argmax(scores))
    return top if scores[top] >= abstain else None


def margin(scores: F64) -> float:
    """How far the ranking's first tool leads its second (fused scores; 0 with one)."""
    if scores.size < 2:
        return 0.0
    first, second = np.partition(scores, -2)[-2:][::-1]
    return float(first - second)


def evidence(similarity: float, lead: float, weight: float) -> float:
    """What ``Thresholds.confirmed`` is compared with: the similarity to the confirmed
    example plus ``weight`` (``Thresholds.confirmed_margin``) times the ranking's lead."""
    return similarity + weight * lead


def confirmed_positions(rows: Sequence[Labelled], weights: FusionWeights) -> NDArray[np.int64]:
    """For each labelled row, the catalogue position of its right tool when the ranking put
    that tool first (the engine would have confirmed it), else -1."""
    out = np.full(len(rows), -1, dtype=np.int64)
    for n, row in enumerate(rows):
        top = fresh_top(row, weights)
        if top is not None and row.tools is not None and top == row.target:
            out[n] = int(row.tools[top])
    return out


_MARGIN_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
"""Weights tried for the lead, in units of similarity spread per lead spread."""


def fit_confirmed(
    rows: Sequence[Labelled],
    vectors: F64 | NDArray[np.float32],
    labels: NDArray[np.int64],
    weights: FusionWeights,
    abstain: float = -np.inf,
    *,
    documents: F64 | NDArray[np.float32] | None = None,
    precision: float = 0.97,
) -> tuple[float, float]:
    """``Thresholds.confirmed`` and ``confirmed_margin``: the lowest ``evidence`` (similarity
    to a confirmed example of the tool a request's ranking puts first, plus a weight times
    the ranking's lead) at which that tool is right ``precision`` of the time, and the weight
    that lets most requests reach it. Each labelled request takes every *other* one as
    learned (``labels``: each one's catalogue position, -1 out of scope), as the device after
    long use would (``documents``: each one's vector as learned, when that differs). Evidence
    counts only when no other tool's example is as close
    (``trusted``) and the top score reaches ``abstain``. (1.01, 0): never, when too few rows
    carry it."""
    sims = cross_similarities(vectors, documents)
    confirmed = confirmed_positions(rows, weights)
    found: list[tuple[float, float, bool]] = []
    for n, row in enumerate(rows):
        top = fresh_top(row, weights, abstain)
        if top is None or row.tools is None:
            continue
        tool = int(row.tools[top])
        mine = sims[n, confirmed == tool].max(initial=-np.inf)
        other = sims[n, (labels >= 0) & (labels != tool)].max(initial=-np.inf)
        if trusted(float(mine), float(other)):
            lead = margin(fuse(row.dense, row.lexical, row.head, weights))
            found.append((float(mine), lead, row.in_scope and top == row.target))
    if not found:
        return 1.01, 0.0
    similarity, leads = np.array([f[0] for f in found]), np.array([f[1] for f in found])
    right = np.array([f[2] for f in found], dtype=bool)
    best = (1.01, 0.0, 0)
    scale = float(similarity.std()) / max(float(leads.std()), 1e-9)  # lead in similarity units
    for weight in (scale * k for k in _MARGIN_WEIGHTS):
        scores = similarity + weight * leads
        accepted = _accepted(scores, right, precision)
        if accepted > best[2]:
            best = (float(np.sort(scores)[::-1][accepted - 1]), weight, accepted)
    return best[0], best[1]


def _accepted(scores: F64, right: NDArray[np.bool_], precision: float) -> int:
    """How many of the highest ``scores`` can be accepted right ``precision`` of the time
    (0 when fewer than five)."""
    order = np.argsort(-scores, kind="stable")
    hits = np.cumsum(right[order]) / np.arange(1, len(order) + 1)
    ok = np.nonzero(hits >= precision)[0]
    return 0 if ok.size == 0 or ok[-1] < 4 else int(ok[-1]) + 1


def trusted(mine: float, other: float) -> bool:
    """Whether a confirmed example at similarity ``mine`` is evidence at all, with another
    tool's nearest personal example at ``other``: the user settled no closer request
    elsewhere."""
    return mine > other and np.isfinite(mine)


class Confirmations:
    """Which personal examples were confirmed: the ranking without personal examples puts
    their own tool first for them. Worked out once per example and kept until the ranking
    changes (another calibration, another catalogue), so learning stays applied at once."""

    def __init__(self) -> None:
        self._key: object = None
        self._checked: dict[str, tuple[str, bool]] = {}

    def entries(
        self,
        examples: Mapping[str, tuple[str, str]],
        key: object,
        top_of: Callable[[str], str | None],
    ) -> frozenset[str]:
        """The confirmed ones of ``examples`` (entry id -> (tool, text)); ``key``
        names the ranking (one that compares unequal starts over), ``top_of`` gives its first
        tool for a text."""
        if key != self._key:
            self._key, self._checked = key, {}
        checked = {}
        for entry, (tool, text) in examples.items():
            known = self._checked.get(entry)
            checked[entry] = known if known and known[0] == text else (text, top_of(text) == tool)
        self._checked = checked
        return frozenset(e for e, (_, ok) in checked.items() if ok)
