"""Late interaction: a request's word states matched one by one against a tool's card words.

A pooled embedding says what a text is about as a whole; a request that names one detail
("in Fahrenheit", "the subject") can match a card on that detail alone. Late interaction
(ColBERT's MaxSim) keeps the encoder's token states: each content word of the request takes
its best cosine among a tool's card words, and the tool scores by their mean. The states come
from the same forward pass as the pooled vectors (``OnnxEmbedder.embed_tokens``), so a
catalogue's cards are run through the encoder once, as before; only content words are kept
(no punctuation, no function words), in float16.

MaxSim is a second stage: it rescores the first stage's best ``depth`` tools, adding its
standardised score to theirs. The packaged MiniLM was not trained for it, so its weight is
small (``ZeroShotWeights.late``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigurationError
from .ranking import F64, standardise, tokenize

__all__ = ["CardTokens", "card_tokens", "content_states", "late_rerank", "maxsim"]

F16 = NDArray[np.float16]


@dataclass(frozen=True, slots=True)
class CardTokens:
    """The unit-length content-word states of every tool's cards, one tool's rows contiguous."""

    states: F16
    starts: NDArray[np.int64]
    """The first row of each tool (``len(tools) + 1`` entries: the last is the row count)."""


def _unit(rows: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    out: NDArray[np.float32] = rows / np.maximum(norms, 1e-9)
    return out


def content_states(tokens: Any) -> NDArray[np.float32]:
    """The unit-length states of one text's content words (``TokenStates``): word pieces of
    words with a letter or digit that are not function words; all pieces when none is."""
    text: str = tokens.text
    words: dict[int, str] = {}
    for (start, end), word in zip(tokens.offsets, tokens.words.tolist(), strict=True):
        words[word] = words.get(word, "") + text[start:end]
    content = {w for w, piece in words.items() if tokenize(piece)}
    keep = np.array([w in content for w in tokens.words.tolist()], dtype=bool)
    states = np.asarray(tokens.states, dtype=np.float32)
    return _unit(states[keep] if keep.any() else states)


def card_tokens(
    embedder: Any, cards: Sequence[str], owners: Sequence[int], count: int
) -> tuple[NDArray[np.float32], CardTokens]:
    """The cards' pooled vectors and their tools' content-word states, in one pass.

    ``owners[i]`` is the tool (``0 <= owner < count``, non-decreasing) of ``cards[i]``.
    Raises ``ConfigurationError`` when the encoder does not give token states."""
    if not getattr(embedder, "has_token_states", False):
        raise ConfigurationError(
            "late interaction needs an encoder with token states (the packaged ONNX model, "
            "rebuilt with `assistant-sdk build-model --force` if it predates them)"
        )
    order = sorted(range(len(cards)), key=lambda i: len(cards[i]))  # little padding
    states = embedder.embed_tokens([cards[i] for i in order])
    by_card: list[Any] = [None] * len(cards)
    for position, tokens in zip(order, states, strict=True):
        by_card[position] = tokens
    vectors = np.array([t.vector for t in by_card], dtype=np.float32).reshape(len(cards), -1)
    rows = [content_states(t) for t in by_card]
    sizes = np.bincount(np.asarray(owners, dtype=np.int64), [len(r) for r in rows], count)
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    dim = vectors.shape[1] if len(cards) else 0
    stacked = np.concatenate(rows) if rows else np.zeros((0, dim), dtype=np.float32)
    return vectors, CardTokens(stacked.astype(np.float16), starts)


def maxsim(query: NDArray[np.float32], cards: CardTokens, tools: NDArray[np.int64]) -> F64:
    """For each of ``tools``: the mean over the request's content words (``query``, unit
    rows) of their best cosine among the tool's card words (0 for a tool without any)."""
    spans = [(int(cards.starts[t]), int(cards.starts[t + 1])) for t in tools.tolist()]
    rows = np.concatenate([np.arange(a, b) for a, b in spans]) if spans else np.zeros(0, int)
    if rows.size == 0 or query.size == 0:
        return np.zeros(len(tools))
    sims = query @ cards.states[rows].astype(np.float32).T
    lengths = np.array([b - a for a, b in spans])
    firsts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    best = np.maximum.reduceat(sims, np.minimum(firsts, rows.size - 1), axis=1).mean(axis=0)
    out: F64 = np.where(lengths > 0, best, 0.0).astype(np.float64)
    return out


def late_rerank(first: F64, late: F64, top: NDArray[np.int64], weight: float) -> F64:
    """One request's scores after the second stage: the first stage's ``top`` tools scored by
    their standardised first-stage scores plus ``weight`` times the standardised MaxSim
    (``late``, aligned with ``top``), above every other tool, which keeps its order."""
    z = standardise(first[None, :])[0]
    staged = standardise(first[top][None, :])[0] + weight * standardise(late[None, :])[0]
    rest = np.ones(z.size, dtype=bool)
    rest[top] = False
    if rest.any() and staged.size:  # the rest below every staged tool, in their own order
        z = z - (float(z[rest].max()) - float(staged.min()) + 1.0)
    z[top] = staged
    return np.asarray(z, dtype=np.float64)
