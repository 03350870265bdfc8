"""The user's own words for people, said another way: "mum" for the alias "mom", "sister" for
"sis", "mommy" or a one-letter slip.

An alias fact's key is a word the user chose ("mom" -> "Jane Doe"). A request may say it in
another variety of English, clipped or in full, or with a slip of one letter. A word of the
request stands for an alias only when two independent signals agree:

- **form**: the word and the key are one edit apart (a letter changed, added, dropped or two
  swapped), or one begins the other; both at least ``MIN_LETTERS`` long, and the word is not
  the key's plural (several people are not one);
- **meaning**: the encoder puts the word at ``RELATED`` cosine or more from the key, and at
  least ``MARGIN`` closer to it than to any other alias also close to it in form.

Form alone would read "Tom" as "mom"; meaning alone reads "dad" as "mom" (0.75 with the default
encoder, against 0.78 for "mum"). A word some contact is called is never read as an alias.
Nothing is embedded unless a word is close in form to an alias.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..types import Fact, FactKind
from .literals import Mention

if TYPE_CHECKING:
    from embeddings.base import Embedder

__all__ = ["MARGIN", "MIN_LETTERS", "RELATED", "close_in_form", "related_aliases"]

RELATED = 0.6
"""Cosine from which a word close in form to an alias key counts as meaning it."""
MARGIN = 0.1
"""How much closer to its alias than to any other the word must be."""
MIN_LETTERS = 3

_WORD = re.compile(r"(?:\bmy\s+)?\b([A-Za-z]+)(?:'s|’s)?\b", re.IGNORECASE)


def close_in_form(word: str, key: str) -> bool:
    """``word`` is ``key`` with one edit, or one of them begins the other; never a plural."""
    word, key = word.casefold(), key.casefold()
    if word == key or min(len(word), len(key)) < MIN_LETTERS:
        return False
    if len(word) > MIN_LETTERS and word.endswith("s") and not word.endswith("ss"):
        return False  # a plural ("sisters", "mums"): several people are not one
    if word.startswith(key) or key.startswith(word):
        return True
    return _one_edit(word, key)


def related_aliases(
    request: str,
    facts: Sequence[Fact],
    contacts: Sequence[str] | None,
    embedder: Embedder | None,
) -> list[Mention]:
    """Mentions of alias facts said another way; ``value`` is ``(fact.value,)`` and
    ``fact`` the alias key the words stand for."""
    aliases = [f for f in facts if f.kind is FactKind.ALIAS and len(f.key) >= MIN_LETTERS]
    if embedder is None or not aliases:
        return []
    keys = [f.key.casefold() for f in aliases]
    named = {part.casefold() for c in contacts or () for part in c.split()}
    spoken = [
        (m.start(), m.end(), m[1].casefold())
        for m in _WORD.finditer(request)
        if m[1].casefold() not in named and m[1].casefold() not in keys
    ]
    close = [(a, b, w) for a, b, w in spoken if any(close_in_form(w, k) for k in keys)]
    if not close:
        return []
    words = sorted({w for _, _, w in close})
    vectors = _embedded(embedder, (*words, *keys))
    similarity = vectors[: len(words)] @ vectors[len(words) :].T
    found: list[Mention] = []
    for a, b, word in close:
        row = np.where([close_in_form(word, k) for k in keys], similarity[words.index(word)], -1.0)
        best = int(np.argmax(row))
        rival = float(np.max(np.delete(row, best), initial=-1.0))
        if row[best] >= RELATED and row[best] - rival >= MARGIN:
            fact = aliases[best]
            found.append(Mention(a, b, (fact.value,), fact=fact.key))
    return found


_SEEN: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}
"""Recent batches embedded, by the encoder and the texts: one request is read for several
candidate tools, each asking for the same words."""


def _embedded(embedder: Embedder, texts: tuple[str, ...]) -> np.ndarray:
    key = (embedder.fingerprint, texts)
    found = _SEEN.get(key)
    if found is None:
        if len(_SEEN) > 256:
            _SEEN.clear()
        found = _SEEN[key] = np.asarray(embedder.embed_queries(list(texts)))
    return found


def _one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance of exactly one."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [n for n, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        if len(diff) != 2 or diff[1] != diff[0] + 1:
            return False
        return a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]  # two letters swapped
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:n] + long[n + 1 :] == short for n in range(len(long)))
