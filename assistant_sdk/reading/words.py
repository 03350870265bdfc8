"""Word-level views of token states: a word's state is the mean of its pieces' states.

Spans are read word by word, so a value never starts or ends inside a word ("7" of "7pm").
A word's state is read from a middle layer of the encoder when the model exports one
(``TokenStates.middle``), else from the last: the middle layer keeps more of each word's own
form, where the last has pooled it towards the sentence's meaning.
Each word also carries hashed spelling features (its prefixes, suffixes and shape), so a name
or a number the training frames never held still looks like the names and numbers they did.
"""

from __future__ import annotations

import functools
import re
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from embeddings.onnx import TokenStates

__all__ = ["SPELLING", "Words", "spelling_ids", "word_view"]

SPELLING = 7
"""Spelling features per word: two prefixes, three suffixes, the shape, length and kind."""


@dataclass(frozen=True, slots=True)
class Words:
    text: str
    states: NDArray[np.float32]
    ids: NDArray[np.int64]
    """``(words, 1 + SPELLING)``: the word's identity (its first piece id hashed with its
    last), then its hashed spelling features (``spelling_ids``)."""
    offsets: tuple[tuple[int, int], ...]

    def __len__(self) -> int:
        return len(self.offsets)

    def span_text(self, first: int, last: int) -> str:
        return self.text[self.offsets[first][0] : self.offsets[last][1]]


_RUNS = re.compile(r"(.)\1+")


def _shape(word: str) -> str:
    """``Xx`` for "Sam", ``d:dd`` for "7:30", ``xd`` for "v2": character classes, runs collapsed."""
    classes = "".join(
        "X" if c.isupper() else "x" if c.isalpha() else "d" if c.isdigit() else c for c in word
    )
    return _RUNS.sub(r"\1", classes)


def _kind(word: str) -> str:
    size = "1" if len(word) == 1 else "s" if len(word) <= 3 else "m" if len(word) <= 7 else "l"
    has = "d" if any(c.isdigit() for c in word) else "a" if word.isalpha() else "p"
    return size + has


def spelling_ids(word: str) -> list[int]:
    """The ``SPELLING`` hashed spelling features of one word (stable across processes)."""
    return list(_spelling_ids(word))


@functools.lru_cache(maxsize=4096)
def _spelling_ids(word: str) -> tuple[int, ...]:
    low = word.lower()
    parts = (
        "p2" + low[:2],
        "p3" + low[:3],
        "s2" + low[-2:],
        "s3" + low[-3:],
        "s4" + low[-4:],
        "sh" + _shape(word),
        "k" + _kind(word),
    )
    return tuple(zlib.crc32(p.encode()) & 0xFFFFFF for p in parts)


def word_view(tokens: TokenStates) -> Words:
    """The request's words: each the mean of its pieces' states (the middle layer's when the
    model gives it), its first and last piece ids and its spelling features."""
    words = np.asarray(tokens.words)
    if len(words) == 0:
        empty = np.zeros((0, 1 + SPELLING), dtype=np.int64)
        return Words(tokens.text, tokens.states[:0], empty, ())
    starts = np.flatnonzero(np.concatenate([[True], words[1:] != words[:-1]]))
    ends = np.append(starts[1:], len(words))
    rows = tokens.states if tokens.middle is None else tokens.middle
    sums = np.add.reduceat(np.asarray(rows, dtype=np.float64), starts, axis=0)
    states = (sums / (ends - starts)[:, None]).astype(np.float32)
    offsets = tuple(
        (int(tokens.offsets[a][0]), int(tokens.offsets[b - 1][1]))
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    )
    piece_ids = np.asarray(tokens.ids, dtype=np.int64)
    last = np.where(ends - starts > 1, piece_ids[ends - 1], 0)
    ids = np.empty((len(starts), 1 + SPELLING), dtype=np.int64)
    ids[:, 0] = piece_ids[starts] * 31 + last
    ids[:, 1:] = [_spelling_ids(tokens.text[a:b]) for a, b in offsets]
    return Words(tokens.text, states, ids, offsets)
