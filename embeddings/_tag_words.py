"""Word-level targets and the linear-chain CRF loss for tuning the encoder to tag (torch).

The reader tags words, a word's state being the mean of its pieces' states (``words.py`` in
the reader); tuning with the same pooling and the same kind of head (emission scores plus
learned transitions, trained on the likelihood of the whole tag sequence) moves the encoder
towards what the reader will then fit, rather than towards a per-piece softmax it never runs.
Needs the ``build`` extra (torch); nothing here runs at request time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["crf_nll", "legal_moves", "word_batch", "word_groups"]

Spans = Sequence[tuple[str, int, int]]


def word_groups(encoding: Any) -> list[list[int]]:
    """Piece positions of each word (special and padding pieces left out), in order."""
    groups: list[list[int]] = []
    last: int | None = None
    for i, (word, special, mask) in enumerate(
        zip(encoding.word_ids, encoding.special_tokens_mask, encoding.attention_mask, strict=True)
    ):
        if special or not mask or word is None:
            continue
        if groups and word == last:
            groups[-1].append(i)
        else:
            groups.append([i])
        last = word
    return groups


def _word_tags(
    encoding: Any, groups: list[list[int]], found: Spans, index: dict[str, int]
) -> list[int]:
    """BIO tag per word: a span's first overlapping word is ``B``, the others ``I``."""
    offsets = [(encoding.offsets[g[0]][0], encoding.offsets[g[-1]][1]) for g in groups]
    tags = [0] * len(groups)
    for label, start, end in found:
        inside = [n for n, (a, b) in enumerate(offsets) if a < end and b > start and b > a]
        for k, n in enumerate(inside):
            tags[n] = 1 + 2 * index[label] + (0 if k == 0 else 1)
    return tags


def word_batch(
    encodings: Sequence[Any], spans: Sequence[Spans], index: dict[str, int]
) -> tuple[Any, Any, Any]:
    """``pool (batch, words, pieces)`` (mean over a word's pieces), ``mask (batch, words)`` and
    ``tags (batch, words)`` for one batch of encodings and their character spans."""
    import torch

    groups = [word_groups(e) for e in encodings]
    width = max(1, max(len(g) for g in groups))
    pool = torch.zeros(len(encodings), width, len(encodings[0].ids))
    mask = torch.zeros(len(encodings), width, dtype=torch.bool)
    tags = torch.zeros(len(encodings), width, dtype=torch.long)
    for n, (encoding, found, words) in enumerate(zip(encodings, spans, groups, strict=True)):
        for w, pieces in enumerate(words):
            pool[n, w, pieces] = 1.0 / len(pieces)
        mask[n, : len(words)] = True
        tags[n, : len(words)] = torch.tensor(
            _word_tags(encoding, words, found, index), dtype=torch.long
        )
    return pool, mask, tags


def legal_moves(n_labels: int) -> Any:
    """``(tags + 1, tags)`` booleans (last row: the start): ``I-x`` only after ``B-x``/``I-x``."""
    import torch

    n_tags = 1 + 2 * n_labels
    legal = torch.ones(n_tags + 1, n_tags, dtype=torch.bool)
    for n in range(n_labels):
        inside = 2 + 2 * n
        legal[:, inside] = False
        legal[inside - 1, inside] = legal[inside, inside] = True
    return legal


def crf_nll(emit: Any, moves: Any, mask: Any, tags: Any) -> Any:
    """Mean negative log-likelihood of ``tags (batch, words)`` under emission scores ``emit
    (batch, words, tags)`` and transition scores ``moves (tags + 1, tags)`` (last row: the
    start); ``mask`` marks the real words, left-aligned, at least one per row."""
    import torch

    start, trans = moves[-1], moves[:-1]
    alpha = start + emit[:, 0]
    for t in range(1, emit.shape[1]):
        nxt = torch.logsumexp(alpha[:, :, None] + trans[None], dim=1) + emit[:, t]
        alpha = torch.where(mask[:, t, None], nxt, alpha)
    log_z = torch.logsumexp(alpha, dim=1)
    gold = emit.gather(2, tags[..., None])[..., 0] * mask
    score = start[tags[:, 0]] + gold.sum(dim=1)
    score = score + (trans[tags[:, :-1], tags[:, 1:]] * mask[:, 1:]).sum(dim=1)
    return (log_z - score).mean()
