"""Plan on the device when the request is simple, so it costs no tokens and works offline.

    plan = plan_locally(resolution, facts, now=datetime.now(), contacts=names)
    match plan:
        case LocalPlan():      run plan.tool with plan.arguments (after the risk gate)
        case Clarification():  ask plan.question; continue with answer_clarification(...)
        case PartialPlan():    let the engine plan, with what the device filled as a hint
        case None:             nothing on the device can do this

A local plan needs a settled tool and every argument read with confidence: nothing missing,
nothing ambiguous, no word of the request left unexplained (docs/planning.md says when an
unsure or far resolution still settles the tool). A person two contacts match is asked about
whenever the tool is settled, even with words left unplaced.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..slots import fill_arguments
from ..types import Candidate, Decision, Fact, Resolution, Tool
from .evidence import SpanEvidence
from .kinds import NOT_SAID, Filled, SlotFill

if TYPE_CHECKING:
    from embeddings.base import Embedder
    from embeddings.onnx import TokenStates

    from .reader import SpanReader

__all__ = [
    "CONFIDENT",
    "Clarification",
    "LocalPlan",
    "PartialPlan",
    "in_user_words",
    "plan_locally",
    "what_was_read",
]

CONFIDENT = 0.6
"""The confidence every filled argument needs for the device to act on its own."""


@dataclass(frozen=True, slots=True)
class LocalPlan:
    """One call the device can make with no engine."""

    tool: Tool
    arguments: dict[str, Any]
    filled: dict[str, Filled] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PartialPlan:
    """What the device understood; an engine must finish the plan."""

    tool: Tool | None
    arguments: dict[str, Any] = field(default_factory=dict)
    filled: dict[str, Filled] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Clarification:
    """A question for the user: which of ``options`` they meant.

    ``parameter`` is None when the options are tools (two close candidates), said in the
    user's words ("add a reminder"; ``tools`` holds the tools in the same order), else the
    options are values for that parameter of ``tool`` ("John Smith" or "John Park").
    """

    question: str
    options: tuple[str, ...]
    request: str
    parameter: str | None = None
    tool: Tool | None = None
    tools: tuple[Tool, ...] = ()
    arguments: dict[str, Any] = field(default_factory=dict)
    refused: str = ""
    """Why one call would not do what was asked (refusal words the span reader found): the
    answer then completes the plan for an engine instead of the device acting on it."""


VERIFIED = 0.3
"""The probability from which a candidate the resolver was unsure of may still be planned on
the device, when its arguments explain every word of the request and no rival's do. A reading
with no value in it verifies nothing ("cancel" explains any tool that cancels), so a
candidate is verified only by the values it read."""
REFUTED_TOP = 0.15
"""The probability that suffices when the resolver's first choice cannot explain the request
(a word it does not speak of, a missing argument) and this candidate explains all of it with
a value it read: "uber" is not "cancel the Uber ride", which needs nothing more."""
MISREAD_TOP = 0.05
"""The probability that suffices when the request names a value the first candidate's own
parameter cannot hold ("this weekend" for a parameter of one day) and this candidate holds
it, with every other word placed."""
RIVAL_SHARE = 1 / 3
"""A rival that also explains the request blocks a verified plan when it has at least this
share of the candidate's probability."""


def plan_locally(
    resolution: Resolution,
    facts: Sequence[Fact],
    *,
    now: datetime,
    contacts: Sequence[str] | None = None,
    embedder: Embedder | None = None,
    reader: SpanReader | None = None,
    tokens: TokenStates | None = None,
) -> LocalPlan | PartialPlan | Clarification | None:
    """The device's plan for a resolved request (see the module docstring).

    With a fitted ``reader`` and the request's ``tokens``, a plan the device would make is
    first read by the span reader: words it tags as a refusal (a condition or trigger, a
    second action, a negation, an indirect question) hand the request to an engine instead.

    A confident resolution (``Decision.LOCAL``) plans its top tool. An unsure one
    (``Decision.ENGINE``) is *verified* by reading the request as each of the top three
    candidates: one whose arguments account for every word, with at least ``VERIFIED``
    probability (``REFUTED_TOP`` when the first candidate cannot explain the request) and no
    rival that fits nearly as well, is planned on the device; anything else goes to an engine
    with what the device read. Two close tools (``Decision.CLARIFY``) are asked about unless
    the words settle it: exactly one of them explains the request and the other is refuted
    (a word it cannot place, a sign it is not the call). A request far from every tool
    (``Decision.OUT_OF_SCOPE``) is planned only when the span reader's values agree with the
    complete whole-request reading. Refusal words found with a question about a value make
    the answer a plan for an engine (``Clarification.refused``).
    """
    span_reading = SpanEvidence(reader, tokens, facts, now, contacts, embedder)
    plan = _plan(
        resolution, facts, now=now, contacts=contacts, embedder=embedder, reading=span_reading
    )
    asks_value = isinstance(plan, Clarification) and plan.tool is not None
    if (isinstance(plan, LocalPlan) or asks_value) and reader is not None and tokens is not None:
        assert plan is not None and plan.tool is not None
        reading = reader.read(plan.tool, tokens)
        if reading.refusal:
            words = "; ".join(reading.refusal)
            reason = f"one call now would not do what was asked ({words})"
            if isinstance(plan, Clarification):
                return replace(plan, refused=reason)  # ask; the answer goes to an engine
            return PartialPlan(plan.tool, dict(plan.arguments), dict(plan.filled), (), reason)
    return plan


def _plan(
    resolution: Resolution,
    facts: Sequence[Fact],
    *,
    now: datetime,
    contacts: Sequence[str] | None,
    embedder: Embedder | None,
    reading: SpanEvidence,
) -> LocalPlan | PartialPlan | Clarification | None:
    top = resolution.top
    if top is None:
        return None

    def read(candidate: Candidate) -> SlotFill:
        rules = fill_arguments(
            candidate.tool,
            resolution.request,
            facts,
            now=now,
            contacts=contacts,
            embedder=embedder,
        )
        return reading.settle(candidate, resolution.request, rules)

    fill = read(top)
    if resolution.decision is Decision.LOCAL:
        return decide(top.tool, resolution.request, fill)
    if resolution.decision is Decision.CLARIFY:
        pair = resolution.candidates[:2]
        second = read(pair[1]) if len(pair) > 1 else None
        if second is not None and not _fits(fill) and _fits(second) and second.arguments:
            # the words settle it, by a value the second read ("timer" is not "cancel the
            # timer" because cancelling needs nothing more)
            return decide(pair[1].tool, resolution.request, second)
        if second is not None and _fits(fill) and not fill.ambiguous and _refuted(second):
            return decide(top.tool, resolution.request, fill)  # and the other way round
        tools = tuple(c.tool for c in pair)
        said = tuple(in_user_words(t) for t in tools)
        question = "Did you mean to " + " or to ".join(said) + "?"
        return Clarification(question, said, resolution.request, tools=tools)
    fills = [(top, fill)] + [(c, read(c)) for c in resolution.candidates[1:3]]
    if resolution.decision is Decision.OUT_OF_SCOPE:
        return _agreed(resolution.request, fills, reading) or _ask_who(resolution.request, fills)
    fitting = [(c, f) for c, f in fills if _fits(f) and f.arguments]
    if fitting:
        best, best_fill = fitting[0]
        rivals = [c for c, _ in fitting[1:] if c.probability >= best.probability * RIVAL_SHARE]
        floor = VERIFIED if best is top else REFUTED_TOP if not _misread(fill) else MISREAD_TOP
        if best.probability >= floor and not rivals:
            return decide(best.tool, resolution.request, best_fill)
    asked = _ask_who(resolution.request, fills)
    return asked or _partial(top.tool, fill, "the request needs an engine to plan it")


def _agreed(
    request: str, fills: Sequence[tuple[Candidate, SlotFill]], reading: SpanEvidence
) -> LocalPlan | None:
    """A request the resolver found far from every tool is planned only when two independent
    readings agree on it: the first candidate that fits has at least ``VERIFIED``
    probability, no rival that fits with a third of it, and the span reader's typed values
    are the whole-request reading's (``reading.act.readings_agree``)."""
    fitting = [(c, f) for c, f in fills if _fits(f)]
    if not fitting:
        return None
    best, best_fill = fitting[0]
    rivals = [c for c, _ in fitting[1:] if c.probability >= best.probability * RIVAL_SHARE]
    if best.probability < VERIFIED or rivals or best_fill.ambiguous:
        return None
    if not reading.agrees(best, request, best_fill):
        return None
    plan = decide(best.tool, request, best_fill)
    return plan if isinstance(plan, LocalPlan) else None


def _ask_who(request: str, fills: Sequence[tuple[Candidate, SlotFill]]) -> Clarification | None:
    """The question "Which one do you mean: John Park or John Smith?" when the request names a
    person two or more of the user's contacts match and the tool is settled, even with words
    the device did not place: the first candidate has at least ``VERIFIED`` probability and
    every rival with a third of it either asks the same question or shows a sign of not being
    the call (``SlotFill.doubts``: words left unplaced do not count, the first may have some).
    After the answer, what is still unplaced goes to the engine with the person named."""
    top, fill = fills[0]
    if not fill.ambiguous or top.probability < VERIFIED:
        return None
    options = next(iter(fill.ambiguous.values()))
    for candidate, other in fills[1:]:
        if candidate.probability < top.probability * RIVAL_SHARE:
            continue
        if options not in other.ambiguous.values() and not other.doubts:
            return None
    asked = decide(top.tool, request, fill)
    return asked if isinstance(asked, Clarification) else None


def what_was_read(plan: PartialPlan) -> str:
    """What the device read of a request it could not finish, and why, said for the user
    (an offline reply): "The device read: send a message (recipient: Jane Doe); body: the
    request does not say." """
    if plan.tool is None:
        return ""
    said = ", ".join(f"{name}: {value}" for name, value in plan.arguments.items())
    read = in_user_words(plan.tool) + (f" ({said})" if said else "")
    reason = plan.reason.rstrip(".")
    return f"The device read: {read}; {reason}." if reason else f"The device read: {read}."


def in_user_words(tool: Tool) -> str:
    """What a tool does, as the user would say it ("set an alarm"): the first clause of its
    description, never its name."""
    plain = re.sub(r"\s*\([^)]*\)", "", tool.description.strip())
    first = re.split(r"(?<=[.;:,!?])\s", plain, maxsplit=1)[0]
    first = first.rstrip(".;:,!? ")
    return first[:1].lower() + first[1:] if first[1:2].islower() or len(first) < 2 else first


def _misread(fill: SlotFill) -> bool:
    """A required value the request names but a typed reader refused (not one left unsaid)."""
    return any(fill.problems.get(n, NOT_SAID) != NOT_SAID for n in fill.missing)


def _refuted(fill: SlotFill) -> bool:
    """The request has words this reading cannot place, or signs that it is not this call
    (a value merely left unsaid does not refute a tool)."""
    return bool(fill.unexplained or fill.doubts)


def _fits(fill: SlotFill) -> bool:
    """Every required argument read (or ambiguous between known values), every word placed."""
    sure = all(f.confidence >= CONFIDENT for f in fill.filled.values())
    return not fill.missing and not fill.unexplained and sure


def decide(tool: Tool, request: str, fill: SlotFill) -> LocalPlan | PartialPlan | Clarification:
    """A local plan when ``fill`` is complete and confident; otherwise ask or hand over."""
    if fill.ambiguous:
        parameter, options = next(iter(fill.ambiguous.items()))
        question = f"Which one do you mean: {' or '.join(options)}?"
        return Clarification(
            question, tuple(options), request, parameter, tool, arguments=dict(fill.arguments)
        )
    if fill.missing:
        problems = "; ".join(f"{n}: {fill.problems.get(n, '')}" for n in fill.missing)
        return _partial(tool, fill, problems)
    if fill.unexplained:
        words = ", ".join(fill.unexplained)
        return _partial(tool, fill, f"words the device did not place: {words}")
    unsure = [n for n, f in fill.filled.items() if f.confidence < CONFIDENT]
    if unsure:
        return _partial(tool, fill, f"not sure of {', '.join(unsure)}")
    return LocalPlan(tool, dict(fill.arguments), dict(fill.filled))


def _partial(tool: Tool, fill: SlotFill, reason: str) -> PartialPlan:
    return PartialPlan(tool, dict(fill.arguments), dict(fill.filled), fill.missing, reason)
