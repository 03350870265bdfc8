"""Training the span tagger: minibatch Adam on the CRF sequence likelihood, early stopping on
held-out sequences, an optional running average of the weights, the value memory's features
(``_memory.py``), and several seeds merged into one tagger (``tagger.train_tagger``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from ._crf import crf_gradients
from ._memory import build_memory
from .tagger import Sequence_, Tagger, _legal, _lexical_ids, _window, decoded_f1

__all__ = ["merge", "train"]

F32 = NDArray[np.float32]
I64 = NDArray[np.int64]


def train(
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
    select: str = "likelihood",
    dropout: float | None = None,
) -> Tagger:
    """One tagger; ``dropout`` (the share of remembered values each epoch hides) turns the
    value memory on, None leaves it off."""
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
    memory, own, words = None, None, np.zeros(0, np.int64)
    if dropout is not None:
        words = np.concatenate([s.ids if s.ids.ndim == 1 else s.ids[:, 0] for s in sequences])
        memory, own = build_memory(words, starts, lengths, y, len(labels))
    recall = memory.weights.copy() if memory else np.zeros((0, n_tags), np.float32)
    adam = _Adam([*dense, transitions, recall, lexical], rate)
    legal = _legal(len(labels))
    per_batch = max(2, round(batch / max(1.0, float(lengths.mean()))))
    best, best_loss, patience = None, np.inf, 0
    steps = -(-len(sequences) // per_batch)
    mean = _Average(adam.params, steps) if average else None

    def tagger(params: list[F32]) -> Tagger:
        hidden, hidden_bias, weights, bias, moves, remembered, table = params
        kept = replace(memory, weights=remembered) if memory else None
        return Tagger(tuple(labels), hidden, hidden_bias, weights, bias, table, moves, kept)

    for _ in range(epochs):
        if memory is not None:
            hide = rng.random(memory.counts.shape) < (dropout or 0.0)
            recalled = memory.batch_features(words, starts, lengths, own, hide)
        else:
            recalled = np.zeros((len(y), 0), np.float32)
        order = rng.permutation(len(sequences))
        for begin in range(0, len(order), per_batch):
            chosen = order[begin : begin + per_batch]
            rows = np.concatenate([np.arange(starts[i], starts[i] + lengths[i]) for i in chosen])
            scores, inner, touched, where = _scores(dense, lexical, x[rows], ids[rows])
            scores += recalled[rows] @ recall
            size = lengths[chosen]
            mask = np.arange(size.max())[None] < size[:, None]
            emit = np.zeros((len(chosen), size.max(), n_tags), np.float32)
            emit[mask] = scores
            tags = np.zeros(mask.shape, np.int64)
            tags[mask] = y[rows]
            moves = np.where(legal, transitions, np.float32(-1e4))
            d_emit, d_moves, _ = crf_gradients(emit, moves, mask, tags)
            grads, lex_grad = _backward(dense, x[rows], inner, d_emit[mask], touched, where, l2)
            d_recall = recalled[rows].T @ d_emit[mask]
            adam.step([*grads, d_moves * legal, d_recall, lex_grad], touched)
            if mean:
                mean.update(adam.params)
        current = mean.params if mean else adam.params
        if not validation:
            continue
        reading = tagger(current)
        loss = -decoded_f1(reading, validation) if select == "f1" else _loss(reading, validation)
        if loss < best_loss:
            best, best_loss, patience = [p.copy() for p in current], loss, 0
        elif (patience := patience + 1) >= 3:
            break
    return tagger(best or (mean.params if mean else adam.params))


def _loss(tagger: Tagger, validation: Sequence[Sequence_]) -> float:
    """The mean negative log-likelihood of the validation sequences."""
    size = np.array([len(s.tags) for s in validation])
    mask = np.arange(size.max())[None] < size[:, None]
    emit = np.zeros((len(validation), size.max(), len(tagger.tags)), np.float32)
    emit[mask] = np.concatenate([tagger.scores(s.states, s.ids) for s in validation])
    tags = np.zeros(mask.shape, np.int64)
    tags[mask] = np.concatenate([s.tags for s in validation])
    legal = _legal(len(tagger.labels))
    moves = np.where(legal, tagger.transitions, np.float32(-1e4))
    return crf_gradients(emit, moves, mask, tags)[2]


def merge(taggers: Sequence[Tagger]) -> Tagger:
    """One tagger whose tag scores are the mean of ``taggers``' (same labels and tables):
    their hidden layers side by side, the weights above them divided among them; the word
    tables, transitions and memory weights averaged."""
    if len(taggers) == 1:
        return taggers[0]
    share = np.float32(1.0 / len(taggers))
    first = taggers[0]
    memory = first.memory
    if memory is not None:
        mean = np.mean([t.memory.weights for t in taggers if t.memory], axis=0)
        memory = replace(memory, weights=mean.astype(np.float32))
    return Tagger(
        first.labels,
        np.concatenate([t.hidden for t in taggers], axis=1),
        np.concatenate([t.hidden_bias for t in taggers]),
        np.concatenate([t.weights * share for t in taggers]),
        np.mean([t.bias for t in taggers], axis=0).astype(np.float32),
        np.mean([t.lexical for t in taggers], axis=0).astype(np.float32),
        np.mean([t.transitions for t in taggers], axis=0).astype(np.float32),
        memory,
    )


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
