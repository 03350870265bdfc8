"""Word-level views of token states: a word's state is the mean of its pieces' states.

Spans are read word by word, so a value never starts or ends inside a word ("7" of "7pm").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from embeddings.onnx import TokenStates

__all__ = ["Words", "word_view"]


@dataclass(frozen=True, slots=True)
class Words:
    text: str
    states: NDArray[np.float32]
    ids: NDArray[np.int64]
    """The word's first piece id, hashed with its last (a word's identity for the tagger)."""
    offsets: tuple[tuple[int, int], ...]

    def __len__(self) -> int:
        return len(self.offsets)

    def span_text(self, first: int, last: int) -> str:
        return self.text[self.offsets[first][0] : self.offsets[last][1]]


def word_view(tokens: TokenStates) -> Words:
    groups: list[list[int]] = []
    for row, word in enumerate(tokens.words.tolist()):
        if groups and tokens.words[groups[-1][0]] == word:
            groups[-1].append(row)
        else:
            groups.append([row])
    if not groups:
        return Words(tokens.text, tokens.states[:0], tokens.ids[:0], ())
    states = np.stack([tokens.states[g].mean(axis=0) for g in groups]).astype(np.float32)
    ids = np.array(
        [
            int(tokens.ids[g[0]]) * 31 + (int(tokens.ids[g[-1]]) if len(g) > 1 else 0)
            for g in groups
        ],
        dtype=np.int64,
    )
    offsets = tuple((tokens.offsets[g[0]][0], tokens.offsets[g[-1]][1]) for g in groups)
    return Words(tokens.text, states, ids, offsets)
