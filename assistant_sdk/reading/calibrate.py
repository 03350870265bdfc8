"""Thresholds for the act decision that one request cannot move: confidence bounds, not
the single highest or lowest score.

    act_threshold(scores, right, precision=0.98)     # lowest score the device may act from
    refusal_threshold(in_scope_scores, floor=0.7)    # refusal confidence that stops it

Both use the Wilson score interval at ``Z`` (one-sided 95%): the device acts from the lowest
score whose accepted rows are right at least ``precision`` of the time *by the interval's
lower bound*, so a threshold fitted on few rows is cautious and one fitted on many is not
pulled about by one of them. Pure numpy, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "NEVER",
    "Z",
    "act_threshold",
    "best_lower",
    "refusal_threshold",
    "wilson_lower",
    "wilson_upper",
]

Z = 1.645
"""The normal quantile of the bounds: one-sided 95%."""
NEVER = 1.01
"""A threshold no probability reaches."""

F64 = NDArray[np.float64]


def wilson_lower(hits: F64 | float, n: F64 | float, z: float = Z) -> F64:
    """The Wilson score interval's lower bound of a share ``hits / n``."""
    hits, n = np.asarray(hits, np.float64), np.maximum(np.asarray(n, np.float64), 1.0)
    share = hits / n
    centre = share + z * z / (2 * n)
    margin = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    out: F64 = (centre - margin) / (1 + z * z / n)
    return out


def wilson_upper(hits: F64 | float, n: F64 | float, z: float = Z) -> F64:
    """The Wilson score interval's upper bound of a share ``hits / n``."""
    n_ = np.maximum(np.asarray(n, np.float64), 1.0)
    out: F64 = 1.0 - wilson_lower(n_ - np.asarray(hits, np.float64), n_, z)
    return out


def act_threshold(scores: Sequence[float], right: Sequence[bool], precision: float) -> float:
    """The lowest score whose accepted rows (those scoring at least it) are right at least
    ``precision`` of the time by the Wilson lower bound; ``NEVER`` when no score is."""
    if not scores:
        return NEVER
    values = np.asarray(scores, np.float64)
    order = np.argsort(-values, kind="stable")
    ranked = values[order]
    hits = np.cumsum(np.asarray(right, np.float64)[order])
    lower = wilson_lower(hits, np.arange(1, len(order) + 1, dtype=np.float64))
    ends = np.append(ranked[1:] != ranked[:-1], True)  # rows sharing a score go together
    ok = np.nonzero((lower >= precision) & ends)[0]
    return float(ranked[ok[-1]]) if ok.size else NEVER


def best_lower(scores: Sequence[float], right: Sequence[bool]) -> float:
    """The highest Wilson lower bound of precision over the shares ``act_threshold`` weighs
    (the rows scoring at least some score): how close the rows came to certifying any
    precision; 0 with no rows."""
    if not scores:
        return 0.0
    values = np.asarray(scores, np.float64)
    order = np.argsort(-values, kind="stable")
    ranked = values[order]
    hits = np.cumsum(np.asarray(right, np.float64)[order])
    lower = wilson_lower(hits, np.arange(1, len(order) + 1, dtype=np.float64))
    ends = np.append(ranked[1:] != ranked[:-1], True)
    return float(lower[ends].max())


def refusal_threshold(in_scope: Sequence[float], floor: float, rate: float) -> float:
    """The lowest refusal confidence, at least ``floor``, from which at most ``rate`` of
    requests the device should act on (``in_scope``) would be refused, by the Wilson upper
    bound of that share."""
    values = np.sort(np.asarray(in_scope, np.float64))[::-1]
    n = len(values)
    if n == 0:
        return floor
    refused = np.arange(0, n + 1, dtype=np.float64)
    ok = np.nonzero(wilson_upper(refused, float(n)) <= rate)[0]
    allowed = int(ok[-1]) if ok.size else 0
    if allowed >= n:
        return floor
    return float(min(NEVER, max(floor, values[allowed] + 1e-6)))


def ridge_logistic(
    x: F64, y: F64, l2: float, *, iterations: int = 50, clip: float = 40.0
) -> tuple[F64, float]:
    """A logistic model's weights and intercept, by Newton's method on the likelihood with a
    ridge penalty ``l2`` on the weights (not on the intercept); pure numpy."""
    z = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    ridge = np.full(z.shape[1], l2)
    ridge[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -clip, clip)))
        gradient = z.T @ (p - y) + ridge * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(ridge + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return w[:-1], float(w[-1])
