"""A frame before it is written out: words and values, each with its label.

A filled example is kept as a sequence of units (a carrier word, a punctuation mark, a whole
value, a refusal word), so that carrier variation (``reading.voices``) and refusal shapes
(``reading.refusals``) can insert, drop and edit words without ever cutting a value or losing
where it is. ``render`` writes the text and the character spans of every labelled run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .examples import parse_example

__all__ = ["Draft", "Unit", "draft_of", "relabel", "render", "words"]

_WORD = re.compile(r"[\w'’-]+|[^\w\s]+")


@dataclass(frozen=True, slots=True)
class Unit:
    """A carrier word (``label`` None), a refusal word, or a parameter's whole value."""

    text: str
    label: str | None = None
    glued: bool = False
    """Written with no space before it ("," after a word, "'s" after a name)."""
    value: bool = False
    """A parameter's value: never split, dropped or misspelt."""

    @property
    def punctuation(self) -> bool:
        return not any(c.isalnum() for c in self.text)


Draft = tuple[Unit, ...]


def words(text: str, label: str | None = None, *, glued: bool = False) -> list[Unit]:
    """``text`` split into word and punctuation units (the first ``glued`` as given)."""
    units: list[Unit] = []
    for match in _WORD.finditer(text):
        before = text[match.start() - 1] if match.start() else ("" if glued else " ")
        units.append(Unit(match[0], label, glued=not before.isspace() if before else glued))
    return units


def draft_of(example: str, sample: Callable[[str], str]) -> Draft:
    """An annotated example with each placeholder filled by ``sample(parameter)``."""
    units: list[Unit] = []
    space_before = True
    for piece in parse_example(example):
        if piece.parameter is None:
            units.extend(words(piece.text, glued=not space_before and bool(units)))
            space_before = piece.text[-1:].isspace()
            continue
        said = " ".join(sample(piece.parameter).split())
        if said:
            glued = bool(units) and not space_before
            units.append(Unit(said, piece.parameter, glued=glued, value=True))
        space_before = False
    if units:
        units[0] = replace(units[0], glued=False)
    return tuple(units)


def relabel(draft: Sequence[Unit], label: str | None) -> Draft:
    """Every unit of ``draft`` labelled ``label``, words and values alike (a second request
    inside a refused one is refusal words as a whole)."""
    return tuple(replace(u, label=label, value=False) for u in draft)


def render(draft: Sequence[Unit]) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """The text, and ``(label, start, end)`` of each run of units with one label. Punctuation
    at either end of a run stays outside its span."""
    text = ""
    spans: list[tuple[str, int, int]] = []
    run: tuple[str, int, int] | None = None
    for unit in draft:
        text += "" if unit.glued or not text else " "
        start = len(text)
        text += unit.text
        mark = unit.punctuation and not unit.value
        if unit.label is None or (mark and (run is None or run[0] != unit.label)):
            if run:
                spans.append(run)
            run = None
        elif mark:
            continue
        elif run and run[0] == unit.label:
            run = (run[0], run[1], len(text))
        else:
            if run:
                spans.append(run)
            run = (unit.label, start, len(text))
    if run:
        spans.append(run)
    return text, tuple(spans)
