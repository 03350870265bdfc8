"""A span tagger over the encoder's token states: a linear-chain CRF with constrained BIO decoding.

    tagger = train_tagger(sequences, labels=("time", "text"))
    spans = tagger.spans(states, allowed={"time"})

Each word is scored from its own state and its neighbours' (a window of three) through one
ReLU layer, plus learned weights of hashed word features (the word, two neighbours each side,
the word pair before it, and the word's spelling features when ``ids`` carries them: see
``words.spelling_ids``), so meaning, the exact words and their form all count. Training
maximises the likelihood of whole tag sequences (forward-backward, ``_crf.py``), so the
transition scores are learned with the word scores. Decoding is a Viterbi search over BIO
tags that never lets ``I-x`` follow anything but ``B-x``/``I-x`` and that can be restricted to
the labels one tool has; a span's confidence is the lowest marginal probability of its words.
Pure numpy: no torch at fit or run time."""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._blas import one_blas_thread
from ._crf import crf_gradients, marginals

__all__ = ["Sequence_", "Span", "Tagger", "bio_tags", "train_tagger"]

F32 = NDArray[np.float32]
I64 = NDArray[np.int64]
_BAR = -1e4


@dataclass(frozen=True, slots=True)
class Sequence_:
    """One training sequence: states, ids and a BIO tag index per word; ``ids`` is the word's
    identity ``(words,)``, or that and its hashed spelling features ``(words, 1 + k)``
    (``words.Words.ids``)."""

    states: F32
    ids: I64
    tags: I64


@dataclass(frozen=True, slots=True)
class Span:
    """Tokens ``first..last`` (inclusive) tagged ``label``: ``confidence`` is the lowest
    marginal probability of its words being of the label (the whole span is), ``peak`` the
    highest (some of it is)."""

    label: str
    first: int
    last: int
    confidence: float
    peak: float = 0.0


def bio_tags(labels: Sequence[str]) -> tuple[str, ...]:
    """Tag names: ``O``, then ``B-x`` and ``I-x`` for each label, in order."""
    return ("O", *[f"{p}-{label}" for label in labels for p in ("B", "I")])


_MIX = np.int64(0x9E3779B1)
_NONE = np.int64(-1)


def _lexical_ids(ids: I64, size: int) -> I64:
    """Hashed word features per word ``(words, 6 + spelling)``: the word, its two neighbours
    each side (by position), the word pair before it (a CRF's classic context features), and
    the word's own spelling features when ``ids`` carries them (columns after the first)."""
    table = (ids[:, None] if ids.ndim == 1 else ids).astype(np.int64)
    n = len(table)
    pad = np.full(2, _NONE, dtype=np.int64)
    padded = np.concatenate([pad, table[:, 0], pad])
    cols = [padded[2 + d : 2 + d + n] * 7 + d + 3 for d in (0, -1, 1, -2, 2)]
    cols.append(padded[1 : 1 + n] * _MIX + padded[2 : 2 + n] * 13 + 11)
    cols.extend(table[:, c] * 17 + c for c in range(1, table.shape[1]))
    out: I64 = (np.stack(cols, axis=1) * 2654435761 + np.arange(len(cols)) * 40503) % size
    return out


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
    """``(tags + 1, tags)``: the learned score of a tag after another (last row: the start)."""

    @property
    def tags(self) -> tuple[str, ...]:
        return bio_tags(self.labels)

    def scores(self, states: F32, ids: I64) -> F32:
        """Unnormalised tag scores per word (the CRF's emissions)."""
        inner = np.maximum(_window(states) @ self.hidden + self.hidden_bias, 0.0)
        out: F32 = inner @ self.weights + self.bias
        out += self.lexical[_lexical_ids(ids, len(self.lexical))].sum(axis=1)
        return out

    def spans(self, states: F32, ids: I64, allowed: Collection[str] | None = None) -> list[Span]:
        """The labelled spans of one sequence, decoding only ``allowed`` labels (None: all);
        a span's confidence is its words' lowest marginal probability of the label."""
        if len(states) == 0:
            return []
        with one_blas_thread():
            emit = self.scores(states, ids)
            keep = self._mask(allowed)
            kept = np.nonzero(keep)[0]
            moves = self._moves(kept, len(keep))
            path = self._viterbi(emit[:, kept], moves)
            probs = np.zeros_like(emit)
            probs[:, kept] = marginals(emit[:, kept], moves)
            return _spans([int(kept[p]) for p in path], probs, self.labels)

    def _mask(self, allowed: Collection[str] | None) -> NDArray[np.bool_]:
        keep = np.ones(1 + 2 * len(self.labels), dtype=bool)
        if allowed is not None:
            for n, label in enumerate(self.labels):
                keep[1 + 2 * n : 3 + 2 * n] = label in allowed
        return keep

    def _moves(self, tags: I64, n_tags: int) -> F32:
        """Transition scores among the kept ``tags`` (last row: the start); illegal ones barred."""
        rows = np.append(tags, n_tags)
        legal = _legal(len(self.labels))[rows][:, tags]
        out: F32 = np.where(legal, self.transitions[rows][:, tags], np.float32(_BAR))
        return out

    @staticmethod
    def _viterbi(emit: F32, moves: F32) -> list[int]:
        """The best tag path (indexes into ``emit``'s columns)."""
        trans = moves[:-1]
        score = moves[-1] + emit[0]
        back = np.zeros(emit.shape, dtype=np.int64)
        columns = np.arange(emit.shape[1])
        for t in range(1, len(emit)):
            total = score[:, None] + trans
            back[t] = np.argmax(total, axis=0)
            score = total[back[t], columns] + emit[t]
        path = [int(np.argmax(score))]
        for t in range(len(emit) - 1, 0, -1):
            path.append(int(back[t, path[-1]]))
        return path[::-1]


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
            found.append(
                Span(labels[label], start, t - 1, float(inside.min()), float(inside.max()))
            )
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
    validation: Sequence[Sequence_] = (),
    average: bool = False,
) -> Tagger:
    """Fit the tagger by minibatch Adam on the sequence likelihood (deterministic for a seed);
    ``batch`` is in words, rounded to whole sequences. With ``validation`` sequences, training
    keeps the epoch whose validation likelihood is best and stops three epochs after it.
    ``average``: the weights kept (and validated) are a running average over about the last
    epoch's steps rather than the last step's."""
    with one_blas_thread():
        return _train(
            sequences, labels, epochs, batch, units, rate, l2, hashed, seed, validation, average
        )


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
    validation: Sequence[Sequence_],
    average: bool,
) -> Tagger:
    n_tags = 1 + 2 * len(labels)
    x = np.concatenate([_window(s.states) for s in sequences]).astype(np.float32)
    ids = np.concatenate([_lexical_ids(s.ids, hashed) for s in sequences])
    y = np.concatenate([s.tags for s in sequences])
    lengths = np.array([len(s.tags) for s in sequences])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    rng = np.random.default_rng(seed)
    scale = np.float32(np.sqrt(2.0 / x.shape[1]))
    dense = [
        (rng.standard_normal((x.shape[1], units)) * scale).astype(np.float32),
        np.zeros(units, np.float32),
        np.zeros((units, n_tags), np.float32),
        np.zeros(n_tags, np.float32),
    ]
    transitions = _transitions(sequences, n_tags)
    lexical = np.zeros((hashed, n_tags), np.float32)
    adam = _Adam([*dense, transitions, lexical], rate)
    legal = _legal(len(labels))
    per_batch = max(2, round(batch / max(1.0, float(lengths.mean()))))
    best, best_loss, patience = None, np.inf, 0
    steps = -(-len(sequences) // per_batch)
    mean = _Average(adam.params, steps) if average else None
    for _ in range(epochs):
        order = rng.permutation(len(sequences))
        for begin in range(0, len(order), per_batch):
            chosen = order[begin : begin + per_batch]
            rows = np.concatenate([np.arange(starts[i], starts[i] + lengths[i]) for i in chosen])
            scores, inner, touched, where = _scores(dense, lexical, x[rows], ids[rows])
            size = lengths[chosen]
            mask = np.arange(size.max())[None] < size[:, None]
            emit = np.zeros((len(chosen), size.max(), n_tags), np.float32)
            emit[mask] = scores
            tags = np.zeros(mask.shape, np.int64)
            tags[mask] = y[rows]
            moves = np.where(legal, transitions, np.float32(-1e4))
            d_emit, d_moves, _ = crf_gradients(emit, moves, mask, tags)
            grads, lex_grad = _backward(dense, x[rows], inner, d_emit[mask], touched, where, l2)
            adam.step([*grads, d_moves * legal, lex_grad], touched)
            if mean:
                mean.update(adam.params)
        current = mean.params if mean else adam.params
        if not validation:
            continue
        loss = _loss(current[:4], current[5], current[4], legal, validation, hashed)
        if loss < best_loss:
            best, best_loss, patience = [p.copy() for p in current], loss, 0
        elif (patience := patience + 1) >= 3:
            break
    hidden, hidden_bias, weights, bias, transitions, lexical = best or (
        mean.params if mean else adam.params
    )
    return Tagger(tuple(labels), hidden, hidden_bias, weights, bias, lexical, transitions)


def _loss(
    dense: list[F32],
    lexical: F32,
    transitions: F32,
    legal: NDArray[np.bool_],
    validation: Sequence[Sequence_],
    hashed: int,
) -> float:
    """The mean negative log-likelihood of the validation sequences."""
    x = np.concatenate([_window(s.states) for s in validation]).astype(np.float32)
    ids = np.concatenate([_lexical_ids(s.ids, hashed) for s in validation])
    scores = _scores(dense, lexical, x, ids)[0]
    size = np.array([len(s.tags) for s in validation])
    mask = np.arange(size.max())[None] < size[:, None]
    emit = np.zeros((len(validation), size.max(), scores.shape[1]), np.float32)
    emit[mask] = scores
    tags = np.zeros(mask.shape, np.int64)
    tags[mask] = np.concatenate([s.tags for s in validation])
    moves = np.where(legal, transitions, np.float32(-1e4))
    return crf_gradients(emit, moves, mask, tags)[2]


class _Average:
    """An exponential moving average of the parameters over about ``steps`` steps (the
    decay warms up, so the first steps do not weigh for long)."""

    def __init__(self, params: list[F32], steps: int) -> None:
        self.params = [p.copy() for p in params]
        self.decay, self.t = 1.0 - 1.0 / max(2, steps), 0

    def update(self, params: list[F32]) -> None:
        self.t += 1
        decay = min(self.decay, (1 + self.t) / (10 + self.t))
        for mean, p in zip(self.params, params, strict=True):
            mean *= decay
            mean += (1 - decay) * p


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


def _scores(dense: list[F32], lexical: F32, x: F32, ids: I64) -> tuple[F32, F32, I64, I64]:
    hidden, hidden_bias, weights, bias = dense
    inner = np.maximum(x @ hidden + hidden_bias, 0.0)
    touched, where = np.unique(ids, return_inverse=True)
    scores = inner @ weights + bias + lexical[ids].sum(axis=1)
    return scores, inner, touched, where.reshape(ids.shape)


def _backward(
    dense: list[F32], x: F32, inner: F32, d_scores: F32, touched: I64, where: I64, l2: float
) -> tuple[list[F32], F32]:
    hidden, _, weights, _ = dense
    lex = np.zeros((len(touched), d_scores.shape[1]), np.float32)
    for column in range(where.shape[1]):
        np.add.at(lex, where[:, column], d_scores)
    back = (d_scores @ weights.T) * (inner > 0)
    grads = [x.T @ back + l2 * hidden, back.sum(axis=0), inner.T @ d_scores + l2 * weights]
    return [*grads, d_scores.sum(axis=0)], lex


def _transitions(sequences: Sequence[Sequence_], n_tags: int) -> F32:
    counts = np.ones((n_tags + 1, n_tags), dtype=np.float64)
    for s in sequences:
        previous = n_tags
        for tag in s.tags.tolist():
            counts[previous, tag] += 1
            previous = tag
    out: F32 = np.log(counts / counts.sum(axis=1, keepdims=True)).astype(np.float32)
    return out
