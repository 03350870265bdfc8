"""Training frames made on the device at ``fit`` time, from annotated examples.

A *frame* is a request text, the tool it is for, the character spans of its arguments, and
whether the device may act on it alone. Positive frames fill each annotated example many
times with values sampled per parameter kind (``reading.values``), each said in one of many
voices (``reading.voices``: fillers, politeness, terse typing, casing, typos). Negative frames
put a positive one in a shape that one call can never satisfy, the same for every tool
(``reading.refusals``: conditions and triggers, second actions, negations, indirect
questions), with the added words tagged ``REFUSE`` so the reader learns to find them wherever
they are. Nothing here is written per tool: a new tool's annotated phrases get all of it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from ..types import Tool
from .drafts import Draft, draft_of, render
from .examples import check_examples, parse_example
from .refusals import REFUSE, refuse
from .values import Vocabulary, sampler_for
from .voices import vary

__all__ = ["REFUSE", "Frame", "make_frames"]


@dataclass(frozen=True, slots=True)
class Frame:
    text: str
    tool: str
    spans: tuple[tuple[str, int, int], ...]
    """``(label, start, end)``: a parameter's value, or ``REFUSE`` words."""
    act: bool


def _annotated(tool: Tool) -> list[str]:
    """Examples that say where every argument is: annotated ones, and plain ones of tools with
    no parameters (a plain example of a tool with parameters hides its values)."""
    marked = [e for e in tool.examples if any(p.parameter for p in parse_example(e))]
    return marked if marked or tool.parameter_names else list(tool.examples)


PER_TOOL = 3
"""A tool's frames are at most ``PER_TOOL * per_example`` fillings, spread over its phrases:
the frames are a budget, and a tool with many phrases gets variety, not more weight."""


def _drafts(
    tool: Tool, rng: random.Random, vocabulary: Vocabulary, per_example: int
) -> list[Draft]:
    """The tool's usable examples filled in turn, ``per_example`` times each within the tool's
    budget (at least once each); a tool with no parameters counts as much as one with some."""
    check_examples(tool)
    sample = sampler_for(tool, rng, vocabulary)
    examples = _annotated(tool)
    if not examples:
        return []
    total = max(len(examples), min(len(examples) * per_example, PER_TOOL * per_example))
    drafts = [draft_of(examples[n % len(examples)], sample) for n in range(total)]
    return [d for d in drafts if d]


def _frame(draft: Draft, tool: str, act: bool) -> Frame:
    text, spans = render(draft)
    return Frame(text, tool, spans, act)


def make_frames(
    tools: Sequence[Tool],
    vocabulary: Vocabulary | None = None,
    *,
    per_example: int = 8,
    negatives: float = 0.35,
    seed: int = 0,
) -> list[Frame]:
    """Positive frames from every tool's annotated examples, plus ``negatives`` (a share of
    them) put in a shape the device must not act on. The same seed gives the same frames; an
    example that names no parameter or has unbalanced braces raises ``ToolDefinitionError``."""
    rng = random.Random(seed)
    vocabulary = vocabulary or Vocabulary()
    drafts: list[tuple[str, Draft]] = []
    for tool in sorted(tools, key=lambda t: t.name):
        drafts.extend((tool.name, d) for d in _drafts(tool, rng, vocabulary, per_example))
    frames = [_frame(vary(d, rng), name, act=True) for name, d in drafts]
    step = max(1, len(drafts) // 200)
    pool = drafts[::step]
    people = (*vocabulary.people, *vocabulary.names)
    for name, draft in rng.sample(drafts, int(len(drafts) * negatives)):
        others = [d for n, d in pool if n != name]
        refused, wrapped = refuse(draft, rng, others, people, vocabulary.places)
        frames.append(_frame(vary(refused, rng, wrapped=wrapped), name, act=False))
    return frames
