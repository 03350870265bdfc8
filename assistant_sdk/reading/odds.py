"""A calibrated chance that a frame the device would act on is right, from what the two
readings of the request say about it.

    signs = frame_signs(tool_probability, reading, rules, learned, merged, request, loose, kept)
    odds = fit_odds([s.vector for s in signs], right)     # a small logistic model
    odds.probability(signs.vector)                        # the chance the frame is right

The product of the resolver's probability, the lowest span confidence and the refusal words'
complement ranks frames, but it is not a probability, and it cannot see what the two readings
say of each other: a value only the whole-request reading found, words no reader placed, a
request whose meaning moves when those words are dropped. ``FrameOdds`` weighs these signs
with weights fitted on validation frames judged as the device decides at run time
(``reading.judge``). Pure numpy, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .calibrate import ridge_logistic
from .kinds import SlotFill
from .voices import is_speech

__all__ = ["SIGNS", "FrameOdds", "FrameSigns", "fit_odds", "frame_signs"]

SIGNS = (
    "tool",
    "span",
    "refusal",
    "refusal_peak",
    "unplaced",
    "rules_only",
    "spans_only",
    "agreed",
    "meaning",
    "content",
)
"""What ``FrameOdds`` weighs, in order: the resolver's probability and the lowest span
confidence (as log-odds; 0 when the span reader read no value, since the lowest of no
confidences is no evidence, not certainty), the refusal words' confidence, the highest
chance of any one word being refusal words (``Reading.refusal_peak``, as log-odds: a
condition the best tag path missed shows as a peak of 0.02 against 0.0005, a difference a
weight on the probability itself cannot see), the share of the request's words no reader
placed, the values only the whole-request reading found (the span reader tagged no words for
them), the values only the span reader found, the values both found alike, the cosine
between the request and the request without its unplaced words, and how many of those
unplaced words are content words: not the speech fillers, politeness and texting forms any
request may carry (``reading.voices.is_speech``), nor words of the tool's own phrases:
"weekly", "hypothetically", "dont" left unplaced say something no reader read."""

_EDGE = 1e-4
L2 = 1.0
"""The ridge on the weights (not the bias): a few hundred frames fit a handful of signs."""


@dataclass(frozen=True, slots=True)
class FrameSigns:
    """One frame's signs, in the order of ``SIGNS``."""

    vector: tuple[float, ...]
    product: float
    """The uncalibrated score (tool x lowest span x no refusal), used before odds are fitted."""


def _logit(p: float) -> float:
    p = min(1.0 - _EDGE, max(_EDGE, p))
    return math.log(p / (1.0 - p))


def frame_signs(
    tool_probability: float,
    span_confidence: float,
    refusal_seen: float,
    refusal_peak: float,
    rules: SlotFill,
    learned: SlotFill,
    merged: SlotFill,
    request: str,
    loose: Sequence[str],
    kept: float,
    carrier: frozenset[str] = frozenset(),
) -> FrameSigns:
    """The signs of the frame ``merged`` (``rules`` completed by ``learned``, see
    ``reading.act.merge_fills``), with ``loose`` the words no reader placed, ``kept`` the
    cosine of the request without them and ``carrier`` the words of the tool's own phrases
    (``reading.examples.carrier_words``), which are no content a request adds."""
    words = max(1, len(request.split()))
    rules_only = sum(
        1 for n in merged.arguments if n in rules.arguments and n not in learned.arguments
    )
    spans_only = sum(1 for n in merged.arguments if n not in rules.arguments)
    agreed = sum(
        1 for n, v in learned.arguments.items() if n in rules.arguments and rules.arguments[n] == v
    )
    vector = (
        _logit(tool_probability),
        _logit(span_confidence) if learned.arguments else 0.0,
        refusal_seen,
        _logit(refusal_peak),
        sum(len(w.split()) for w in loose) / words,
        float(rules_only),
        float(spans_only),
        float(agreed),
        kept,
        float(sum(1 for x in _words(loose) if not is_speech(x) and x not in carrier)),
    )
    product = tool_probability * span_confidence * (1.0 - refusal_seen)
    return FrameSigns(vector, product)


def _words(loose: Sequence[str]) -> list[str]:
    return [x.casefold().strip(",.!?;:") for w in loose for x in w.split()]


@dataclass(frozen=True, slots=True)
class FrameOdds:
    """A logistic model over ``SIGNS``: ``probability(signs) = sigmoid(w . signs + bias)``."""

    weights: tuple[float, ...]
    bias: float

    def probability(self, signs: Sequence[float]) -> float:
        z = float(np.dot(np.asarray(self.weights), np.asarray(signs))) + self.bias
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def fit_odds(
    signs: Sequence[Sequence[float]], right: Sequence[bool], l2: float = L2
) -> FrameOdds | None:
    """The logistic model's weights by Newton's method on the ridge-penalised likelihood;
    None when the frames are all right or all wrong (nothing to weigh)."""
    y = np.asarray(right, np.float64)
    if len(y) == 0 or y.min() == y.max():
        return None
    x: NDArray[np.float64] = np.asarray(signs, np.float64)
    weights, bias = ridge_logistic(x, y, l2)
    return FrameOdds(tuple(float(v) for v in weights), bias)
