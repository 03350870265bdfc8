"""The evidence a request gives for each candidate tool, and the catalogue's lexical side.

``Features`` is what ``Resolver.features`` returns for one request: dense similarity (best
index entry per tool), BM25, the example head's scores and the personal-example evidence, all
aligned with one candidate pool. ``LexicalEvidence`` is BM25 over each tool's document; for
tools without examples it puts the scores in the dense scores' units and trusts them by the
request's word rarity (as ``zero_shot`` does), so that ``fuse`` adds them as standardised
evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..reading.examples import index_examples
from ..tools import tool_card
from ..types import Tool
from .cards import tool_document
from .ranking import BM25, F64
from .rarity import WordRarity, lexical_trust, word_rarity

__all__ = ["ZERO_SHOT_LEXICAL", "Features", "LexicalEvidence", "lexical_document"]

ZERO_SHOT_LEXICAL = 1.5
"""BM25 of a tool without examples, in units of the dense scores' spread over the candidate
pool per unit of its own spread over the catalogue (the fitted lexical weight applies on top).
Chosen on pool-dev and the sample apps from 0.5, 1, 1.5, 2, 2.5, 3, 4."""


@dataclass(frozen=True, slots=True)
class Features:
    """Evidence for each candidate tool of one request (indexes into the tool list)."""

    tools: np.ndarray
    dense: F64
    lexical: F64
    head: F64 | None
    best_entry: tuple[str, ...]
    fact_hits: tuple[tuple[str, float], ...]
    personal: F64 | None = None
    """Best similarity to each candidate's personal examples (0 without one); None when no
    personal example was among the nearest entries."""
    fresh: F64 | None = None
    """``dense`` without the personal examples (None when there were none)."""
    learned: tuple[tuple[str, float], ...] = ()
    """The personal-example entries among the nearest, with their similarities."""


def lexical_document(tool: Tool) -> str:
    """The text BM25 indexes for a tool."""
    if not tool.examples:  # zero-shot: the name weighted, the parameters' words included
        return " ".join([tool_document(tool), tool.app])
    return " ".join([tool_card(tool), tool.app, *index_examples(tool)])


class LexicalEvidence:
    """BM25 over ``tools`` (in this order), with zero-shot tools' scores made comparable."""

    def __init__(self, tools: Sequence[Tool], embedder: object) -> None:
        self._bm25 = BM25([lexical_document(t) for t in tools])
        self.vocabulary: frozenset[str] = self._bm25.vocabulary
        self._zero_shot = np.array([not t.examples for t in tools], dtype=bool)
        self._count = len(tools)
        self._embedder = embedder
        self._rarity: WordRarity | bool | None = False  # False: not read yet

    def scores(self, text: str) -> tuple[NDArray[np.int64], F64]:
        """The tools that share a word with ``text`` (sorted positions) and their BM25."""
        return self._bm25.scores(text)

    def aligned(
        self,
        text: str,
        matched: tuple[NDArray[np.int64], F64],
        tools: NDArray[np.int64],
        dense: F64,
    ) -> F64:
        """BM25 for each of ``tools``, the zero-shot ones in the ``dense`` evidence's units.

        Their lexical scores are divided by their spread over the catalogue (``matched``: the
        request's nonzero BM25 scores) and multiplied by the dense scores' spread over the
        pool, and scaled by the request's lexical trust (``rarity``): a common word shared
        with a bare description is weak evidence."""
        docs, scores = matched
        lexical = _aligned(docs, scores, tools)
        zero_shot = self._zero_shot[tools]
        if not zero_shot.any() or not lexical.any():
            return lexical
        if self._rarity is False:
            self._rarity = word_rarity(self._embedder)
        rarity = self._rarity if isinstance(self._rarity, WordRarity) else None
        trust = float(lexical_trust([text], self.vocabulary, rarity)[0])
        mean = float(scores.sum()) / self._count
        spread = max(float((scores**2).sum()) / self._count - mean * mean, 0.0) ** 0.5
        scale = ZERO_SHOT_LEXICAL * float(dense.std()) / spread if spread > 0 else 1.0
        out: F64 = np.where(zero_shot, trust * scale * lexical, lexical)
        return out


def _aligned(docs: NDArray[np.int64], scores: F64, tools: NDArray[np.int64]) -> F64:
    """``scores`` of sorted ``docs`` looked up for each of ``tools`` (0 where absent)."""
    if docs.size == 0:
        return np.zeros(len(tools))
    at = np.minimum(np.searchsorted(docs, tools), docs.size - 1)
    out: F64 = np.where(docs[at] == tools, scores[at], 0.0)
    return out
