"""How much a shared word says: lexical evidence trusted by the rarest word a request shares.

A catalogue's own IDF cannot tell an informative word from a common one when the catalogue is
small: among 23 tools, "about" or "between" may occur in one description only and look as rare
as "tokyo". Standardising BM25 per request then turns that one shared word into a large
z-score. What a catalogue cannot say, the language can: the encoder's WordPiece (or BPE)
vocabulary was built by corpus frequency, so a word's position among the vocabulary's whole
words is a background frequency rank (Zipf: surprisal grows with the log of the rank). The
lexical side of the fusion is trusted, per request, by the rarest word it matched in the
catalogue; a request that shares only common words with the tools is ranked by the dense side.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .ranking import F64, tokenize

__all__ = ["TRUST_SURPRISAL", "WordRarity", "lexical_trust", "word_rarity"]

TRUST_SURPRISAL = 6.0
"""Surprisal (log background rank) at which a matched word is trusted fully: about the
400th commonest word. Chosen on pool-dev and the sample apps (6, 8 and 10 measured within
0.4 points; 14 lost 0.6 points of top-1 on pool-dev)."""


@dataclass(frozen=True, slots=True)
class WordRarity:
    """Background frequency ranks of words (1 = the commonest); unranked words are the rarest."""

    ranks: Mapping[str, int] = field(repr=False)

    @classmethod
    def from_vocabulary(cls, vocabulary: Mapping[str, int]) -> WordRarity:
        """Ranks from a tokenizer vocabulary (token -> id, ids in frequency order): whole words
        of two or more letters or digits (a BPE word-start marker stripped), no special tokens
        and no continuation pieces."""
        words = sorted(
            (i, w)
            for t, i in vocabulary.items()
            if not t.startswith("##") and len(w := t.lstrip("Ġ▁")) > 1 and w.isalnum()
        )
        ranks: dict[str, int] = {}
        for _, word in words:  # the first (commonest) spelling of a word keeps its rank
            ranks.setdefault(word.lower(), len(ranks) + 1)
        return cls(ranks)

    @classmethod
    def from_tokenizer_file(cls, path: Path) -> WordRarity:
        """Ranks from a Hugging Face ``tokenizer.json`` (WordPiece or BPE ``model.vocab``)."""
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        vocab = data.get("model", {}).get("vocab")
        if not isinstance(vocab, Mapping):
            return cls({})
        return cls.from_vocabulary({str(k): int(v) for k, v in vocab.items()})

    def surprisal(self, word: str) -> float:
        """``log`` of the word's background rank (of one past the last rank when unranked)."""
        return math.log(self.ranks.get(word, len(self.ranks) + 1))


def word_rarity(embedder: object) -> WordRarity | None:
    """The rarity of an embedder's own vocabulary, when it has a model folder with a
    ``tokenizer.json`` (the packaged ONNX embedder has); None otherwise."""
    folder = getattr(embedder, "model_dir", None)
    if not isinstance(folder, Path) or not (folder / "tokenizer.json").exists():
        return None
    rarity = WordRarity.from_tokenizer_file(folder / "tokenizer.json")
    return rarity if rarity.ranks else None


def lexical_trust(
    queries: Iterable[str],
    vocabulary: set[str] | frozenset[str],
    rarity: WordRarity | None,
    *,
    full: float = TRUST_SURPRISAL,
) -> F64:
    """Per request, how far its lexical evidence is trusted, in [0, 1]: the surprisal of the
    rarest of its words that occur in the catalogue (``vocabulary``), over ``full``. Without
    a background ranking every request is trusted fully."""
    out = []
    for query in queries:
        shared = [w for w in set(tokenize(query)) if w in vocabulary]
        if rarity is None:
            out.append(1.0 if shared else 0.0)
            continue
        best = max((rarity.surprisal(w) for w in shared), default=0.0)
        out.append(min(1.0, best / full))
    return np.asarray(out, dtype=np.float64)
