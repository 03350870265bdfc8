"""Calibration: fusion weights, temperature and decision thresholds, fitted on labelled data.

``fit_calibration`` takes the candidate features of labelled validation requests and chooses,
in order: the fusion weights that rank the right tool first most often, the temperature that
makes the probabilities honest (lowest negative log-likelihood), the abstention threshold on the
top fused score (best decision accuracy when out-of-scope rows exist, otherwise a low quantile
of in-scope scores), and the probability above which one tool is trusted for local handling.
``Thresholds.fact_answer`` is fitted beside them by ``fact_fit`` (``Resolver.fit`` sets it).

A fitted ``Calibration`` carries the example head it was fitted with: its weights give that head
a share of every score, so the two are one value. A calibration that weighs a head it does not
carry cannot be made.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigurationError
from ..types import Decision
from .fact_answers import ANSWER_SIMILARITY
from .ranking import F64, FusionWeights, Head, fuse, softmax
from .trust import FEATURES, TrustModel

__all__ = [
    "Calibration",
    "Labelled",
    "Personal",
    "Thresholds",
    "cross_similarities",
    "decide",
    "fit_calibration",
    "fit_learned",
    "fit_personal",
    "leave_one_out",
    "with_personal",
]


@dataclass(frozen=True, slots=True)
class Thresholds:
    abstain: float = 0.3
    """Top fused score below which the request is out of scope."""
    local: float = 0.7
    """Top probability at or above which one tool is trusted for on-device handling."""
    clarify: float = 0.25
    """Second probability at or above which a split decision asks the user to choose."""
    learned: float = 0.7
    """``local`` for a request whose top tool scores by one of its personal examples (they
    raise dense scores, so that confidence is calibrated on its own)."""
    personal: float = 0.85
    """Similarity to one of the top tool's personal examples (learned from use) at or above
    which the device trusts it, when no other tool has a closer one. ``Resolver.fit`` fits it;
    the default is the all-MiniLM-L6-v2 similarity at which the nearest earlier request named
    the same function 97% of the time on the pooled catalogue's dev half."""
    confirmed: float = 1.01
    """Similarity to a personal example whose request the device's own ranking had put first
    too (the engine confirmed it) at or above which a request whose ranking puts that tool
    first is trusted on the device (``repeats.fit_confirmed``; 1.01 with no margin weight:
    never). Compared with that similarity plus ``confirmed_margin`` times the ranking's lead."""
    confirmed_margin: float = 0.0
    """How much the ranking's lead (first fused score minus second) adds to that similarity."""
    fact_answer: float = ANSWER_SIMILARITY
    """Similarity to a fact's question at or above which the fact answers the request
    (``fact_fit.fit_facts``)."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """Fusion weights, thresholds and the example head they were fitted with, as one value."""

    weights: FusionWeights = field(default_factory=FusionWeights)
    thresholds: Thresholds = field(default_factory=Thresholds)
    fitted: bool = False
    head: Head | None = field(default=None, compare=False, repr=False)
    """The head whose log-probabilities ``weights.head`` scales (None: no head)."""
    trust: TrustModel | None = None
    """When the device trusts its first candidate from what it learned (``trust``; None:
    the confirmed threshold decides, as for a calibration saved before there was one)."""

    def __post_init__(self) -> None:
        if self.weights.head and self.head is None:
            raise ConfigurationError(
                f"This calibration gives an example head the weight {self.weights.head}, but "
                "carries no head; use the Calibration that Resolver.fit returned (it carries "
                "the head it was fitted with) or set the head weight to 0"
            )

    def to_dict(self) -> dict[str, object]:
        """The JSON part (the head's arrays are saved beside it by ``save_resolver``)."""
        t = self.thresholds
        return {
            "weights": self.weights.to_dict(),
            "thresholds": {
                "abstain": t.abstain,
                "local": t.local,
                "clarify": t.clarify,
                "learned": t.learned,
                "personal": t.personal,
                "confirmed": t.confirmed,
                "confirmed_margin": t.confirmed_margin,
                "fact_answer": t.fact_answer,
            },
            "fitted": self.fitted,
            **({"trust": self.trust.to_dict()} if self.trust is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object], head: Head | None = None) -> Calibration:
        weights = FusionWeights(**data["weights"])  # type: ignore[arg-type]
        thresholds = Thresholds(**data["thresholds"])  # type: ignore[arg-type]
        saved = data.get("trust")
        older = isinstance(saved, dict) and isinstance(saved.get("features"), list)
        if older and saved["features"] != list(FEATURES):  # type: ignore[index]
            saved = None  # fitted on other features: the confirmed rule decides until refitted
        trust = TrustModel.from_dict(saved) if saved is not None else None
        return cls(weights, thresholds, bool(data.get("fitted", False)), head, trust)


def decide(
    probabilities: Sequence[float],
    top_score: float | None,
    t: Thresholds,
    *,
    personal: tuple[float, float] | None = None,
) -> Decision:
    """Turn ranked probabilities and the top fused score into a decision. ``personal``, when
    the top tool scores by one of its personal examples, is that similarity and the best of
    any other tool's personal examples: the ``learned`` threshold then stands for ``local``,
    and a request as close to one the user settled before as ``personal`` is that request
    again."""
    if not probabilities or top_score is None or top_score < t.abstain:
        return Decision.OUT_OF_SCOPE
    p1 = probabilities[0]
    p2 = probabilities[1] if len(probabilities) > 1 else 0.0
    local = t.local if personal is None else t.learned
    if personal is not None and personal[0] >= t.personal and personal[0] > personal[1]:
        return Decision.LOCAL
    if p1 >= local:
        return Decision.LOCAL
    if p2 >= t.clarify and p1 + p2 >= local:
        return Decision.CLARIFY
    return Decision.ENGINE


@dataclass(frozen=True, slots=True)
class Labelled:
    """Features of one validation request and the position of the right tool among them."""

    dense: F64
    lexical: F64
    head: F64 | None
    target: int | None
    """Index of the right tool in the candidate arrays; None if absent or out of scope."""
    in_scope: bool
    tools: NDArray[np.int64] | None = None
    """The candidates' positions in the catalogue (for ``fit_personal``)."""


_HEAD_GRID = (0.0, 0.02, 0.05, 0.1, 0.2, 0.4)
_LEXICAL_GRID = (0.0, 0.1, 0.25, 0.5)
_TEMPERATURES = tuple(float(t) for t in np.geomspace(0.005, 1.0, 40))


def fit_calibration(
    rows: Sequence[Labelled], *, head: Head | None = None, local_precision: float = 0.97
) -> Calibration:
    """Fit weights, temperature and thresholds on labelled validation features.

    ``head`` is the example head whose scores the rows' ``head`` features hold; the result
    carries it. Without one, the head features are ignored and its weight is 0."""
    has_head = head is not None and any(r.head is not None for r in rows)
    grid = itertools.product(_HEAD_GRID if has_head else (0.0,), _LEXICAL_GRID)
    best = max(grid, key=lambda hl: _top1(rows, FusionWeights(1.0, hl[1], hl[0])))
    weights = FusionWeights(dense=1.0, lexical=best[1], head=best[0])
    temperature = min(_TEMPERATURES, key=lambda t: _nll(rows, weights, t))
    weights = FusionWeights(weights.dense, weights.lexical, weights.head, temperature)
    tops, probs, correct = _outcomes(rows, weights)
    in_scope = np.array([r.in_scope for r in rows])
    abstain = _fit_abstain(tops, correct, in_scope)
    local = _fit_local(probs[:, 0], correct & (tops >= abstain), local_precision)
    thresholds = Thresholds(abstain=abstain, local=local)
    return Calibration(weights, thresholds, fitted=True, head=head)


def _scores(row: Labelled, weights: FusionWeights) -> F64:
    return fuse(row.dense, row.lexical, row.head, weights)


def _top1(rows: Sequence[Labelled], weights: FusionWeights) -> float:
    hits = [int(np.argmax(_scores(r, weights))) == r.target for r in rows if r.in_scope]
    return float(np.mean(hits)) if hits else 0.0


def _nll(rows: Sequence[Labelled], weights: FusionWeights, temperature: float) -> float:
    losses = [
        -np.log(softmax(_scores(r, weights), temperature)[r.target] + 1e-12)
        for r in rows
        if r.target is not None
    ]
    return float(np.mean(losses)) if losses else 0.0


def _outcomes(rows: Sequence[Labelled], weights: FusionWeights) -> tuple[F64, F64, np.ndarray]:
    tops, probs, correct = [], [], []
    for r in rows:
        s = _scores(r, weights)
        p = np.sort(softmax(s, weights.temperature))[::-1]
        tops.append(float(s.max()) if s.size else -np.inf)
        probs.append([p[0] if p.size else 0.0, p[1] if p.size > 1 else 0.0])
        correct.append(r.target is not None and s.size > 0 and int(np.argmax(s)) == r.target)
    return np.array(tops), np.array(probs), np.array(correct, dtype=bool)


def _fit_abstain(tops: F64, correct: np.ndarray, in_scope: np.ndarray) -> float:
    if in_scope.all():
        return float(np.quantile(tops[in_scope], 0.01)) - 1e-6 if tops.size else 0.0
    candidates = np.unique(np.concatenate([[-np.inf], tops]))

    def accuracy(threshold: float) -> float:
        kept = tops >= threshold
        return float(np.mean(np.where(in_scope, kept & correct, ~kept)))

    return float(max(candidates, key=accuracy))


def _fit_local(top_prob: F64, correct: np.ndarray, precision: float) -> float:
    """The lowest probability whose accepted rows are right at least ``precision`` of the time."""
    order = np.argsort(-top_prob)
    hits = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    ok = np.nonzero(hits >= precision)[0]
    if ok.size == 0 or ok[-1] < 4:
        return 1.01
    return float(top_prob[order][ok[-1]])


Personal = tuple[F64, float]
"""For one labelled request: each candidate's best similarity to its personal examples, and the
best similarity to a personal example of any tool."""


def leave_one_out(
    rows: Sequence[Labelled],
    vectors: F64 | NDArray[np.float32],
    labels: NDArray[np.int64],
    n_tools: int,
    documents: F64 | NDArray[np.float32] | None = None,
) -> list[Personal | None]:
    """Personal evidence for each labelled request when every *other* one (its vector in
    ``vectors``, its tool's catalogue position in ``labels``, -1 out of scope) had been learned
    as a personal example of its tool: the device after long use. ``documents``: each one's
    vector as it would be learned, when that differs from ``vectors``. None for a row without
    candidates."""
    sims = cross_similarities(vectors, documents)
    known = labels >= 0
    out: list[Personal | None] = []
    for i, row in enumerate(rows):
        if row.tools is None or not row.dense.size:
            out.append(None)
            continue
        personal = np.zeros(n_tools)
        np.maximum.at(personal, labels[known], sims[i, known])
        out.append((personal[row.tools], float(personal.max(initial=0.0))))
    return out


def cross_similarities(
    vectors: F64 | NDArray[np.float32], documents: F64 | NDArray[np.float32] | None = None
) -> F64:
    """Each request's similarity to every other one as learned (``documents``, or the same
    vectors), its own left out (-inf)."""
    x = np.asarray(vectors, dtype=np.float64)
    sims = x @ (x if documents is None else np.asarray(documents, dtype=np.float64)).T
    np.fill_diagonal(sims, -np.inf)
    return sims


def with_personal(rows: Sequence[Labelled], personal: Sequence[Personal | None]) -> list[Labelled]:
    """The rows as the resolver scores them with those personal examples indexed (a personal
    example counts in a tool's dense score like any of its examples)."""
    return [
        replace(row, dense=np.maximum(row.dense, p[0])) if p is not None else row
        for row, p in zip(rows, personal, strict=True)
    ]


def fit_learned(
    rows: Sequence[Labelled],
    personal: Sequence[Personal | None],
    abstain: float,
    weights: FusionWeights,
    precision: float = 0.97,
) -> float:
    """``Thresholds.learned``: the local threshold for requests whose top tool scores by one
    of its personal examples, from ``leave_one_out`` evidence, under the fusion weights and
    temperature fitted without them."""
    kept: list[Labelled] = []
    for row, used in zip(rows, with_personal(rows, personal), strict=True):
        scores = fuse(used.dense, used.lexical, used.head, weights)
        top = int(np.argmax(scores)) if scores.size else -1
        if top >= 0 and used.dense[top] > row.dense[top]:
            kept.append(used)
    if not kept:
        return 1.01
    tops, probs, correct = _outcomes(kept, weights)
    return _fit_local(probs[:, 0], correct & (tops >= abstain), precision)


def fit_personal(
    rows: Sequence[Labelled],
    personal: Sequence[Personal | None],
    weights: FusionWeights,
    *,
    precision: float = 0.97,
) -> float:
    """The lowest similarity to a personal example at which ``decide`` may trust it, from
    ``leave_one_out`` evidence. Accepted are the rows whose top tool has the closest personal
    example of all; the threshold is the lowest at which they are right ``precision`` of the
    time (1.01, never, with too few)."""
    found: list[tuple[float, bool]] = []
    for row, evidence in zip(rows, personal, strict=True):
        if evidence is None or row.tools is None:
            continue
        mine, best = evidence
        scores = fuse(np.maximum(row.dense, mine), row.lexical, row.head, weights)
        top = int(np.argmax(scores))
        others = np.delete(mine, top).max(initial=0.0)
        if mine[top] >= best and mine[top] > others:
            found.append((float(mine[top]), row.in_scope and top == row.target))
    if not found:
        return 1.01
    similarity = np.array([s for s, _ in found])
    return _fit_local(similarity, np.array([c for _, c in found], dtype=bool), precision)
