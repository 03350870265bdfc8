"""Resolve a request on the device: one embedding, one index of tools and facts, fused scores.

    resolver = Resolver(embedder, registry, facts=store)
    resolver.build()
    resolution = resolver.resolve("book me a ride home")

The index holds tool cards (``t:``, and ``c:`` for the extra cards of tools without examples),
example phrases (``e:``), personal examples learned from use (``u:``) and facts (``f:``).
Dense similarity (best entry per tool) is fused with BM25 over each tool's card and examples
(for tools without examples, in the dense scores' units and trusted by rarity, as in
``zero_shot``) and, once ``fit`` has run, with a head trained on the examples; a softmax with a
fitted temperature turns the fused scores into probabilities, and fitted thresholds turn those
into a decision. The evidence per candidate is gathered here (``features``: ``Features``,
``LexicalEvidence``); fitting lives in ``resolve.fit``; saving and loading in ``index_store``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigurationError, InvalidRequestError
from ..inputs import clean_text
from ..reading.examples import index_examples
from ..reading.fitting import TokenCache
from ..tools import ToolRegistry, tool_card
from ..types import Candidate, Decision, Fact, FactKind, Resolution, Tool
from .calibrate import Calibration, decide
from .cards import entry_digest, tool_cards
from .features import Features, LexicalEvidence
from .fit import fit_resolver
from .learning import learned_tool, tool_names
from .ranking import F32, F64, Head, fuse, softmax
from .repeats import Confirmations, evidence, margin, trusted
from .steering import relevant_facts, steer_by_preference
from .templates import personal_phrase
from .trust import learned_trust

if TYPE_CHECKING:
    from embeddings.base import Embedder, VectorIndex
    from embeddings.onnx import TokenStates

    from ..facts import FactStore
    from ..reading.reader import SpanReader

__all__ = ["Features", "Resolver", "ResolverConfig"]


@dataclass(frozen=True, slots=True)
class ResolverConfig:
    top_k: int = 10
    """Candidates returned per request."""
    retrieve: int = 64
    """Dense neighbours fetched from the index per request."""
    lexical_pool: int = 20
    """Best BM25 tools added to the candidate pool."""
    max_chars: int = 2000
    """Longer requests are truncated (and flagged), never rejected."""
    fact_threshold: float = 0.5
    """Dense similarity at which a fact counts as relevant to a request."""


class Resolver:
    """Maps a request to ranked tool candidates, relevant facts and a decision."""

    def __init__(
        self,
        embedder: Embedder,
        registry: ToolRegistry,
        facts: FactStore | None = None,
        *,
        config: ResolverConfig | None = None,
        index: VectorIndex | None = None,
    ) -> None:
        self.embedder = embedder
        self.registry = registry
        self.facts = facts
        self.config = config or ResolverConfig()
        self.calibration = Calibration()
        self.reader: SpanReader | None = None
        """The argument reader, trained by ``fit`` from annotated examples."""
        self._token_cache = TokenCache()
        self._index = index
        self._entries: dict[str, str] = {}  # entry id -> hash of its text
        self._texts: dict[str, str] = {}  # entry id -> text (examples shown in explanations)
        self._tools: list[Tool] = []
        self._tool_pos: dict[str, int] = {}
        self._entry_pos: dict[str, int] = {}  # tool-card and example entry id -> tool position
        self._head_columns: tuple[Head, NDArray[np.int64], NDArray[np.int64]] | None = None
        self._lexical: LexicalEvidence | None = None
        self._facts_by_key: dict[str, Fact] = {}
        self._confirmed = Confirmations()
        self._learned: dict[str, tuple[str, str]] = {}  # u: entry id -> (tool, text)
        self._templates: dict[str, str] = {}  # u: entry id -> the example as stored

    # ----------------------------------------------------------------- building
    def build(self) -> int:
        """Bring the index up to date with the registry and the facts; returns entries embedded."""
        wanted = self._wanted_entries()
        stale = [i for i in self._entries if i not in wanted]
        fresh = [i for i, text in wanted.items() if self._entries.get(i) != entry_digest(text)]
        index = self._ensure_index()
        if stale:
            index.remove(stale)
        if fresh:
            vectors = self.embedder.embed_documents([wanted[i] for i in fresh])
            index.add(fresh, vectors)
        self._entries = {i: entry_digest(t) for i, t in wanted.items()}
        self._texts = wanted
        self._learned = {i: (_owner(i), t) for i, t in wanted.items() if i.startswith("u:")}
        tools = sorted(self.registry, key=lambda t: t.name)
        tools_changed = any(i[0] in "tec" for i in (*fresh, *stale))  # not facts, not learning
        if [t.name for t in tools] != [t.name for t in self._tools] or tools_changed:
            self._tools = tools
            self._tool_pos = {t.name: n for n, t in enumerate(tools)}
            self._lexical = LexicalEvidence(tools, self.embedder)
            self._head_columns = None
        self._entry_pos = {
            i: pos for i in wanted if (pos := self._tool_pos.get(_owner(i), -1)) >= 0
        }
        return len(fresh)

    def _wanted_entries(self) -> dict[str, str]:
        wanted: dict[str, str] = {}
        for tool in self.registry:
            wanted[f"t:{tool.name}"] = tool_card(tool)
            for n, example in enumerate(index_examples(tool)):
                wanted[f"e:{tool.name}:{n}"] = example
            if not tool.examples:  # zero-shot: more cards from the description and parameters
                for n, card in enumerate(tool_cards(tool)[1:]):
                    wanted[f"c:{tool.name}:{n}"] = card
        stored = self.facts.all() if self.facts else []
        self._templates = {}
        self._facts_by_key = {f.key: f for f in stored if f.kind is not FactKind.EXAMPLE}
        for key, fact in self._facts_by_key.items():
            wanted[f"f:{key}"] = fact.text
        names = tool_names(t.name for t in self.registry)
        for fact in stored:  # examples learned from use (learning.py): personal examples
            owner = learned_tool(fact)
            name = names.get(owner) if owner is not None else None
            if name is not None:  # a tool no longer registered keeps its examples, unused
                digest = fact.key.rsplit(":", 1)[1]
                phrase = personal_phrase(self.registry[name], fact.value, digest)
                wanted[f"u:{name}:{digest}"] = phrase
                self._templates[f"u:{name}:{digest}"] = fact.value
        return wanted

    def _ensure_index(self) -> VectorIndex:
        if self._index is None:
            from embeddings.faiss_index import FaissIndex

            self._index = FaissIndex(self.embedder.dim, self.embedder.fingerprint)
        return self._index

    @property
    def index(self) -> VectorIndex:
        return self._ensure_index()

    @property
    def head(self) -> Head | None:
        """The example head, as carried by the calibration (set a calibration to change it)."""
        return self.calibration.head

    @property
    def tools(self) -> list[Tool]:
        return list(self._tools)

    # ---------------------------------------------------------------- resolving
    def resolve(self, request: str | bytes) -> Resolution:
        started = time.perf_counter()
        text, truncated = self.clean(request)
        features = self.features(text)
        candidates = self._rank(text, features, max(self.config.top_k, 2))
        facts = relevant_facts(
            text,
            features.fact_hits,
            self._facts_by_key,
            candidates[: self.config.top_k],
            self.config.fact_threshold,
        )
        top = candidates[0].tool if candidates else None
        decision = decide(
            [c.probability for c in candidates],
            candidates[0].score if candidates else None,
            self.calibration.thresholds,
            personal=self._personal(features, top),
        )
        if decision is not Decision.LOCAL and top is not None and self._fresh_local(features, top):
            decision = Decision.LOCAL  # personal examples only ever add confidence
        if decision in _UNSURE and top is not None and self._confirmed_local(text, features, top):
            decision = Decision.LOCAL  # a neighbour of a ranking the engine confirmed
        return Resolution(
            request=text,
            candidates=tuple(candidates[: self.config.top_k]),
            facts=tuple(facts),
            decision=decision,
            elapsed_ms=(time.perf_counter() - started) * 1000.0,
            truncated=truncated,
        )

    def _personal(self, features: Features, top: Tool | None) -> tuple[float, float] | None:
        """The top tool's best personal-example similarity, and the best of any other tool;
        None unless the top tool scores by one of its personal examples."""
        if features.personal is None or top is None:
            return None
        mine = features.tools == self._tool_pos[top.name]
        if not features.best_entry[int(np.argmax(mine))].startswith("u:"):
            return None
        other = features.personal[~mine]
        return float(features.personal[mine].max(initial=0.0)), float(other.max(initial=0.0))

    def _fresh_local(self, features: Features, top: Tool) -> bool:
        """Whether the evidence without personal examples decides ``top`` locally on its own."""
        if features.fresh is None:
            return False
        weights, t = self.calibration.weights, self.calibration.thresholds
        scores = fuse(features.fresh, features.lexical, features.head, weights)
        best = int(np.argmax(scores))
        if features.tools[best] != self._tool_pos[top.name] or scores[best] < t.abstain:
            return False
        return bool(softmax(scores, weights.temperature)[best] >= t.local)

    def _confirmed_local(self, text: str, features: Features, top: Tool) -> bool:
        """Whether ``top`` is what the ranking alone puts first and a request it was confirmed
        for is close enough (``repeats``; ``Thresholds.confirmed``)."""
        t = self.calibration.thresholds
        never = t.confirmed > 1.0 and t.confirmed_margin == 0.0
        if self.calibration.trust is not None and features.learned:  # simulated use: ``trust``
            ranking = (self.calibration, self._tools)
            confirmed = self._confirmed.entries(self._learned, ranking, self._fresh_top)
            said = (text, self._templates)
            if learned_trust(self.calibration, features, top.name, self._learned, confirmed, said):
                return True
        if not features.learned or never or features.fresh is None:
            return False
        scores = fuse(features.fresh, features.lexical, features.head, self.calibration.weights)
        if features.tools[int(np.argmax(scores))] != self._tool_pos[top.name]:
            return False
        ranking = (self.calibration, self._tools)
        confirmed = self._confirmed.entries(self._learned, ranking, self._fresh_top)
        mine = max((s for e, s in features.learned if e in confirmed and _owner(e) == top.name),
                   default=-np.inf)  # fmt: skip
        other = max((s for e, s in features.learned if _owner(e) != top.name), default=-np.inf)
        if not trusted(mine, other):
            return False
        return evidence(mine, margin(scores), t.confirmed_margin) >= t.confirmed

    def _fresh_top(self, text: str) -> str | None:
        """The tool the ranking without personal examples puts first for a cleaned text."""
        features = self.features(text)
        if features.tools.size == 0:
            return None
        dense = features.dense if features.fresh is None else features.fresh
        scores = fuse(dense, features.lexical, features.head, self.calibration.weights)
        return self._tools[int(features.tools[int(np.argmax(scores))])].name

    def search(self, query: str, k: int = 5) -> list[Tool]:
        """Tools for a free-text query (the engine's on-device ``search_tools``)."""
        text, _ = self.clean(query)
        ranked = self._rank(text, self.features(text), k if k >= 0 else None)
        return [c.tool for c in ranked[:k]]

    def features(self, text: str) -> Features:
        """Dense, lexical and head evidence for the candidate pool of one cleaned request."""
        if self._lexical is None:
            raise ConfigurationError("Call Resolver.build() before resolving requests")
        query = self._query(text)
        hits = self.index.search(query, self.config.retrieve)[0]
        dense: dict[int, tuple[float, str]] = {}
        personal: dict[int, float] = {}
        fresh: dict[int, float] = {}
        learned: list[tuple[str, float]] = []
        fact_hits: list[tuple[str, float]] = []
        entry_pos = self._entry_pos
        for entry, score in hits:
            pos = entry_pos.get(entry)
            if pos is None:
                if entry.startswith("f:"):
                    fact_hits.append((entry[2:], score))
                continue
            if score > dense.get(pos, _NO_HIT)[0]:
                dense[pos] = (score, entry)
            if entry[0] != "u":
                fresh[pos] = max(score, fresh.get(pos, -1.0))
                continue
            learned.append((entry, score))
            if score > personal.get(pos, 0.0):
                personal[pos] = score
        lex_docs, lex_scores = self._lexical.scores(text)
        top_lex = np.argsort(-lex_scores)[: self.config.lexical_pool]
        pool = set(dense) | set(lex_docs[top_lex].tolist())
        head_all = self._head_scores(query[0])
        if head_all is not None:
            pool |= set(np.argsort(-head_all)[: self.config.top_k].tolist())
        ordered = sorted(pool)
        tools = np.array(ordered, dtype=np.int64)
        floor = min((s for s, _ in dense.values()), default=0.0)
        best = [dense.get(t) for t in ordered]
        dense_scores = np.array([floor if b is None else b[0] for b in best], dtype=np.float64)
        lexical = self._lexical.aligned(text, (lex_docs, lex_scores), tools, dense_scores)
        return Features(
            tools=tools,
            dense=dense_scores,
            lexical=lexical,
            head=None if head_all is None else head_all[tools],
            best_entry=tuple("" if b is None else b[1] for b in best),
            fact_hits=tuple(fact_hits),
            personal=np.array([personal.get(t, 0.0) for t in ordered]) if personal else None,
            fresh=np.array([fresh.get(t, floor) for t in ordered]) if personal else None,
            learned=tuple(learned),
        )

    def _head_scores(self, query: F32) -> F64 | None:
        """Head log-probabilities aligned with the tool list (tools it never saw get the floor)."""
        if self.head is None:
            return None
        log_probs = self.head.log_probs(query)
        aligned = np.full(len(self._tools), float(log_probs.min(initial=0.0)) - 1.0)
        columns, positions = self._head_alignment(self.head)
        aligned[positions] = log_probs[columns]
        return aligned

    def _head_alignment(self, head: Head) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """The head's columns for tools in the list, and those tools' positions (cached)."""
        if self._head_columns is None or self._head_columns[0] is not head:
            pairs = [
                (column, pos)
                for column, name in enumerate(head.classes)
                if (pos := self._tool_pos.get(name)) is not None
            ]
            columns = np.array([c for c, _ in pairs], dtype=np.int64)
            positions = np.array([p for _, p in pairs], dtype=np.int64)
            self._head_columns = (head, columns, positions)
        return self._head_columns[1], self._head_columns[2]

    def _rank(self, text: str, features: Features, limit: int | None = None) -> list[Candidate]:
        """Candidates best first (the first ``limit`` of them, or all)."""
        if features.tools.size == 0:
            return []
        weights = self.calibration.weights
        scores = fuse(features.dense, features.lexical, features.head, weights)
        pool = [self._tools[t] for t in features.tools.tolist()]
        steered = steer_by_preference(text, pool, scores, list(self._facts_by_key.values()))
        probs = softmax(scores, weights.temperature)
        order = np.argsort(-scores, kind="stable")[:limit].tolist()
        score, prob = scores.tolist(), probs.tolist()
        dense, lexical = features.dense.tolist(), features.lexical.tolist()
        return [
            Candidate(
                tool=pool[i],
                score=score[i],
                probability=prob[i],
                dense=dense[i],
                lexical=lexical[i],
                example=self._texts.get(features.best_entry[i]),
                steered_by=steered.get(i),
            )
            for i in order
        ]

    def clean(self, request: str | bytes) -> tuple[str, bool]:
        """The request as the resolver reads it (decoded, normalised, cut to ``max_chars``),
        and whether it was cut; ``InvalidRequestError`` for bytes that are not UTF-8 or an
        empty request."""
        if isinstance(request, bytes):
            try:
                request = request.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = request[exc.start : exc.start + 1]
                raise InvalidRequestError(
                    f"The request is not valid UTF-8 (byte {exc.start}: {bad!r})"
                ) from None
        text = " ".join(clean_text(request).split())
        if not text:
            raise InvalidRequestError("The request is empty")
        if len(text) > self.config.max_chars:
            return text[: self.config.max_chars], True
        return text, False

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        rows: Sequence[tuple[str, str | None]],
        *,
        head: bool = True,
        calls: Mapping[str, Mapping[str, object]] | None = None,
    ) -> Calibration:
        """Calibrate on labelled requests: ``(text, tool name)``, or ``(text, None)`` for requests
        that no tool should take. Trains the example head first when tools have examples, and
        fits how close a request must be to a fact's question to be answered from the fact
        (``fact_fit``; ``thresholds.fact_answer``), then the argument reader (``resolve.fit``).

        ``calls`` (request -> the arguments it was settled with, where known) lets the
        simulated use that fits the trust in learned examples learn each request as learning
        would keep it (``learn`` with arguments: values as placeholders) and hear it said
        again with another request's values (``use_rows``).

        The returned ``Calibration`` carries that head: to share a fit between resolvers over
        the same catalogue, assign it whole (``other.calibration = resolver.calibration``)."""
        if self._lexical is None:
            self.build()
        return fit_resolver(self, rows, head=head, calls=calls)

    def position(self, tool: str) -> int | None:
        """The tool's position in ``tools`` (what ``Features.tools`` holds), or None."""
        return self._tool_pos.get(tool)

    def _query(self, text: str) -> F32:
        """The request's vector; with a reader, from the pass that also gives token states."""
        states = self.token_states(text) if self.reader is not None else None
        if states is None:
            return self.embedder.embed_queries([text])
        return states.vector[None, :]

    def token_states(self, text: str) -> TokenStates | None:
        """The encoder's token states of a cleaned request (None if the model has none)."""
        return self._token_cache.get(text, self.embedder)

    def with_config(self, **changes: object) -> None:
        self.config = replace(self.config, **changes)  # type: ignore[arg-type]


_NO_HIT = (-1.0, "")
_UNSURE = (Decision.ENGINE, Decision.CLARIFY)
"""Decisions that a confirmed neighbour may turn into ``LOCAL`` (never out of scope)."""


def _owner(entry: str) -> str:
    """The tool a ``t:name``, ``e:name:n``, ``c:name:n`` or ``u:name:n`` entry belongs to
    (nothing for facts)."""
    kind, _, rest = entry.partition(":")
    if kind in ("e", "c", "u"):
        return rest.rsplit(":", 1)[0]
    return rest if kind == "t" else ""
