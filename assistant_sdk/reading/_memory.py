"""Value memory for the span tagger: which word n-grams were seen as a value of which label.

Voice platforms keep slot catalogues (the values an entity may take); the SDK has the same in
a tool's enum values and in the user's contacts and places, and the training frames carry
them as tagged spans. The memory stores every value the training sequences tag (as a hash of
its words' identities, ``Words.ids[:, 0]``) with how often each label tagged it, and gives the
tagger two features per label and word: a remembered value of that label *begins* here, or
the word is *inside* one. Their weights are learned like the others.

Training must not let the tagger trust the memory blindly: at test time many values are new.
So a training sequence never sees its own values (leave-one-out: a value only it tags is
unknown to it, as a new one will be), and each epoch hides a share of the remembered values
from every sequence (value dropout). Pure numpy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["LONGEST", "Own", "ValueMemory", "build_memory", "gold_spans", "ngram_keys"]

F32 = NDArray[np.float32]
I64 = NDArray[np.int64]
Own = dict[int, dict[int, int]]
"""One sequence's own values: n-gram key to label to count."""

LONGEST = 8
"""The longest value, in words, the memory matches."""

_PRIME = np.int64(1_000_003)
_SEED = np.int64(0x2545F491)


def ngram_keys(words: I64, starts: I64, lengths: I64, n: int) -> tuple[I64, NDArray[np.bool_]]:
    """The hash of the ``n`` words from each position of the concatenated sequences, and
    whether those ``n`` words stay inside one sequence."""
    total = len(words)
    keys = np.full(total, _SEED * np.int64(n), dtype=np.int64)
    with np.errstate(over="ignore"):
        for k in range(n):
            shifted = np.zeros(total, dtype=np.int64)
            shifted[: max(0, total - k)] = words[k:]
            keys = keys * _PRIME + shifted
    ends = np.repeat(starts + lengths, lengths)
    return keys, np.arange(total) + n <= ends


def gold_spans(tags: I64) -> list[tuple[int, int, int]]:
    """``(label index, first, length)`` of the BIO spans of one tag sequence."""
    found: list[tuple[int, int, int]] = []
    start: int | None = None
    path = [*tags.tolist(), 0]
    for t, tag in enumerate(path):
        if start is not None and (tag == 0 or tag % 2 == 1):
            found.append(((path[start] - 1) // 2, start, t - start))
            start = None
        if tag % 2 == 1:
            start = t
    return found


@dataclass(frozen=True, slots=True)
class ValueMemory:
    """Remembered values: sorted n-gram ``keys`` and, per key, how many training spans of
    each label it was (``counts (keys, labels)``), with the tagger's weights for its features."""

    keys: I64
    counts: NDArray[np.int32]
    occurs: NDArray[np.int32]
    """``(keys,)``: how often each key's words occur in the training sequences at all."""
    weights: F32
    """``(width, tags)``: the learned score of each feature for each tag."""

    @property
    def width(self) -> int:
        """Features per word: begins-a-value and inside-a-value, per label."""
        return 2 * int(self.counts.shape[1])

    def features(self, words: I64) -> F32:
        """The features ``(words, width)`` of one sequence of word identities."""
        n = len(words)
        lengths = np.array([n], dtype=np.int64)
        return self.batch_features(words, np.zeros(1, np.int64), lengths, None, None)

    def batch_features(
        self,
        words: I64,
        starts: I64,
        lengths: I64,
        own: Sequence[Own] | None,
        hidden: NDArray[np.bool_] | None,
    ) -> F32:
        """Features of concatenated sequences: for each word and label, the share of the
        occurrences of the words a remembered value begins (or covers) here that were tagged
        as one, so "the" tagged once in many occurrences weighs little. ``own[s]`` counts
        sequence ``s``'s own values (key to label to count), left out of what it sees with
        its own occurrences; ``hidden`` marks ``(key, label)`` entries no sequence sees
        (value dropout)."""
        labels = int(self.counts.shape[1])
        out = np.zeros((len(words), 2 * labels), np.float32)
        if not len(self.keys) or not len(words):
            return out
        which = np.repeat(np.arange(len(lengths)), lengths)
        for n in range(1, LONGEST + 1):
            keys, inside = ngram_keys(words, starts, lengths, n)
            at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
            hit = np.flatnonzero(inside & (self.keys[at] == keys))
            if not len(hit):
                continue
            seen = self.counts[at[hit]].astype(np.float64)
            occurs = self.occurs[at[hit]].astype(np.float64)
            if hidden is not None:
                seen = np.where(hidden[at[hit]], 0, seen)
            if own is not None:
                pairs = np.stack([which[hit], keys[hit]], axis=1)
                _, back, mine = np.unique(pairs, axis=0, return_inverse=True, return_counts=True)
                occurs -= mine[back.reshape(-1)]
                for row, position in enumerate(hit.tolist()):
                    tagged = own[which[position]].get(int(keys[position]))
                    for label, count in (tagged or {}).items():
                        seen[row, label] -= count
            share = (seen / np.maximum(occurs, 1.0)[:, None]).astype(np.float32)
            rows, found = np.nonzero(seen > 0)
            first, value = hit[rows], share[rows, found]
            np.maximum.at(out, (first, 2 * found), value)
            for k in range(1, n):
                np.maximum.at(out, (first + k, 2 * found + 1), value)
        return out


def build_memory(
    words: I64, starts: I64, lengths: I64, tags: I64, labels: int
) -> tuple[ValueMemory, list[Own]]:
    """The memory of every tagged value of the concatenated sequences, and each sequence's
    own values by ``(key, label)`` (what leave-one-out takes away from it)."""
    key_by_n = {n: ngram_keys(words, starts, lengths, n) for n in range(1, LONGEST + 1)}
    own: list[Own] = []
    total: Counter[tuple[int, int]] = Counter()
    for start, length in zip(starts.tolist(), lengths.tolist(), strict=True):
        mine: Own = {}
        for label, first, size in gold_spans(tags[start : start + length]):
            if size <= LONGEST:
                key = int(key_by_n[size][0][start + first])
                mine.setdefault(key, {})[label] = mine.get(key, {}).get(label, 0) + 1
                total[(key, label)] += 1
        own.append(mine)
    keys = np.array(sorted({k for k, _ in total}), dtype=np.int64)
    counts = np.zeros((len(keys), labels), np.int32)
    for (key, label), count in total.items():
        counts[np.searchsorted(keys, key), label] += count
    occurs = np.zeros(len(keys), np.int32)
    for found, inside in key_by_n.values():
        at = np.minimum(np.searchsorted(keys, found), max(0, len(keys) - 1))
        if len(keys):
            np.add.at(occurs, at[inside & (keys[at] == found)], 1)
    weights = np.zeros((2 * labels, 1 + 2 * labels), np.float32)
    return ValueMemory(keys, counts, occurs, weights), own
