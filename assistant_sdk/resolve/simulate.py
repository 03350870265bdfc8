"""Simulated use: the calibration requests replayed as a stream, learning as ``Assistant`` does.

``Resolver.fit`` has each labelled request's candidate features without personal examples
(``Labelled``) and its vector. Replayed in order (and in a few shuffled orders), every
request the device would not have resolved rightly on its own is learned as a personal
example of its tool once the engine settled it; each later request then sees the examples
learned before it, as a device in use would. Wherever the device would be unsure (engine or
clarify) while its first candidate has learned examples, the request's ``trust`` features
and whether that candidate was right are recorded: what ``trust.fit_trust`` learns from.

    model = fit_use_trust(rows, vectors, labels, weights, thresholds)   # or None

Pure numpy, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..types import Decision
from .calibrate import Labelled, Thresholds, cross_similarities, decide
from .ranking import F64, FusionWeights, fuse, softmax
from .repeats import confirmed_positions
from .trust import (
    FEATURES,
    NEAREST_TEMPLATES,
    NO_TEMPLATE,
    TrustModel,
    best_template,
    fit_trust,
    trust_features,
)

__all__ = ["Simulated", "fit_use_trust", "replay_use"]

_ORDERS = 3
"""Stream orders replayed: the rows as given, then shuffled ones (more situations to learn
from; the act threshold is judged on the first order alone, so no request counts twice)."""
_UNSURE = (Decision.ENGINE, Decision.CLARIFY)


@dataclass(frozen=True, slots=True)
class Simulated:
    """What the replays recorded: one row per unsure request with learned evidence."""

    x: F64
    right: NDArray[np.bool_]
    groups: NDArray[np.int64]
    """The request's tool (its catalogue position; out-of-scope requests each their own)."""
    judged: NDArray[np.bool_]
    """Rows of the first order (the one the act threshold is fitted on)."""


def fit_use_trust(
    rows: Sequence[Labelled],
    vectors: F64 | NDArray[np.float32],
    labels: NDArray[np.int64],
    weights: FusionWeights,
    thresholds: Thresholds,
    *,
    documents: F64 | NDArray[np.float32] | None = None,
    said: tuple[Sequence[str], Sequence[str]] | None = None,
    precision: float = 0.97,
) -> TrustModel | None:
    """The trust model fitted on ``replay_use`` of the calibration requests; None when the
    replays give too little to fit one."""
    seen = replay_use(rows, vectors, labels, weights, thresholds, documents=documents, said=said)
    return fit_trust(seen.x, seen.right, seen.groups, seen.judged, precision=precision)


def replay_use(
    rows: Sequence[Labelled],
    vectors: F64 | NDArray[np.float32],
    labels: NDArray[np.int64],
    weights: FusionWeights,
    thresholds: Thresholds,
    *,
    documents: F64 | NDArray[np.float32] | None = None,
    said: tuple[Sequence[str], Sequence[str]] | None = None,
    orders: int = _ORDERS,
    seed: int = 0,
) -> Simulated:
    """Replay the labelled requests (``labels``: each one's catalogue position, -1 out of
    scope; ``documents``: each one's vector as learned, when that differs) as streams.
    ``said``: each request's text and the template it is learned as (``annotate``; its
    literal text without a call), for the template evidence (none without)."""
    sims = cross_similarities(vectors, documents)
    confirmed = confirmed_positions(rows, weights) >= 0
    tools = [int(r.tools.max()) for r in rows if r.tools is not None and r.tools.size]
    n_tools = max([*tools, int(labels.max(initial=-1))], default=-1) + 1
    rng = np.random.default_rng(seed)
    found: list[tuple[F64, bool, int, bool]] = []
    for k in range(orders):
        order = np.arange(len(rows)) if k == 0 else rng.permutation(len(rows))
        learned = np.zeros(len(rows), dtype=bool)
        for n in order.tolist():
            use = _Use(sims[n], labels, learned, confirmed, n_tools)
            template = None if said is None else (said[0][n], said[1])
            seen, alone = _one(rows[n], use, weights, thresholds, template)
            if seen is not None:
                group = int(labels[n]) if labels[n] >= 0 else n_tools + n
                found.append((*seen, group, k == 0))
            learned[n] = labels[n] >= 0 and not alone  # the engine settled it: learned
    if not found:
        empty = np.zeros(0, dtype=bool)
        return Simulated(np.zeros((0, len(FEATURES))), empty, np.zeros(0, np.int64), empty)
    return Simulated(
        np.array([f[0] for f in found]),
        np.array([f[1] for f in found], dtype=bool),
        np.array([f[2] for f in found], dtype=np.int64),
        np.array([f[3] for f in found], dtype=bool),
    )


@dataclass(frozen=True, slots=True)
class _Use:
    """One request's view of what was learned before it."""

    sims: F64
    """Its similarity to every labelled request as learned."""
    labels: NDArray[np.int64]
    learned: NDArray[np.bool_]
    confirmed: NDArray[np.bool_]
    n_tools: int

    def nearest(self, confirmed_only: bool = False) -> F64:
        """Per tool, the similarity to its nearest learned (confirmed) request, -inf for none."""
        chosen = self.learned & self.confirmed if confirmed_only else self.learned
        best = np.full(self.n_tools, -np.inf)
        np.maximum.at(best, self.labels[chosen], self.sims[chosen])
        return best

    def closest(self, k: int) -> NDArray[np.int64]:
        """The ``k`` learned requests nearest this one, nearest first."""
        chosen = np.nonzero(self.learned)[0]
        order = np.argsort(-self.sims[chosen], kind="stable")[:k]
        out: NDArray[np.int64] = chosen[order]
        return out

    def templates(
        self, text: str, templates: Sequence[str], tool: int
    ) -> tuple[float, float, float, float]:
        """``trust.template_evidence`` of a request said as ``text`` (``templates``: every
        labelled request's, as learned) over its nearest learned requests."""
        nearest = self.closest(NEAREST_TEMPLATES).tolist()
        return best_template(text, [(bool(self.labels[m] == tool), templates[m]) for m in nearest])


def _scored(
    row: Labelled, personal: F64, weights: FusionWeights, thresholds: Thresholds
) -> tuple[F64, Decision]:
    """The fused scores with personal examples (``personal``: per candidate) and the
    resolver's decision for them (``Resolver.resolve`` before any trust in learned use)."""
    scores = fuse(np.maximum(row.dense, personal), row.lexical, row.head, weights)
    probs = softmax(scores, weights.temperature)
    top = int(np.argmax(scores))
    mine = personal[top] if personal[top] > row.dense[top] else None
    others = np.delete(np.where(np.isfinite(personal), personal, 0.0), top).max(initial=0.0)
    shares = np.sort(probs)[::-1].tolist()
    pair = None if mine is None else (float(mine), float(others))
    decision = decide(shares, float(scores[top]), thresholds, personal=pair)
    if decision is not Decision.LOCAL and np.isfinite(personal).any():
        fresh = fuse(row.dense, row.lexical, row.head, weights)
        best = int(np.argmax(fresh))
        p = softmax(fresh, weights.temperature)[best]
        if best == top and fresh[best] >= thresholds.abstain and p >= thresholds.local:
            decision = Decision.LOCAL
    return scores, decision


def _one(
    row: Labelled,
    use: _Use,
    weights: FusionWeights,
    thresholds: Thresholds,
    said: tuple[str, Sequence[str]] | None = None,
) -> tuple[tuple[F64, bool] | None, bool]:
    """The trust features of one request and whether its first candidate is right, when
    the device would be unsure of it and that candidate has learned examples (else None);
    and whether the device decided it locally and rightly on its own (nothing to learn)."""
    if row.tools is None or not row.dense.size:
        return None, False
    nearest = use.nearest()
    personal = nearest[row.tools]
    scores, decision = _scored(row, personal, weights, thresholds)
    top = int(np.argmax(scores))
    right = bool(row.in_scope and top == row.target)
    if decision not in _UNSURE or not np.isfinite(personal[top]):
        return None, decision is Decision.LOCAL and right
    tool = int(row.tools[top])
    sure = use.nearest(confirmed_only=True)[tool]
    other = float(np.delete(nearest, tool).max(initial=-np.inf))
    examples = int(np.count_nonzero(use.learned & (use.labels == tool)))
    fresh = fuse(row.dense, row.lexical, row.head, weights)
    template = NO_TEMPLATE if said is None else use.templates(*said, tool)
    evidence = (float(personal[top]), float(sure), other)
    x = trust_features(scores, fresh, weights.temperature, evidence, examples, template)
    return (x, right), False
