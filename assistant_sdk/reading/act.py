"""The calibrated "act on the device" decision: spans become arguments, and the whole frame's
probability, not word coverage, says whether the device may act alone.

    verdict = settle(tool, request, rules, reader.read(tool, tokens), p_tool, reader, ...)
    verdict.fill          # the arguments the device would act on
    verdict.probability   # the chance the whole frame is right

The reader's spans go through the typed readers (``reading.typed``: dates and times with
``dateparser``, numbers with ``text2num``, people from aliases and contacts, places from
saved places, choices by embedding) and are merged with what the typed readers found over the
whole request. The frame's probability is the resolver's probability for the tool x the
lowest span confidence x (1 - the refusal words' confidence, however low), and 0 when a
required argument has no value or a parameter is tagged twice.

Above the reader's fitted threshold the device acts even when some words of the request were
placed by no reader ("so", "did", a typo), provided dropping those words leaves the request's
meaning where it was (``SAME_MEANING``). A span no typed reader can read, a sign that one call
would not do (``SlotFill.doubts``), refusal words, or a value both readings found but read
differently leave the frame to the engine, with what was read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from ..types import Fact, FactKind, Tool
from .frames import REFUSE, Frame
from .kinds import NOT_SAID, Filled, SlotFill
from .odds import FrameSigns, frame_signs
from .typed import Found, typed_fill
from .words import Words

if TYPE_CHECKING:
    from embeddings.base import Embedder

    from .reader import FrameScore, Reading, SpanReader

__all__ = [
    "SAME_MEANING",
    "Verdict",
    "frame_probability",
    "meaning_kept",
    "merge_fills",
    "readings_agree",
    "run_time_score",
    "settle",
]

SAME_MEANING = 0.9
"""The least cosine between the request and the request without the words no reader placed,
for the device to act although those words are unplaced: "so", "did", "am", a typo move the
request's vector little; "umbrella", "summarize", "cheaper" move it far (they ask for more
than the call does)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The fill the device decided on, the frame's probability and whether it may act."""

    fill: SlotFill
    probability: float
    act: bool
    reason: str = ""
    weighed: bool = False
    """The fitted threshold decided (nothing else stopped the device first)."""
    signs: FrameSigns | None = None
    """What the probability was weighed from (``reading.odds``), when it was weighed."""


def frame_probability(
    tool: Tool, fill: SlotFill, reading: Reading, tool_probability: float
) -> float:
    """The chance the whole frame is right: the tool, every span, nothing refused, every
    required argument filled with a typed value."""
    if reading.repeated or fill.missing or fill.ambiguous:
        return 0.0
    if any(name not in fill.arguments for name in tool.required):
        return 0.0
    return tool_probability * reading.confidence * (1.0 - reading.refusal_seen)


def merge_fills(rules: SlotFill, learned: SlotFill) -> tuple[SlotFill, tuple[str, ...]]:
    """The typed readers' values over the whole request (``rules``), completed by the values
    read from the reader's spans (``learned``), and the parameters the two read differently.

    A parameter the whole-request readers could not say anything of (``NOT_SAID``) takes the
    span's value; one they named a problem with keeps the problem."""
    arguments = dict(rules.arguments)
    filled = dict(rules.filled)
    disagree = [n for n, v in learned.arguments.items() if n in arguments and arguments[n] != v]
    for name, value in learned.arguments.items():
        if name in arguments or name in rules.ambiguous:
            continue
        if name in rules.missing and rules.problems.get(name) != NOT_SAID:
            continue
        arguments[name] = value
        said = learned.filled[name]
        filled[name] = Filled(f"reader:{said.source}", said.confidence, said.text)
    missing = tuple(n for n in rules.missing if n not in arguments)
    problems = {n: p for n, p in rules.problems.items() if n in missing}
    for name, problem in learned.problems.items():
        if problem != NOT_SAID and name not in arguments:
            problems[name] = problem
    merged = SlotFill(arguments, filled, missing, dict(rules.ambiguous), (), problems, rules.doubts)
    return merged, tuple(disagree)


def readings_agree(rules: SlotFill, learned: SlotFill) -> bool:
    """Two independent readings of one request say the same: the span reader's typed values
    (``learned``) give every required argument, with nothing ambiguous or unreadable, and each
    of them is the value the whole-request reading (``rules``) found. Optional values only the
    whole-request reading found ("an *XL* ride") do not count against it."""
    if learned.missing or learned.ambiguous or not learned.arguments:
        return False
    return all(
        n in rules.arguments and rules.arguments[n] == v for n, v in learned.arguments.items()
    )


def settle(
    tool: Tool,
    request: str,
    rules: SlotFill,
    reading: Reading,
    tool_probability: float,
    reader: SpanReader,
    facts: Sequence[Fact],
    *,
    now: datetime,
    contacts: Sequence[str] | None = None,
    embedder: Embedder | None = None,
) -> Verdict:
    """Decide on ``tool``'s arguments for ``request`` from the whole-request reading
    (``rules``) and the span reader's ``reading`` (see the module docstring)."""
    learned = typed_fill(
        tool, request, reading.found, facts, now=now, contacts=contacts, embedder=embedder
    )
    merged, disagree = merge_fills(rules, learned)
    probability = frame_probability(tool, merged, reading, tool_probability)
    unread = {n: p for n, p in learned.problems.items() if p != NOT_SAID}
    if rules.doubts or rules.ambiguous:
        return Verdict(rules, probability, False, "; ".join(rules.doubts))
    if reading.refusal:
        return Verdict(rules, probability, False, "; ".join(reading.refusal))
    if disagree or unread:
        named = [f"{n}: read two ways" for n in disagree]
        named += [f"{n}: {p}" for n, p in unread.items()]
        return Verdict(_unsure(rules, merged), probability, False, "; ".join(named))
    if merged.missing:
        return Verdict(merged, probability, False, "")
    loose = tuple(w for w in rules.unexplained if w not in rules.doubts)
    kept = meaning_kept(request, loose, embedder) if loose and embedder is not None else 1.0
    if kept < SAME_MEANING:
        words = ", ".join(loose)
        return Verdict(_unsure(rules, merged), probability, False, f"words that ask more: {words}")
    signs = frame_signs(
        tool_probability,
        reading.confidence,
        reading.refusal_seen,
        reading.refusal_peak,
        rules,
        learned,
        merged,
        request,
        loose,
        kept,
    )
    if probability > 0.0 and reader.odds is not None:
        probability = reader.odds.probability(signs.vector)
    act = probability >= reader.threshold
    reason = "" if act else f"the reading is not sure enough ({probability:.2f})"
    fill = merged if act else _unsure(rules, merged)
    return Verdict(fill, probability, act, reason, True, signs)


def run_time_score(
    probability: Callable[[str, str], float],
    facts: Sequence[Fact],
    embedder: Embedder | None = None,
) -> FrameScore:
    """Judge a validation frame as ``plan_locally`` decides: the whole-request readers first;
    where they leave words unplaced or a value unsaid, ``settle`` over the reader's spans.
    Right means the right tool with the arguments the frame's own spans give. Frames whose own
    values the typed readers cannot read, frames the whole-request readers complete alone or
    doubt, and frames something other than the threshold stops are left out: they say nothing
    about where the threshold should be (the device never weighs them at run time)."""
    from ..slots import fill_arguments

    now = datetime.now().replace(second=0, microsecond=0)
    people = [f.value for f in facts if f.kind is FactKind.ALIAS]

    def score(
        reader: SpanReader, tool: Tool, frame: Frame, words: Words
    ) -> tuple[FrameSigns, float, bool] | None:
        reading = reader.read(tool, words)
        if reading.refusal or reading.repeated:
            return None  # stopped before the threshold (or never above 0): cheap to see first
        spans = {n: Found(a, b, 1.0) for n, a, b in frame.spans if n != REFUSE}
        gold = typed_fill(tool, frame.text, spans, facts, now=now, contacts=people)
        if gold.problems or gold.ambiguous:
            return None
        rules = fill_arguments(tool, frame.text, facts, now=now, contacts=people)
        if rules.doubts or rules.ambiguous or rules.complete:
            return None
        p_tool = probability(frame.text, tool.name)
        verdict = settle(
            tool,
            frame.text,
            rules,
            reading,
            p_tool,
            reader,
            facts,
            now=now,
            contacts=people,
            embedder=embedder,
        )
        if not verdict.weighed or verdict.signs is None:
            return None
        right = frame.act and p_tool >= 0.5 and verdict.fill.arguments == gold.arguments
        return verdict.signs, verdict.probability, right

    return score


def meaning_kept(request: str, loose: Sequence[str], embedder: Embedder) -> float:
    """The cosine between ``request`` and ``request`` without the ``loose`` words."""
    rest = request
    for word in loose:
        rest = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", rest, count=1, flags=re.IGNORECASE)
    rest = " ".join(rest.split())
    if rest == request:
        return 1.0
    if not rest:
        return 0.0
    vectors = embedder.embed_queries([request, rest])
    return float(vectors[0] @ vectors[1])


def _unsure(rules: SlotFill, merged: SlotFill) -> SlotFill:
    """What was read, still marked as not complete (the rule reading's loose words kept)."""
    return replace(merged, unexplained=rules.unexplained or ("a reading not sure enough",))
