"""A span tagger over the encoder's token states: softmax per token, constrained BIO decoding.

    tagger = train_tagger(sequences, labels=("time", "text"))
    spans = tagger.spans(states, allowed={"time"})

Each word is scored from its own state and its neighbours' (a window of three) through one
ReLU layer, plus a learned weight per word (hashed piece ids), so both meaning and the exact
word count. Decoding is a
Viterbi search over BIO tags that never lets ``I-x`` follow anything but ``B-x``/``I-x`` and
that can be restricted to the labels one tool has; transition scores come from the training
tags. Pure numpy: no torch at fit or run time.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._blas import one_blas_thread

__all__ = ["Sequence_", "Span", "Tagger", "bio_tags", "train_tagger"]

F32 = NDArray[np.float32]
I64 = NDArray[np.int64]
_NEG = -1e9


@dataclass(frozen=True, slots=True)
class Sequence_:
    """One training sequence: token states, word-piece ids and a BIO tag index per token."""

    states: F32
    ids: I64
    tags: I64


@dataclass(frozen=True, slots=True)
class Span:
    """Tokens ``first..last`` (inclusive) tagged ``label``, with the decoder's confidence."""

    label: str
    first: int
    last: int
    confidence: float


def bio_tags(labels: Sequence[str]) -> tuple[str, ...]:
    """Tag names: ``O``, then ``B-x`` and ``I-x`` for each label, in order."""
    return ("O", *[f"{p}-{label}" for label in labels for p in ("B", "I")])


def _window(states: F32) -> F32:
    pad = np.zeros((1, states.shape[1]), dtype=np.float32)
    before = np.concatenate([pad, states[:-1]]) if len(states) else states
    after = np.concatenate([states[1:], pad]) if len(states) else states
    return np.concatenate([states, before, after], axis=1)


@dataclass(frozen=True, slots=True)
class Tagger:
    labels: tuple[str, ...]
    hidden: F32
    """``(3 * dim, units)``: window features to a ReLU layer."""
    hidden_bias: F32
    weights: F32
    """``(units, tags)``: the layer to tag scores."""
    bias: F32
    lexical: F32
    """``(hashed ids, tags)``: a score per word (hashed) and tag."""
    transitions: F32
    """``(tags + 1, tags)``: log-probability of a tag after another (last row: the start)."""

    @property
    def tags(self) -> tuple[str, ...]:
        return bio_tags(self.labels)

    def log_probs(self, states: F32, ids: I64) -> F32:
        inner = np.maximum(_window(states) @ self.hidden + self.hidden_bias, 0.0)
        scores = inner @ self.weights + self.bias
        scores += self.lexical[ids % len(self.lexical)]
        scores -= scores.max(axis=1, keepdims=True)
        out: F32 = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        return out

    def spans(self, states: F32, ids: I64, allowed: Collection[str] | None = None) -> list[Span]:
        """The labelled spans of one sequence, decoding only ``allowed`` labels (None: all)."""
        if len(states) == 0:
            return []
        with one_blas_thread():
            log_probs = self.log_probs(states, ids)
            path = self._viterbi(log_probs, self._mask(allowed))
            return _spans(path, np.exp(log_probs), self.labels)

    def _mask(self, allowed: Collection[str] | None) -> NDArray[np.bool_]:
        keep = np.ones(1 + 2 * len(self.labels), dtype=bool)
        if allowed is not None:
            for n, label in enumerate(self.labels):
                keep[1 + 2 * n : 3 + 2 * n] = label in allowed
        return keep

    def _viterbi(self, log_probs: F32, keep: NDArray[np.bool_]) -> list[int]:
        """The best legal tag path, searched over the kept tags only."""
        tags = np.nonzero(keep)[0]
        legal = _legal(len(self.labels))[np.append(tags, len(keep))][:, tags]
        moves = self.transitions[np.append(tags, len(keep))][:, tags]
        trans = np.where(legal[:-1], moves[:-1], _NEG)
        score = np.where(legal[-1], moves[-1], _NEG) + log_probs[0, tags]
        emit = log_probs[:, tags]
        back = np.zeros((len(log_probs), len(tags)), dtype=np.int64)
        columns = np.arange(len(tags))
        for t in range(1, len(log_probs)):
            total = score[:, None] + trans
            back[t] = np.argmax(total, axis=0)
            score = total[back[t], columns] + emit[t]
        path = [int(np.argmax(score))]
        for t in range(len(log_probs) - 1, 0, -1):
            path.append(int(back[t, path[-1]]))
        return [int(tags[p]) for p in path[::-1]]


@functools.cache
def _legal(n_labels: int) -> NDArray[np.bool_]:
    """Allowed transitions ``(from + start row, to)``: ``I-x`` only after ``B-x`` or ``I-x``."""
    n_tags = 1 + 2 * n_labels
    legal = np.ones((n_tags + 1, n_tags), dtype=bool)
    for n in range(n_labels):
        inside = 2 + 2 * n
        legal[:, inside] = False
        legal[inside - 1, inside] = legal[inside, inside] = True
    return legal


def _spans(path: list[int], probs: F32, labels: Sequence[str]) -> list[Span]:
    found: list[Span] = []
    start: int | None = None
    for t, tag in enumerate([*path, 0]):
        begins = tag % 2 == 1
        if start is not None and (tag == 0 or begins):
            label = (path[start] - 1) // 2
            inside = probs[start:t, 1 + 2 * label] + probs[start:t, 2 + 2 * label]
            conf = float(inside.min())  # every word of the span is of the label (B or I)
            found.append(Span(labels[label], start, t - 1, conf))
            start = None
        if begins:
            start = t
    return found


def train_tagger(
    sequences: Sequence[Sequence_],
    labels: Sequence[str],
    *,
    epochs: int = 8,
    batch: int = 512,
    units: int = 128,
    rate: float = 2e-3,
    l2: float = 1e-5,
    hashed: int = 1 << 15,
    seed: int = 0,
) -> Tagger:
    """Fit the tagger by minibatch Adam on token cross-entropy (deterministic for a seed)."""
    with one_blas_thread():
        return _train(sequences, labels, epochs, batch, units, rate, l2, hashed, seed)


def _train(
    sequences: Sequence[Sequence_],
    labels: Sequence[str],
    epochs: int,
    batch: int,
    units: int,
    rate: float,
    l2: float,
    hashed: int,
    seed: int,
) -> Tagger:
    n_tags = 1 + 2 * len(labels)
    x = np.concatenate([_window(s.states) for s in sequences]).astype(np.float32)
    ids = np.concatenate([s.ids for s in sequences]) % hashed
    y = np.concatenate([s.tags for s in sequences])
    rng = np.random.default_rng(seed)
    scale = np.float32(np.sqrt(2.0 / x.shape[1]))
    dense = [
        (rng.standard_normal((x.shape[1], units)) * scale).astype(np.float32),
        np.zeros(units, np.float32),
        np.zeros((units, n_tags), np.float32),
        np.zeros(n_tags, np.float32),
    ]
    lexical = np.zeros((hashed, n_tags), np.float32)
    adam = _Adam([*dense, lexical], rate)
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for begin in range(0, len(y), batch):
            rows = order[begin : begin + batch]
            grads, touched, lex_grad = _gradients(dense, lexical, x[rows], ids[rows], y[rows], l2)
            adam.step([*grads, lex_grad], touched)
    hidden, hidden_bias, weights, bias = dense
    transitions = _transitions(sequences, n_tags)
    return Tagger(tuple(labels), hidden, hidden_bias, weights, bias, lexical, transitions)


class _Adam:
    """Adam; the last parameter (the word table) is updated only in the rows a batch used."""

    def __init__(self, params: list[F32], rate: float) -> None:
        self.params, self.rate, self.t = params, rate, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, grads: list[F32], touched: I64) -> None:
        self.t += 1
        fix1, fix2 = 1 - 0.9**self.t, 1 - 0.999**self.t
        for n, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            last = n == len(self.params) - 1
            m = self.m[n][touched] if last else self.m[n]
            v = self.v[n][touched] if last else self.v[n]
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            update = self.rate * (m / fix1) / (np.sqrt(v / fix2) + 1e-8)
            if last:
                self.m[n][touched], self.v[n][touched] = m, v
                p[touched] -= update
            else:
                self.m[n], self.v[n] = m, v
                p -= update


def _gradients(
    dense: list[F32], lexical: F32, x: F32, ids: I64, y: I64, l2: float
) -> tuple[list[F32], I64, F32]:
    hidden, hidden_bias, weights, bias = dense
    inner = np.maximum(x @ hidden + hidden_bias, 0.0)
    touched, where = np.unique(ids, return_inverse=True)
    scores = inner @ weights + bias + lexical[ids]
    scores -= scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=1, keepdims=True)
    probs[np.arange(len(y)), y] -= 1.0
    probs /= len(y)
    lex = np.zeros((len(touched), probs.shape[1]), np.float32)
    np.add.at(lex, where, probs)
    back = (probs @ weights.T) * (inner > 0)
    grads = [x.T @ back + l2 * hidden, back.sum(axis=0), inner.T @ probs + l2 * weights]
    return [*grads, probs.sum(axis=0)], touched, lex


def _transitions(sequences: Sequence[Sequence_], n_tags: int) -> F32:
    counts = np.ones((n_tags + 1, n_tags), dtype=np.float64)
    for s in sequences:
        previous = n_tags
        for tag in s.tags.tolist():
            counts[previous, tag] += 1
            previous = tag
    out: F32 = np.log(counts / counts.sum(axis=1, keepdims=True)).astype(np.float32)
    return out
