"""Questions about the user answered on the device from their facts, at zero tokens.

"who is my boss" and "what's my home address" ask for a fact the device already holds, so no
tool and no engine is needed. Each fact gets the question its kind answers ("who is my boss"
for an alias, "what is my home address" for a place); a request that is close in meaning to one
of those questions, closer than to any tool, is answered from that fact:

    answers = FactAnswerer(embedder)
    answer = answers.answer(resolution, facts, policy)
    if answer is not None:
        print(answer.text)          # "Your boss is Alex Kim."

The answer is shown on the device and sent nowhere. It carries the fact's data class and where
the policy lets that class go, so whatever carries the reply on (a conversation's history, a
summary) can hold it to the same policy as the fact itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..privacy.policy import Destination, PrivacyPolicy
from ..types import Fact, FactKind, Resolution

if TYPE_CHECKING:
    from embeddings.base import Embedder

__all__ = ["ANSWER_SIMILARITY", "FactAnswer", "FactAnswerer"]

ANSWER_SIMILARITY = 0.75
"""How close (cosine) a request must be to a fact's question to be answered from the fact,
until ``Resolver.fit`` fits it (``thresholds.fact_answer``, from ``fact_fit``)."""

#: The question each kind of fact answers, and the answer's sentence. Kinds not named here
#: (requests kept as examples of a tool) answer no question.
QUESTIONS: dict[FactKind, tuple[str, str]] = {
    FactKind.ALIAS: ("who is my {key}", "Your {key} is {value}."),
    FactKind.PLACE: ("what is my {key} address", "Your {key} address is {value}."),
    FactKind.PREFERENCE: ("which app do I use for {key}", "For {key} you use {value}."),
    FactKind.NOTE: ("what is my {key}", "Your {key}: {value}."),
}


@dataclass(frozen=True, slots=True)
class FactAnswer:
    """An answer from one fact, and how sure the match was."""

    text: str
    fact: Fact
    similarity: float
    may_go: Destination
    """Where the policy lets the fact's data class go (``device``: nowhere else)."""


class FactAnswerer:
    """Matches requests to the questions the user's facts answer (vectors cached per question)."""

    def __init__(
        self, embedder: Embedder, threshold: float | Callable[[], float] = ANSWER_SIMILARITY
    ) -> None:
        self.embedder = embedder
        self._threshold = threshold
        self._vectors: dict[str, np.ndarray] = {}

    @property
    def threshold(self) -> float:
        """The similarity an answer needs; a callable ``threshold`` is read at each request
        (``Assistant`` passes its resolver's fitted one, which a later ``fit`` changes)."""
        return self._threshold() if callable(self._threshold) else self._threshold

    def answer(
        self, resolution: Resolution, facts: list[Fact], policy: PrivacyPolicy
    ) -> FactAnswer | None:
        """The answer to ``resolution.request`` from ``facts``, or None when it asks no fact
        (or a tool fits it at least as well as the fact's question does)."""
        facts = [f for f in facts if f.kind in QUESTIONS]  # kept requests answer nothing
        if not facts or not resolution.request.strip():
            return None
        questions = [question(f) for f in facts]
        vectors = self._embed(questions)
        request = np.asarray(self.embedder.embed_queries([resolution.request]))[0]
        scores = vectors @ request
        best = int(np.argmax(scores))
        similarity = float(scores[best])
        rival = max((c.dense for c in resolution.candidates), default=0.0)
        if similarity < self.threshold or similarity <= rival:
            return None
        fact = facts[best]
        text = QUESTIONS[fact.kind][1].format(key=fact.key, value=fact.value)
        return FactAnswer(text, fact, similarity, policy.limit(fact.data_class))

    def _embed(self, questions: list[str]) -> np.ndarray:
        new = [q for q in dict.fromkeys(questions) if q not in self._vectors]
        if new:
            vectors = np.asarray(self.embedder.embed_queries(new))
            self._vectors.update(zip(new, vectors, strict=True))
        return np.stack([self._vectors[q] for q in questions])


def question(fact: Fact) -> str:
    """The question ``fact`` answers ("who is my boss")."""
    return QUESTIONS[fact.kind][0].format(key=fact.key)
