"""Trust in the device's first candidate, learned from simulated use.

When the device is unsure of a request (it would ask the engine, or the user to choose) but
its first candidate has personal examples learned from use, a small logistic model of "the
first candidate is right" decides whether the device takes it on its own:

    model = fit_trust(features, right, groups)       # at Resolver.fit, from simulate.replay
    model.trusts(trust_features(...))                # at resolve time

Its inputs (``FEATURES``) are evidence the resolver has already: the fused top score, its
lead over the second, the calibrated probability, the similarity to the nearest learned
and the nearest *confirmed* example of the first tool (one the device's own ranking had
put first too), the similarity to the nearest learned example of any other tool, how many
examples the first tool has learned, whether the nearest learned example is the first
tool's, whether the ranking without personal examples agrees, and how well the request
fits the learned examples' templates (``templates.template_match``: the share of the first
tool's best template's fixed words said in order, the share of the request's words outside
it, and the best share over other tools' templates; and, where one of the first tool's
templates is said whole, its fixed words in order with the values in their places and no
other word (``templates.template_said``), that, its lead over the other tools' best share
and the rest of the words, since a template said whole is evidence of its own kind, not
more of a partial match). The probability at or above which the device acts is fitted for
a target precision by the Wilson lower bound (``reading.calibrate.act_threshold``) over
out-of-fold predictions, folds grouped by tool, so a threshold is never fitted on the rows
it judges. The simulated requests said whole are also judged on their own by the same
bound: where they reach it, a request said whole is trusted whatever its probability
(``TrustModel.said_whole``: the same intent said again with other values, which a linear
model weighs as one input among many). Pure numpy, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ..reading.calibrate import NEVER, act_threshold, ridge_logistic, wilson_lower
from .ranking import F64, fuse, softmax

if TYPE_CHECKING:
    from .calibrate import Calibration
    from .features import Features

__all__ = [
    "FEATURES",
    "TrustModel",
    "fit_trust",
    "learned_evidence",
    "learned_trust",
    "template_evidence",
    "trust_features",
]

FEATURES = (
    "top_score",
    "lead",
    "probability",
    "nearest_mine",
    "nearest_confirmed",
    "nearest_other",
    "log_examples",
    "nearest_is_mine",
    "ranking_agrees",
    "template_mine",
    "template_rest",
    "template_other",
    "template_said",
    "said_lead",
    "said_rest",
)
"""The model's inputs, in order (``trust_features``)."""
_SAID = FEATURES.index("template_said")

NEAREST_TEMPLATES = 10
"""How many of a request's nearest learned examples its template evidence looks at."""
NO_TEMPLATE = (0.0, 1.0, 0.0, 0.0)
"""Template evidence where no learned example's template is known."""
_FOLDS = 5
_RIDGE = 1.0
_MIN_RIGHT = 20
"""Fewer right first candidates than this in the simulated use: no model (the fitted
threshold could not be trusted)."""


@dataclass(frozen=True, slots=True)
class TrustModel:
    """A fitted logistic model over standardised ``FEATURES`` and its act threshold."""

    coefficients: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    """Probability at or above which the device trusts its first candidate (``NEVER``:
    not at all)."""
    said_whole: bool = False
    """Whether a request that says one of its first candidate's learned templates whole
    (``template_said``) is trusted whatever the probability: the simulated requests said
    whole were right ``precision`` of the time by the Wilson lower bound on their own."""

    def __post_init__(self) -> None:
        sizes = {len(self.coefficients), len(self.mean), len(self.scale)}
        if sizes != {len(FEATURES)}:
            raise ValueError(f"a trust model needs {len(FEATURES)} coefficients, means, scales")
        values = (*self.coefficients, *self.mean, *self.scale, self.intercept, self.threshold)
        if not all(np.isfinite(values)) or min(self.scale) <= 0:
            raise ValueError("a trust model's numbers must be finite and its scales positive")

    def probability(self, x: F64) -> F64:
        """P(the first candidate is right) for rows of features (or one row)."""
        z = (np.asarray(x, np.float64) - np.array(self.mean)) / np.array(self.scale)
        out: F64 = 1.0 / (1.0 + np.exp(-(z @ np.array(self.coefficients) + self.intercept)))
        return out

    def trusts(self, x: F64) -> bool:
        """Whether the device takes its first candidate for one request's features."""
        if self.said_whole and x[_SAID] >= 1.0:
            return True
        return bool(self.probability(x) >= self.threshold)

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "coefficients": list(self.coefficients),
            "intercept": self.intercept,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "threshold": self.threshold,
            "said_whole": self.said_whole,
        }

    @classmethod
    def from_dict(cls, data: object) -> TrustModel:
        """The model saved by ``to_dict``; ``ValueError`` for anything else (another feature
        list included: a model is only read with the features it was fitted on)."""
        if not isinstance(data, Mapping) or data.get("features") != list(FEATURES):
            raise ValueError(f"a trust model must be an object over the features {FEATURES}")
        try:
            return cls(
                tuple(float(v) for v in data["coefficients"]),
                float(data["intercept"]),
                tuple(float(v) for v in data["mean"]),
                tuple(float(v) for v in data["scale"]),
                float(data["threshold"]),
                bool(data.get("said_whole", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"a trust model is missing or mistypes a number ({exc})") from None


def trust_features(
    scores: F64,
    fresh: F64,
    temperature: float,
    nearest: tuple[float, float, float],
    examples: int,
    template: tuple[float, float, float, float] = NO_TEMPLATE,
) -> F64:
    """One request's ``FEATURES``. ``scores``: its candidates' fused scores with personal
    examples (the first candidate is their argmax), ``fresh``: without them; ``nearest``:
    the similarity to the first tool's nearest learned example, its nearest confirmed one
    and the nearest learned example of any other tool (-inf where there is none);
    ``examples``: how many examples the first tool has learned; ``template``: the
    ``template_evidence``."""
    top = int(np.argmax(scores))
    lead = float(scores[top] - np.partition(scores, -2)[-2]) if scores.size > 1 else 0.0
    mine, confirmed, other = (s if np.isfinite(s) else 0.0 for s in nearest)
    whole = template[3]
    return np.array(
        [
            float(scores[top]),
            lead,
            float(softmax(scores, temperature)[top]),
            mine,
            confirmed,
            other,
            float(np.log1p(examples)),
            float(nearest[0] > nearest[2]),
            float(int(np.argmax(fresh)) == top),
            *template[:3],
            whole,
            whole * (template[0] - template[2]),
            whole * template[1],
        ]
    )


def learned_evidence(
    learned: Sequence[tuple[str, float]], tool: str, confirmed: frozenset[str]
) -> tuple[float, float, float]:
    """From the personal-example entries among a request's nearest (``u:tool:digest``, with
    similarities): the nearest of ``tool``, its nearest ``confirmed`` one, and the nearest
    of any other tool (-inf for none)."""
    mine = confirmed_mine = other = -np.inf
    for entry, score in learned:
        if entry[2:].rsplit(":", 1)[0] != tool:
            other = max(other, score)
            continue
        mine = max(mine, score)
        if entry in confirmed:
            confirmed_mine = max(confirmed_mine, score)
    return mine, confirmed_mine, other


def template_evidence(
    request: str, nearest: Sequence[tuple[str, float]], templates: Mapping[str, str], tool: str
) -> tuple[float, float, float, float]:
    """How ``request`` fits the templates of its ``NEAREST_TEMPLATES`` nearest learned
    examples (``nearest``: ``(u:tool:digest, similarity)``; ``templates``: each one's stored
    template): the best fixed-word share among ``tool``'s and the rest of the request's
    words beside it, the best share among other tools', and whether one of ``tool``'s is
    said whole (``templates.template_said``; that one is the best; ``NO_TEMPLATE`` parts
    for none)."""
    ranked = sorted(((s, e) for e, s in nearest if e in templates), reverse=True)
    fits = [(e[2:].rsplit(":", 1)[0] == tool, templates[e]) for _, e in ranked]
    return best_template(request, fits[:NEAREST_TEMPLATES])


def best_template(
    request: str, fits: Sequence[tuple[bool, str]]
) -> tuple[float, float, float, float]:
    """``template_evidence`` over templates already chosen (``fits``: whether each is the
    first tool's, and the template)."""
    from .templates import template_match, template_said

    mine, rest, other, said = NO_TEMPLATE
    for own, template in fits:
        share, left = template_match(request, template)
        if not own:
            other = max(other, share)
            continue
        whole = float(template_said(request, template))
        if (whole, share, -left) > (said, mine, -rest):
            mine, rest, said = share, left, whole
    return mine, rest, other, said


def learned_trust(
    calibration: Calibration,
    features: Features,
    tool: str,
    learned: Mapping[str, tuple[str, str]],
    confirmed: frozenset[str],
    request: tuple[str, Mapping[str, str]] = ("", {}),
) -> bool:
    """Whether ``calibration.trust`` takes ``tool``, the first candidate of a request with
    these ``features``, on the device: only when one of its learned examples is among the
    request's nearest entries. ``learned``: every learned entry (id -> (tool, text));
    ``confirmed``: the ids of those the device's own ranking had put first; ``request``: the
    request's text and the learned entries' templates (id -> template)."""
    nearest = learned_evidence(features.learned, tool, confirmed)
    if calibration.trust is None or features.fresh is None or not np.isfinite(nearest[0]):
        return False
    weights = calibration.weights
    scores = fuse(features.dense, features.lexical, features.head, weights)
    fresh = fuse(features.fresh, features.lexical, features.head, weights)
    examples = sum(owner == tool for owner, _ in learned.values())
    template = template_evidence(request[0], features.learned, request[1], tool)
    x = trust_features(scores, fresh, weights.temperature, nearest, examples, template)
    return calibration.trust.trusts(x)


def fit_trust(
    x: F64,
    right: NDArray[np.bool_],
    groups: NDArray[np.int64],
    judged: NDArray[np.bool_] | None = None,
    *,
    precision: float = 0.97,
) -> TrustModel | None:
    """The model of ``right`` (the first candidate was right) given features ``x``, and its
    act threshold: the lowest out-of-fold probability whose accepted rows of ``judged`` (by
    default all) are right ``precision`` of the time by the Wilson lower bound. Folds keep
    each group (the request's tool) together. Apart from the model, the rows of ``judged``
    that say a learned template of their first candidate whole (``template_said``) are
    judged on their own, by the same bound: where they reach it, such a request is trusted
    whatever its probability (``TrustModel.said_whole``; a rule with no fitted parameter,
    so nothing to hold out). None with too few right rows, or when neither the model nor
    the rule reaches the bound (the device would never act on them)."""
    right = np.asarray(right, dtype=bool)
    if int(right.sum()) < _MIN_RIGHT or right.all():
        return None
    judged = np.ones(len(right), dtype=bool) if judged is None else judged
    folds = np.asarray(groups, np.int64) % _FOLDS
    held_out = np.zeros(len(right))
    for fold in range(_FOLDS):
        test = folds == fold
        train = ~test
        if not test.any():
            continue
        if right[train].all() or not right[train].any():
            held_out[test] = float(right[train].mean()) if train.any() else 0.0
            continue
        held_out[test] = _logistic(x[train], right[train]).probability(x[test])
    threshold = act_threshold(held_out[judged].tolist(), right[judged].tolist(), precision)
    said = judged & (x[:, _SAID] >= 1.0)
    whole = bool(
        said.any() and wilson_lower(float(right[said].sum()), float(said.sum())) >= precision
    )
    if threshold >= NEVER and not whole:
        return None
    model = _logistic(x, right)
    return TrustModel(
        model.coefficients, model.intercept, model.mean, model.scale, threshold, whole
    )


def _logistic(x: F64, y: NDArray[np.bool_], iterations: int = 30) -> TrustModel:
    """Ridge logistic regression on standardised features, by Newton's method."""
    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    weights, intercept = ridge_logistic(
        (x - mean) / scale, y.astype(np.float64), _RIDGE, iterations=iterations, clip=30.0
    )
    return TrustModel(
        tuple(float(v) for v in weights),
        intercept,
        tuple(float(v) for v in mean),
        tuple(float(v) for v in scale),
        NEVER,
    )
