"""Plan on the device when the request is simple: the calibrated act-on-device decision lives
in ``assistant_sdk.reading.decide``; this module keeps its import path."""

from __future__ import annotations

from .reading.answers import answer_clarification
from .reading.decide import (
    CONFIDENT,
    Clarification,
    LocalPlan,
    PartialPlan,
    decide,
    in_user_words,
    plan_locally,
    what_was_read,
)

__all__ = [
    "CONFIDENT",
    "Clarification",
    "LocalPlan",
    "PartialPlan",
    "answer_clarification",
    "decide",
    "in_user_words",
    "plan_locally",
    "what_was_read",
]
