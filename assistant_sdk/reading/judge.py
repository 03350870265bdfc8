"""Validation frames judged as the device decides at run time, for fitting the act decision.

    judge = RunTimeJudge(probability, facts, embedder)
    judge.worth(tool, frame)                 # cheap: could the threshold decide this frame?
    judge(reader, tool, frame, words)        # (signs, probability, right), or None

The threshold only ever decides frames the whole-request reading leaves incomplete (words
unplaced, a value unsaid) and nothing else stops first, so only those are judged: a frame the
whole-request reading completes alone is acted on at run time whatever the threshold is.
``worth`` sees that without the frame's token states, so frames made only to check the
threshold are embedded only when they can say something about it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from ..types import Fact, FactKind, Tool
from .act import settle
from .frames import REFUSE, Frame
from .kinds import SlotFill
from .odds import FrameSigns
from .typed import Found, typed_fill
from .words import Words

if TYPE_CHECKING:
    from embeddings.base import Embedder, Vectors
    from embeddings.onnx import TokenStates

    from .reader import SpanReader

__all__ = ["RunTimeJudge"]


class RunTimeJudge:
    """Judge a validation frame as ``plan_locally`` decides: the whole-request readers first;
    where they leave words unplaced or a value unsaid, ``settle`` over the reader's spans.
    Right means the right tool (``probability`` at least 0.5) with the arguments the frame's
    own spans give. Frames whose own values the typed readers cannot read, frames the
    whole-request readers complete alone or doubt, and frames something other than the
    threshold stops are left out: the device never weighs them at run time."""

    def __init__(
        self,
        probability: Callable[[str, str], float],
        facts: Sequence[Fact],
        embedder: Embedder | None = None,
    ) -> None:
        self._probability = probability
        self._facts = facts
        self._embedder = _Remembered(embedder) if embedder is not None else None
        self._now = datetime.now().replace(second=0, microsecond=0)
        self._people = [f.value for f in facts if f.kind is FactKind.ALIAS]
        self._read: dict[tuple[str, str], tuple[SlotFill, SlotFill] | None] = {}

    def remember(self, states: Sequence[TokenStates]) -> None:
        """Keep the pooled vectors of frames already embedded with their token states, so
        the meaning check does not embed those requests again."""
        if self._embedder is not None:
            self._embedder.remember({s.text: s.vector for s in states})

    def worth(self, tool: Tool, frame: Frame) -> bool:
        """The frame's own values are readable and the whole-request reading leaves it
        incomplete with no doubt: the threshold may decide it."""
        return self._readings(tool, frame) is not None

    def __call__(
        self, reader: SpanReader, tool: Tool, frame: Frame, words: Words
    ) -> tuple[FrameSigns, float, bool] | None:
        reading = reader.read(tool, words)
        if reading.refusal or reading.repeated:
            return None  # stopped before the threshold, or never above 0
        readings = self._readings(tool, frame)
        if readings is None:
            return None
        gold, rules = readings
        asked: list[float] = []

        def p_tool() -> float:
            asked.append(self._probability(frame.text, tool.name))
            return asked[-1]

        verdict = settle(
            tool,
            frame.text,
            rules,
            reading,
            p_tool,
            reader,
            self._facts,
            now=self._now,
            contacts=self._people,
            embedder=self._embedder,
        )
        if not verdict.weighed or verdict.signs is None:
            return None
        right = frame.act and asked[-1] >= 0.5 and verdict.fill.arguments == gold.arguments
        return verdict.signs, verdict.probability, right

    def _readings(self, tool: Tool, frame: Frame) -> tuple[SlotFill, SlotFill] | None:
        """The frame's own values (``gold``) and the whole-request reading, when it may be
        weighed; remembered, since ``worth`` and the judging ask for the same frame."""
        key = (tool.name, frame.text)
        if key not in self._read:
            self._read[key] = self._weighable(tool, frame)
        return self._read[key]

    def _weighable(self, tool: Tool, frame: Frame) -> tuple[SlotFill, SlotFill] | None:
        from ..slots import fill_arguments

        when, people = self._now, self._people
        rules = fill_arguments(tool, frame.text, self._facts, now=when, contacts=people)
        if rules.doubts or rules.ambiguous or rules.complete:
            return None
        spans = {n: Found(a, b, 1.0) for n, a, b in frame.spans if n != REFUSE}
        gold = typed_fill(tool, frame.text, spans, self._facts, now=when, contacts=people)
        if gold.problems or gold.ambiguous:
            return None
        return gold, rules


class _Remembered:
    """An embedder that keeps every query vector it gave or was told (judging embeds the
    same requests many times); only for the length of one fit."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}

    @property
    def dim(self) -> int:
        return self._embedder.dim

    @property
    def fingerprint(self) -> str:
        return self._embedder.fingerprint

    def remember(self, vectors: dict[str, np.ndarray]) -> None:
        self._vectors.update(vectors)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            self.remember(dict(zip(missing, self._embedder.embed_queries(missing), strict=True)))
        return np.stack([self._vectors[t] for t in texts]).astype(np.float32)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self._embedder.embed_documents(texts)
