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

from ..errors import ConfigurationError
from ._blas import one_blas_thread
from ._crf import marginals
from ._memory import ValueMemory

__all__ = ["Sequence_", "Span", "Tagger", "bio_tags", "decoded_f1", "train_tagger"]

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
    memory: ValueMemory | None = None
    """The values the training sequences tagged, with the weights of its features
    (``_memory.py``); None: the tagger reads without one."""

    @property
    def tags(self) -> tuple[str, ...]:
        return bio_tags(self.labels)

    def scores(self, states: F32, ids: I64) -> F32:
        """Unnormalised tag scores per word (the CRF's emissions)."""
        inner = np.maximum(_window(states) @ self.hidden + self.hidden_bias, 0.0)
        out: F32 = inner @ self.weights + self.bias
        out += self.lexical[_lexical_ids(ids, len(self.lexical))].sum(axis=1)
        if self.memory is not None:
            out += self.memory.features(ids if ids.ndim == 1 else ids[:, 0]) @ self.memory.weights
        return out

    def spans(self, states: F32, ids: I64, allowed: Collection[str] | None = None) -> list[Span]:
        """The labelled spans of one sequence, decoding only ``allowed`` labels (None: all);
        a span's confidence is its words' lowest marginal probability of the label."""
        return self.decode(states, ids, allowed)[0]

    def decode(
        self, states: F32, ids: I64, allowed: Collection[str] | None = None
    ) -> tuple[list[Span], F32]:
        """``spans`` and the marginal probability of every tag at every word ``(words, tags)``,
        0 for tags outside ``allowed``."""
        if len(states) == 0:
            return [], np.zeros((0, len(self.tags)), np.float32)
        with one_blas_thread():
            emit = self.scores(states, ids)
            keep = self._mask(allowed)
            kept = np.nonzero(keep)[0]
            moves = self._moves(kept, len(keep))
            path = self._viterbi(emit[:, kept], moves)
            probs = np.zeros_like(emit)
            probs[:, kept] = marginals(emit[:, kept], moves)
            return _spans([int(kept[p]) for p in path], probs, self.labels), probs

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
    select: str = "likelihood",
    memory: float | None = None,
    seeds: int = 1,
) -> Tagger:
    """Fit the tagger by minibatch Adam on the sequence likelihood (deterministic for a seed);
    ``batch`` is in words, rounded to whole sequences. With ``validation`` sequences, training
    keeps the epoch that reads them best and stops three epochs after it: best by likelihood
    (``select="likelihood"``) or by span-exact F1 of the decoded tags (``"f1"``, what the
    reader is scored on: the likelihood also rewards confidence, and turns back up while F1
    still improves). ``average``: the weights kept (and validated) are a running average over
    about the last epoch's steps rather than the last step's. ``memory``: remember the values
    the sequences tag and score each word by them (``_memory.py``), hiding this share of the
    values from training each epoch (None: no memory). ``seeds``: train that many taggers from
    seeds ``seed, seed + 1, ...`` and read the mean of their scores (one merged tagger)."""
    if select not in ("likelihood", "f1"):
        raise ConfigurationError(f"select must be 'likelihood' or 'f1', not {select!r}")
    if seeds < 1:
        raise ConfigurationError(f"seeds must be at least 1, not {seeds}")
    if memory is not None and not 0.0 <= memory < 1.0:
        raise ConfigurationError(
            f"memory (the share of values hidden) must be in [0, 1), not {memory}"
        )
    from ._tag_fit import merge, train

    with one_blas_thread():
        return merge(
            [
                train(
                    sequences,
                    labels,
                    epochs,
                    batch,
                    units,
                    rate,
                    l2,
                    hashed,
                    seed + k,
                    validation,
                    average,
                    select,
                    memory,
                )
                for k in range(seeds)
            ]
        )


def decoded_f1(tagger: Tagger, sequences: Sequence[Sequence_]) -> float:
    """Span-exact micro F1 of ``tagger``'s decoded tags (every label allowed) on ``sequences``."""
    kept = np.arange(len(tagger.tags))
    moves = tagger._moves(kept, len(kept))
    hit = gold = guess = 0
    for s in sequences:
        if not len(s.tags):
            continue
        path = Tagger._viterbi(tagger.scores(s.states, s.ids), moves)
        want, got = _path_spans(s.tags.tolist()), _path_spans(path)
        hit, gold, guess = hit + len(want & got), gold + len(want), guess + len(got)
    return 2 * hit / max(gold + guess, 1)


def _path_spans(path: list[int]) -> set[tuple[int, int, int]]:
    """``(label index, first, last)`` of each span in a BIO tag path (``I-x`` after ``O`` or
    another label starts a span, as the CRF's barred moves never produce)."""
    found: set[tuple[int, int, int]] = set()
    start: int | None = None
    for t, tag in enumerate([*path, 0]):
        label = (tag - 1) // 2
        if start is not None and (tag == 0 or tag % 2 == 1 or label != (path[start] - 1) // 2):
            found.add(((path[start] - 1) // 2, start, t - 1))
            start = None
        if tag and start is None:
            start = t
    return found
