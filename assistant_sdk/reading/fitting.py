"""Fitting the reader beside the resolver, and the token states of recent requests.

``Resolver.fit`` calls ``fit_resolver_reader``: the frames use the user's own names (alias
facts and place facts in the resolver's fact store), and the act threshold is fitted with
the resolver's own probabilities for the validation frames. ``TokenCache`` keeps the token
states of the last few requests, so the plan step reads the pass the resolver already ran.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from .values import Vocabulary

if TYPE_CHECKING:
    from embeddings.onnx import TokenStates

    from ..resolve.resolver import Resolver
    from .reader import SpanReader

__all__ = ["SEED", "TokenCache", "fit_resolver_reader"]

SEED = 0
"""The seed of the reader ``Resolver.fit`` fits (its frames and tagger, ``fit_reader``): a
guarantee the fit certifies must hold for any seed, so benchmarks may set another."""


def _has_tokens(embedder: Any) -> bool:
    return bool(getattr(embedder, "has_token_states", False))


def fit_resolver_reader(
    resolver: Resolver, rows: Sequence[tuple[str, str | None]] = ()
) -> SpanReader | None:
    """A reader for the resolver's tools, or None (no annotated examples, or no token states).

    ``rows`` are the labelled requests the resolver was calibrated on: the in-scope ones set
    how sure refusal words must be before they stop the device (``fit_refusal``)."""
    from .judge import RunTimeJudge
    from .reader import fit_reader

    if not _has_tokens(resolver.embedder):
        return None
    facts = resolver.facts.all() if resolver.facts else []
    vocabulary = Vocabulary.from_facts(facts)

    def probability(text: str, tool: str) -> float:
        candidates = resolver.resolve(text).candidates
        return next((c.probability for c in candidates if c.tool.name == tool), 0.0)

    embed_tokens = cast(
        "Callable[[Sequence[str]], list[TokenStates]]",
        resolver.embedder.embed_tokens,  # type: ignore[attr-defined]
    )
    judge = RunTimeJudge(probability, facts, resolver.embedder)

    def embed(texts: Sequence[str]) -> list[TokenStates]:
        states = embed_tokens(texts)
        judge.remember(states)
        return states

    by_name = {t.name: t for t in resolver.tools}
    labelled = [(text, by_name[label]) for text, label in rows if label in by_name]
    states = embed([" ".join(text.split()) for text, _ in labelled]) if labelled else []
    in_scope = [(tool, s) for (_, tool), s in zip(labelled, states, strict=True)]
    return fit_reader(
        resolver.tools,
        embed,
        vocabulary,
        resolve=probability,
        in_scope=in_scope,
        score=judge,
        worth=judge.worth,
        seed=SEED,
    )


class TokenCache:
    """Token states of the last ``size`` texts (the same text always has the same states)."""

    def __init__(self, size: int = 32) -> None:
        self._items: OrderedDict[str, TokenStates] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, text: str, embedder: Any) -> TokenStates | None:
        with self._lock:
            found = self._items.get(text)
        if found is not None or not _has_tokens(embedder):
            return found
        (states,) = cast("list[TokenStates]", embedder.embed_tokens([text]))
        with self._lock:
            self._items[text] = states
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return states
