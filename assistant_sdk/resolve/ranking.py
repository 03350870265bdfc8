"""Scoring maths for resolution: lexical BM25, score fusion, a trained head, calibration.

Pure numpy functions and small value classes; no I/O. ``resolver.py`` wires them to the index.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "BM25",
    "FusionWeights",
    "Head",
    "fuse",
    "rrf",
    "softmax",
    "standardise",
    "tokenize",
    "train_head",
]

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(
    "a an the to of for and or in on at me my i you your is are be it this that with please "
    "can could would will do does what".split()
)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens without the commonest function words."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP]


class BM25:
    """Okapi BM25 over one document per tool, with precomputed per-term weights."""

    def __init__(self, documents: Sequence[str], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.size = len(documents)
        tokenised = [tokenize(d) for d in documents]
        lengths = np.array([len(t) for t in tokenised], dtype=np.float64)
        avg = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        postings: dict[str, list[tuple[int, int]]] = {}
        for doc, tokens in enumerate(tokenised):
            for term, count in Counter(tokens).items():
                postings.setdefault(term, []).append((doc, count))
        self._idf: dict[str, float] = {}
        self._postings: dict[str, tuple[NDArray[np.int64], F64]] = {}
        for term, hits in postings.items():
            idf = math.log(1.0 + (self.size - len(hits) + 0.5) / (len(hits) + 0.5))
            docs = np.array([d for d, _ in hits], dtype=np.int64)
            tf = np.array([c for _, c in hits], dtype=np.float64)
            norm = k1 * (1.0 - b + b * lengths[docs] / avg)
            self._idf[term] = idf
            self._postings[term] = (docs, idf * tf * (k1 + 1.0) / (tf + norm))
        self._k1 = k1

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every term of the documents."""
        return frozenset(self._idf)

    def scores(self, query: str) -> tuple[NDArray[np.int64], F64]:
        """Documents that share a term with the query and their scores, normalised to [0, 1]."""
        terms = [t for t in set(tokenize(query)) if t in self._postings]
        if not terms:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        docs = np.concatenate([self._postings[t][0] for t in terms])
        weights = np.concatenate([self._postings[t][1] for t in terms])
        if docs.size * 16 >= self.size:  # dense enough: one pass over the documents, no sort
            totals = np.bincount(docs, weights=weights)
            unique = np.flatnonzero(totals)  # every posting weighs > 0
            totals = totals[unique]
        else:
            unique, inverse = np.unique(docs, return_inverse=True)
            totals = np.bincount(inverse, weights=weights)
        ceiling = sum(self._idf[t] for t in terms) * (self._k1 + 1.0)
        return unique, totals / ceiling


@dataclass(frozen=True, slots=True)
class FusionWeights:
    """How the evidence for one tool is combined into its score."""

    dense: float = 1.0
    lexical: float = 0.25
    head: float = 0.0
    temperature: float = 0.05

    def to_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in ("dense", "lexical", "head", "temperature")}


def fuse(dense: F64, lexical: F64, head: F64 | None, weights: FusionWeights) -> F64:
    """One score per candidate: a weighted sum of dense similarity, BM25 and head log-odds."""
    score = weights.dense * dense + weights.lexical * lexical
    if head is not None and weights.head:
        score = score + weights.head * head
    return score


def standardise(scores: F64) -> F64:
    """Each row (one request's scores over the catalogue) as z-scores, so that evidence on
    different scales (cosine similarity, BM25) can be added."""
    mean = scores.mean(axis=-1, keepdims=True)
    spread = scores.std(axis=-1, keepdims=True)
    return np.asarray((scores - mean) / np.where(spread > 0, spread, 1.0), dtype=np.float64)


def rrf(rankings: Sequence[F64], k: float = 60.0) -> F64:
    """Reciprocal-rank fusion of score matrices (rows are requests): ``sum 1 / (k + rank)``."""
    total = np.zeros_like(rankings[0], dtype=np.float64)
    for scores in rankings:
        ranks = np.argsort(np.argsort(-scores, axis=-1, kind="stable"), axis=-1)
        total += 1.0 / (k + 1.0 + ranks)
    return total


def softmax(scores: F64, temperature: float) -> F64:
    z = scores / max(temperature, 1e-6)
    z = z - z.max(initial=-np.inf) if z.size else z
    e = np.exp(z)
    total = e.sum()
    return e / total if total > 0 else e


@dataclass(frozen=True, slots=True)
class Head:
    """A linear softmax classifier over query embeddings, trained on the tools' examples."""

    weights: F32  # (dim, n_classes)
    bias: F32  # (n_classes,)
    classes: tuple[str, ...]

    def log_probs(self, query: F32, columns: NDArray[np.int64] | None = None) -> F64:
        """Log-probabilities over all classes (or the given columns, renormalised over them)."""
        w = self.weights if columns is None else self.weights[:, columns]
        b = self.bias if columns is None else self.bias[columns]
        z = (query.astype(np.float64) @ w + b).ravel()
        z = z - z.max(initial=0.0)
        return np.asarray(z - np.log(np.exp(z).sum()), dtype=np.float64)


def train_head(
    x: F32,
    labels: Sequence[str],
    *,
    l2: float = 1e-4,
    epochs: int = 300,
    learning_rate: float = 1.0,
    scale: float = 10.0,
) -> Head:
    """Multinomial logistic regression by full-batch gradient descent (features are unit vectors).

    ``scale`` multiplies the features so a unit-norm embedding can reach confident logits.
    """
    classes = tuple(sorted(set(labels)))
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[label] for label in labels])
    xs = x.astype(np.float64) * scale
    onehot = np.eye(len(classes))[y]
    w = np.zeros((x.shape[1], len(classes)))
    b = np.zeros(len(classes))
    n = len(xs)
    for _ in range(epochs):
        z = xs @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) / n
        w -= learning_rate * (xs.T @ g + l2 * w)
        b -= learning_rate * g.sum(axis=0)
    return Head((w * scale).astype(np.float32), b.astype(np.float32), classes)
