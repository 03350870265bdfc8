"""The calibrated "act on the device" decision: spans become arguments, and the whole frame's
probability, not word coverage, says whether the device may act alone.

    verdict = settle(tool, request, rules, reader.read(tool, tokens), p_tool, reader, ...)
    verdict.fill          # the arguments the device would act on
    verdict.probability   # the chance the whole frame is right

The reader's spans go through the typed readers (``reading.typed``: dates and times with
``dateparser``, numbers with ``text2num``, people from aliases and contacts, places from
saved places, choices by embedding) and are merged with what the typed readers found over the
whole request. The frame's probability is the reader's fitted odds (``reading.odds``: a
small logistic model over the resolver's probability, the lowest span confidence, the refusal
words seen, the words no reader placed, the values only one reading found...), or before they
are fitted the resolver's probability x the lowest span confidence x (1 - the refusal words'
confidence); it is 0 when a required argument has no value or a parameter is tagged twice.

Above the reader's fitted threshold the device acts even when some words of the request were
placed by no reader ("so", "did", a typo), provided dropping those words leaves the request's
meaning where it was (``SAME_MEANING``). Words the tool's own annotated phrases say around
their values ("count down {duration_seconds}": "count", "down"; ``carrier_words``) are how
the tool is asked for, not something the request adds: when every unplaced word is one of
them, the request's meaning is not weighed. With any other word beside them, a cue word
of an unfilled parameter ("by" before ``{mode}``) means a value the readers missed.

A span no typed reader can read, a sign that one call would not do (``SlotFill.doubts``),
refusal words, a value both readings found but read differently, or free text only the
whole-request reading found (leftover words it put in a text field, ``said_by_rules_only``)
leave the frame to the engine, with what was read.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from ..types import Fact, Tool
from .examples import carrier_words, parse_example
from .kinds import NOT_SAID, Filled, Kind, SlotFill, kind_of, tool_properties
from .odds import FrameSigns, frame_signs
from .typed import typed_fill

if TYPE_CHECKING:
    from embeddings.base import Embedder

    from .reader import Reading, SpanReader

__all__ = [
    "SAME_MEANING",
    "Verdict",
    "frame_probability",
    "meaning_kept",
    "merge_fills",
    "readings_agree",
    "said_by_rules_only",
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


def readings_agree(tool: Tool, rules: SlotFill, learned: SlotFill) -> bool:
    """Two independent readings of one request say the same: the span reader's typed values
    (``learned``) give every required argument, with nothing ambiguous or unreadable, and each
    of them is the value the whole-request reading (``rules``) found. A typed optional value
    only the whole-request reading found ("an *XL* ride") does not count against it; free
    text only it found does (``said_by_rules_only``)."""
    if learned.missing or learned.ambiguous or not learned.arguments:
        return False
    if said_by_rules_only(tool, rules, learned):
        return False
    return all(
        n in rules.arguments and rules.arguments[n] == v for n, v in learned.arguments.items()
    )


def said_by_rules_only(tool: Tool, rules: SlotFill, learned: SlotFill) -> tuple[str, ...]:
    """The free-text parameters the whole-request reading filled with words of the request
    that the span reader tagged as no value at all. Free text takes whatever words are left
    over ("once I'm at the station" as a message body), so only a second reading vouches for
    it; a typed value (a choice, a time, a person) was accepted by its reader already."""
    properties = tool_properties(tool)
    return tuple(
        n
        for n, filled in rules.filled.items()
        if n in rules.arguments
        and n not in learned.arguments
        and filled.text
        and kind_of(n, properties.get(n, {})) is Kind.TEXT
    )


def settle(
    tool: Tool,
    request: str,
    rules: SlotFill,
    reading: Reading,
    tool_probability: float | Callable[[], float],
    reader: SpanReader,
    facts: Sequence[Fact],
    *,
    now: datetime,
    contacts: Sequence[str] | None = None,
    embedder: Embedder | None = None,
) -> Verdict:
    """Decide on ``tool``'s arguments for ``request`` from the whole-request reading
    (``rules``) and the span reader's ``reading`` (see the module docstring).

    ``tool_probability`` may be a function, asked only when the threshold decides (judging
    validation frames); the verdicts of frames stopped before it then have probability 0."""
    learned = typed_fill(
        tool, request, reading.found, facts, now=now, contacts=contacts, embedder=embedder
    )
    merged, disagree = merge_fills(rules, learned)
    said = 0.0 if callable(tool_probability) else tool_probability
    probability = frame_probability(tool, merged, reading, said)
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
    alone = said_by_rules_only(tool, rules, learned)
    if alone:
        why = "; ".join(f"{n}: only one reading found it" for n in alone)
        return Verdict(_unsure(rules, merged), probability, False, why)
    loose = tuple(w for w in rules.unexplained if w not in rules.doubts)
    carrier = carrier_words(tool)
    # the tool's own phrasing accounts for the unplaced words only when it accounts for all
    # of them: "by" in "directions to the zoo by bus" is carried, but with "bus" unread it
    # marks a value the readers missed
    asking = () if all(_carried(w, carrier) for w in loose) else loose
    missed = _cued(tool, loose, merged) if asking else ()
    if missed:
        why = f"a value the readers missed: {', '.join(missed)}"
        return Verdict(_unsure(rules, merged), probability, False, why)
    kept = meaning_kept(request, asking, embedder) if asking and embedder is not None else 1.0
    if kept < SAME_MEANING:
        words = ", ".join(asking)
        return Verdict(_unsure(rules, merged), probability, False, f"words that ask more: {words}")
    if callable(tool_probability):
        said = tool_probability()
        probability = frame_probability(tool, merged, reading, said)
    signs = frame_signs(
        said,
        reading.confidence,
        reading.refusal_seen,
        reading.refusal_peak,
        rules,
        learned,
        merged,
        request,
        loose,
        kept,
        carrier,
    )
    if probability > 0.0 and reader.odds is not None:
        probability = reader.odds.probability(signs.vector)
    act = probability >= reader.threshold
    reason = "" if act else f"the reading is not sure enough ({probability:.2f})"
    fill = merged if act else _unsure(rules, merged)
    return Verdict(fill, probability, act, reason, True, signs)


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


def _cued(tool: Tool, loose: Sequence[str], fill: SlotFill) -> tuple[str, ...]:
    """The parameters with no value whose cue, the word the tool's phrases say just before
    them ("by" in "directions to {destination} by {mode}"), is among the unplaced words."""
    cues = _cues(tuple(tool.examples))
    said = {x.strip(",.!?;:") for w in loose for x in w.casefold().split()}
    return tuple(sorted({p for w in said for p in cues.get(w, ()) if p not in fill.arguments}))


@functools.lru_cache(maxsize=512)
def _cues(examples: tuple[str, ...]) -> dict[str, frozenset[str]]:
    cues: dict[str, set[str]] = {}
    for example in examples:
        try:
            pieces = parse_example(example)
        except ValueError:
            continue
        for before, piece in itertools.pairwise(pieces):
            said = before.text.casefold().split() if before.parameter is None else []
            if piece.parameter is not None and said:
                cues.setdefault(said[-1].strip(",.!?;:"), set()).add(piece.parameter)
    return {w: frozenset(p) for w, p in cues.items() if w}


def _carried(word: str, carrier: frozenset[str]) -> bool:
    """Every word of ``word`` is one the tool's own phrases say around their values."""
    said = [w.strip(",.!?;:") for w in word.casefold().split()]
    return bool(said) and all(w in carrier for w in said)


def _unsure(rules: SlotFill, merged: SlotFill) -> SlotFill:
    """What was read, still marked as not complete (the rule reading's loose words kept)."""
    return replace(merged, unexplained=rules.unexplained or ("a reading not sure enough",))
