"""The span reader as a second reading of a request, beside the whole-request reading: it
completes a frame (``settle``), agrees with one (``agrees``), or contradicts one by reading as
a refusal words the other put inside a free-text value (``in_free_text``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..types import Candidate, Fact, Tool
from .kinds import Kind, SlotFill, kind_of, tool_properties

if TYPE_CHECKING:
    from embeddings.base import Embedder
    from embeddings.onnx import TokenStates

    from .reader import Reading, SpanReader

__all__ = ["SpanEvidence", "in_free_text"]


@dataclass(frozen=True, slots=True)
class SpanEvidence:
    """The span reader over one request's token states, when there is one: a second reading
    of the request beside the whole-request one."""

    reader: SpanReader | None
    tokens: TokenStates | None
    facts: Sequence[Fact]
    now: datetime
    contacts: Sequence[str] | None
    embedder: Embedder | None

    def agrees(self, candidate: Candidate, request: str, rules: SlotFill) -> bool:
        """The span reader reads the same values as the complete whole-request reading
        ``rules``, with no refusal words and no parameter tagged twice."""
        if self.reader is None or self.tokens is None:
            return False
        from .act import readings_agree
        from .typed import typed_fill

        spans = self.reader.read(candidate.tool, self.tokens)
        if spans.refusal or spans.repeated:
            return False
        learned = typed_fill(
            candidate.tool,
            request,
            spans.found,
            self.facts,
            now=self.now,
            contacts=self.contacts,
            embedder=self.embedder,
        )
        return readings_agree(rules, learned)

    def settle(self, candidate: Candidate, request: str, rules: SlotFill) -> SlotFill:
        """``rules`` as it is when it is complete, names a doubt, or there is no reader;
        otherwise what the calibrated act decision makes of it (``reading.act``)."""
        if self.reader is None or self.tokens is None or rules.doubts or rules.ambiguous:
            return rules
        if not rules.unexplained and not rules.missing:
            return rules
        from .act import settle

        verdict = settle(
            candidate.tool,
            request,
            rules,
            self.reader.read(candidate.tool, self.tokens),
            candidate.probability,
            self.reader,
            self.facts,
            now=self.now,
            contacts=self.contacts,
            embedder=self.embedder,
        )
        return verdict.fill


def in_free_text(tool: Tool, arguments: dict[str, Any], reading: Reading) -> tuple[str, ...]:
    """Words the span reader reads as a refusal, however unsure, that the whole-request
    reading put inside a free-text value ("message Sam *once I'm at the station*" as the
    body): the two readings disagree on what the words are, and acting would carry out a
    condition as if it were a message."""
    kinds = {name: kind_of(name, schema) for name, schema in tool_properties(tool).items()}
    texts = [str(v).casefold() for n, v in arguments.items() if kinds.get(n) is Kind.TEXT]
    return tuple(w for w in reading.refusal_below if any(w.casefold() in t for t in texts))
