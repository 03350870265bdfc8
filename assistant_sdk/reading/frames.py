"""Training frames made on the device at ``fit`` time, from annotated examples.

A *frame* is a request text, the tool it is for, the character spans of its arguments, and
whether the device may act on it alone. Positive frames fill each annotated example many
times with values sampled per parameter kind (``reading.values``). Negative frames wrap a
positive one in a shape that one call can never satisfy, the same for every tool:

- a condition or trigger ("... once I'm at the station", "if it rains, ..."),
- a second action ("... and then text Sam"),
- a negation ("don't ..."),
- an indirect question ("should I ...?").

The added words are tagged ``REFUSE``, so the reader learns to find them wherever they are.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..types import Tool
from .examples import fill_example, parse_example
from .values import Vocabulary, sampler_for

__all__ = ["REFUSE", "Frame", "make_frames"]

REFUSE = "REFUSE"
"""The label of words that mean one call now would not do what was asked."""

_WHEN = ("when", "once", "as soon as", "after", "before", "whenever", "if", "unless", "until")
_EVENTS = (
    "I get {place}",
    "I'm at {place}",
    "I arrive {place}",
    "I leave {place}",
    "{person} calls",
    "{person} texts me",
    "{person} gets back to me",
    "it rains",
    "it starts snowing",
    "the meeting ends",
    "my meeting",
    "lunch",
    "I wake up",
    "I land",
    "the game is over",
    "the kids are asleep",
    "I finish work",
    "the battery is low",
)
_PLACES = ("home", "to work", "to the station", "to the office", "there", "to the gym")
_NEGATIONS = ("don't", "do not", "never", "please don't", "no need to", "you don't have to")
_QUESTIONS = (
    "should I",
    "do you think I should",
    "would it be a good idea to",
    "I wonder whether to",
    "is it too late to",
    "what happens if I",
)
_THEN = (" and then ", " and ", " then ", ", and also ", " and after that ", ", plus ")


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


def _positives(
    tool: Tool, rng: random.Random, vocabulary: Vocabulary, per_example: int
) -> list[Frame]:
    sample = sampler_for(tool, rng, vocabulary)
    frames: list[Frame] = []
    for example in _annotated(tool):
        for _ in range(per_example if "{" in example else 1):
            text, spans = fill_example(example, sample)
            frames.append(Frame(_voice(text, rng), tool.name, spans, act=True))
    return frames


def _voice(text: str, rng: random.Random) -> str:
    """Casing as people type and speech recognisers write it."""
    roll = rng.random()
    if roll < 0.25:
        return text.lower()
    if roll < 0.35:
        return text[:1].upper() + text[1:]
    return text


def _event(rng: random.Random, vocabulary: Vocabulary) -> str:
    people = vocabulary.people or ("Sam", "my sister", "the boss")
    event = rng.choice(_EVENTS)
    return event.format(place=rng.choice(_PLACES), person=rng.choice(people))


def _refused(frame: Frame, before: str, after: str) -> Frame:
    """``frame`` with ``before``/``after`` added around it and tagged as refusal words."""
    shift = len(before)
    spans = [(label, a + shift, b + shift) for label, a, b in frame.spans]
    if before.strip():
        spans.insert(0, (REFUSE, 0, len(before.rstrip(" ,"))))
    if after.strip():
        start = shift + len(frame.text) + (len(after) - len(after.lstrip(" ,")))
        spans.append((REFUSE, start, shift + len(frame.text) + len(after)))
    return Frame(before + frame.text + after, frame.tool, tuple(spans), act=False)


def _negative(
    frame: Frame, others: Sequence[Frame], rng: random.Random, vocabulary: Vocabulary
) -> Frame:
    shapes: list[Callable[[], Frame]] = [
        lambda: _refused(frame, "", f" {rng.choice(_WHEN)} {_event(rng, vocabulary)}"),
        lambda: _refused(frame, f"{rng.choice(_WHEN)} {_event(rng, vocabulary)}, ", ""),
        lambda: _refused(frame, f"{rng.choice(_NEGATIONS)} ", ""),
        lambda: _refused(frame, f"{rng.choice(_QUESTIONS)} ", "?" if rng.random() < 0.5 else ""),
    ]
    if others:
        second = rng.choice(others)
        shapes.append(lambda: _refused(frame, "", rng.choice(_THEN) + second.text))
    return rng.choice(shapes)()


def make_frames(
    tools: Sequence[Tool],
    vocabulary: Vocabulary | None = None,
    *,
    per_example: int = 8,
    negatives: float = 0.35,
    seed: int = 0,
) -> list[Frame]:
    """Positive frames from every tool's annotated examples, plus ``negatives`` (a share of
    them) wrapped in a shape the device must not act on."""
    rng = random.Random(seed)
    vocabulary = vocabulary or Vocabulary()
    frames: list[Frame] = []
    for tool in sorted(tools, key=lambda t: t.name):
        frames.extend(_positives(tool, rng, vocabulary, per_example))
    extra = []
    for frame in rng.sample(frames, int(len(frames) * negatives)):
        others = [f for f in frames[:: max(1, len(frames) // 200)] if f.tool != frame.tool]
        extra.append(_negative(frame, others, rng, vocabulary))
    return frames + extra
