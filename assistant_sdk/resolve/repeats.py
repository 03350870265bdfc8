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

from .calibrate import Labelled, _fit_local
from .ranking import F64, FusionWeights, fuse

__all__ = ["Confirmations", "confirmed_positions", "fit_confirmed", "fresh_top", "trusted"]


def fresh_top(row: Labelled, weights: FusionWeights, abstain: float = -np.inf) -> int | None:
    """The index (into the row's candidates) of the tool its ranking puts first, or None
    (no candidates, or a top score under ``abstain``)."""
    if not row.dense.size:
        return None
    scores = fuse(row.dense, row.lexical, row.head, weights)
    top = int(np.argmax(scores))
    return top if scores[top] >= abstain else None


def confirmed_positions(rows: Sequence[Labelled], weights: FusionWeights) -> NDArray[np.int64]:
    """For each labelled row, the catalogue position of its right tool when the ranking put
    that tool first (the engine would have confirmed it), else -1."""
    out = np.full(len(rows), -1, dtype=np.int64)
    for n, row in enumerate(rows):
        top = fresh_top(row, weights)
        if top is not None and row.tools is not None and top == row.target:
            out[n] = int(row.tools[top])
    return out


def fit_confirmed(
    rows: Sequence[Labelled],
    vectors: F64 | NDArray[np.float32],
    labels: NDArray[np.int64],
    weights: FusionWeights,
    abstain: float = -np.inf,
    *,
    precision: float = 0.97,
) -> float:
    """``Thresholds.confirmed``: the lowest similarity to a confirmed example of the tool a
    request's ranking puts first at which that tool is right ``precision`` of the time, each
    labelled request taking every *other* one as learned (``labels``: each one's catalogue
    position, -1 out of scope), as the device after long use would. Evidence counts only when
    no other tool's example is as close (``trusted``) and the top score reaches ``abstain``.
    1.01 (never) when too few rows carry it."""
    x = np.asarray(vectors, dtype=np.float64)
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    confirmed = confirmed_positions(rows, weights)
    found: list[tuple[float, bool]] = []
    for n, row in enumerate(rows):
        top = fresh_top(row, weights, abstain)
        if top is None or row.tools is None:
            continue
        tool = int(row.tools[top])
        mine = sims[n, confirmed == tool].max(initial=-np.inf)
        other = sims[n, (labels >= 0) & (labels != tool)].max(initial=-np.inf)
        if trusted(float(mine), float(other)):
            found.append((float(mine), row.in_scope and top == row.target))
    if not found:
        return 1.01
    similarity = np.array([s for s, _ in found])
    return _fit_local(similarity, np.array([c for _, c in found], dtype=bool), precision)


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
