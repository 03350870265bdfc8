"""The span reader as a second reading of a request, beside the whole-request reading: it
completes a frame (``settle``) or agrees with a complete one (``agrees``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..types import Candidate, Fact
from .kinds import SlotFill

if TYPE_CHECKING:
    from embeddings.base import Embedder
    from embeddings.onnx import TokenStates

    from .reader import SpanReader

__all__ = ["SpanEvidence"]


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
        return readings_agree(candidate.tool, rules, learned)

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
