"""Rank a catalogue of tools that have no examples, from their names, descriptions and parameters.

    ranker = ZeroShotRanker(tools, embedder, second=WordLlamaEmbedder())
    ranker.rank("what time is it in Tokyo", k=5)

Evidence, each standardised over the catalogue for each request, then added:

- **dense**: a tool's best card (``cards.tool_cards``) by the main encoder;
- **second** (optional): the same cards by a second encoder of another kind (the static
  WordLlama of ``embeddings.static``), so that one model's blind spots are not the ranking's;
- **lexical**: BM25 over the name-weighted document (``cards.tool_document``), trusted per
  request by the rarest word it shares with the catalogue (``rarity``), so a common word
  cannot outweigh the dense side in a small catalogue;
- **late** (optional, ``weights.late > 0``): the best ``late_depth`` tools rescored by
  MaxSim of the request's content-word states against their cards' (``late``).

Cards are embedded once, when the ranker is made; a request costs one embedding per encoder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ConfigurationError
from ..reading._blas import one_blas_thread
from ..types import Tool
from .cards import tool_cards, tool_document
from .late import CardTokens, card_tokens, content_states, late_rerank, maxsim
from .ranking import BM25, F64, standardise
from .rarity import TRUST_SURPRISAL, WordRarity, lexical_trust, word_rarity

if TYPE_CHECKING:
    from embeddings.base import Embedder

__all__ = ["ZeroShotRanker", "ZeroShotWeights", "fuse_zero_shot"]


@dataclass(frozen=True, slots=True)
class ZeroShotWeights:
    """How the evidence is added (dense counts 1). Chosen on pool-dev and the sample apps."""

    lexical: float = 0.3
    second: float = 0.6
    trust_surprisal: float = TRUST_SURPRISAL
    late: float = 0.0
    """MaxSim's weight in the second stage (0: no second stage). 0.25 measured best on
    pool-dev (of 0.25, 0.5, 1); off by default: it gains top-1, not recall@5, and with the
    second encoder it cost two GitHub requests of 30 their place in the top 5."""
    late_depth: int = 50
    """How many of the first stage's best tools the second stage rescores."""


def fuse_zero_shot(
    dense: F64,
    lexical: F64,
    trust: F64,
    weights: ZeroShotWeights,
    second: F64 | None = None,
) -> F64:
    """Rows are requests, columns tools: each kind of evidence standardised over the catalogue
    and added, the lexical side scaled by each request's ``trust`` (in [0, 1])."""
    score = standardise(dense) + weights.lexical * trust[:, None] * standardise(lexical)
    if second is not None and weights.second:
        score = score + weights.second * standardise(second)
    return np.asarray(score, dtype=np.float64)


class ZeroShotRanker:
    """Scores every tool of a fixed catalogue for free-text requests (no examples needed)."""

    def __init__(
        self,
        tools: Sequence[Tool],
        embedder: Embedder,
        *,
        second: Embedder | None = None,
        weights: ZeroShotWeights | None = None,
        rarity: WordRarity | None = None,
    ) -> None:
        self.tools = list(tools)
        self.weights = weights or ZeroShotWeights()
        self._encoders = [e for e in (embedder, second) if e is not None]
        owners: list[int] = []
        cards: list[str] = []
        for n, tool in enumerate(self.tools):
            for card in tool_cards(tool):
                owners.append(n)
                cards.append(card)
        # every tool has at least one card, and a tool's cards are contiguous
        self._starts = np.searchsorted(np.array(owners, dtype=np.int64), np.arange(len(tools)))
        self._tokens: CardTokens | None = None
        late = self.weights.late > 0  # then the main encoder's pass gives vectors and states
        vectors = [
            e.embed_documents(cards) if cards and not (late and n == 0) else None
            for n, e in enumerate(self._encoders)
        ]
        if late:
            vectors[0], self._tokens = card_tokens(embedder, cards, owners, len(self.tools))
        self._cards = [  # transposed once: a request is one contiguous matrix product
            np.ascontiguousarray(v.astype(np.float64).T) if v is not None and cards
            else np.zeros((e.dim, 0))
            for e, v in zip(self._encoders, vectors, strict=True)
        ]  # fmt: skip
        self._bm25 = BM25([tool_document(t) for t in self.tools])
        self._vocabulary = self._bm25.vocabulary
        self._rarity = rarity if rarity is not None else word_rarity(embedder)

    def scores(self, requests: Sequence[str]) -> F64:
        """One row per request, one column per tool (in ``tools`` order); higher is better."""
        requests = list(requests)
        if not requests or not self.tools:
            return np.zeros((len(requests), len(self.tools)))
        states = None
        if self._tokens is not None:  # one forward pass gives the vectors and the states
            states = self._encoders[0].embed_tokens(requests)  # type: ignore[attr-defined]
            queries = [np.array([s.vector for s in states], dtype=np.float64)]
        else:
            queries = [self._encoders[0].embed_queries(requests).astype(np.float64)]
        queries += [e.embed_queries(requests).astype(np.float64) for e in self._encoders[1:]]
        with one_blas_thread():  # small products: BLAS threads cost more than they give
            best = [self._best_card(q, c) for q, c in zip(queries, self._cards, strict=True)]
        trust = lexical_trust(
            requests, self._vocabulary, self._rarity, full=self.weights.trust_surprisal
        )
        second = best[1] if len(best) > 1 else None
        first = fuse_zero_shot(best[0], self._lexical(requests), trust, self.weights, second)
        if self._tokens is None or states is None:
            return first
        depth = min(self.weights.late_depth, len(self.tools))
        for row, tokens in enumerate(states):
            top = np.argsort(-first[row], kind="stable")[:depth]
            with one_blas_thread():
                late = maxsim(content_states(tokens), self._tokens, top)
            first[row] = late_rerank(first[row], late, top, self.weights.late)
        return first

    def rank(self, request: str, k: int = 5) -> list[Tool]:
        """The ``k`` best tools for one request, best first."""
        if k < 0:
            raise ConfigurationError(f"k must be 0 or more, not {k}")
        order = np.argsort(-self.scores([request])[0], kind="stable")[:k]
        return [self.tools[i] for i in order.tolist()]

    def _best_card(self, queries: F64, cards: F64) -> F64:
        per_card = queries @ cards
        return np.asarray(np.maximum.reduceat(per_card, self._starts, axis=1), dtype=np.float64)

    def _lexical(self, requests: list[str]) -> F64:
        out = np.zeros((len(requests), len(self.tools)))
        for row, request in enumerate(requests):
            docs, scores = self._bm25.scores(request)
            out[row, docs] = scores
        return out
