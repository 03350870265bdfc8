"""Annotated example phrases: ``"remind me to {text} at {due}"`` marks where arguments go.

A placeholder is a parameter's name in braces; ``{{`` and ``}}`` stand for literal braces.
Plain examples (no placeholder) stay valid. Before an annotated example is embedded for the
index, each placeholder is filled with a value sampled for its parameter's kind, so the index
holds phrases a user could say; the same phrases, filled many times over, train the span
reader (``reading.frames``).
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ToolDefinitionError
from ..types import Tool

__all__ = [
    "Piece",
    "carrier_words",
    "check_examples",
    "fill_example",
    "index_examples",
    "parse_example",
]

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Piece:
    """Literal text (``parameter`` None) or one placeholder."""

    text: str
    parameter: str | None = None


def parse_example(example: str) -> tuple[Piece, ...]:
    """The pieces of an example; a malformed placeholder raises ``ValueError``."""
    pieces: list[Piece] = []
    literal: list[str] = []
    cursor = 0
    for match in _TOKEN.finditer(example):
        literal.append(example[cursor : match.start()])
        cursor = match.end()
        token = match[0]
        if token in ("{{", "}}"):
            literal.append(token[0])
            continue
        name = match[1]
        if name is None or not _NAME.match(name):
            raise ValueError(f"{token!r} at {match.start()} is not a {{parameter}} placeholder")
        if "".join(literal):
            pieces.append(Piece("".join(literal)))
        literal = []
        pieces.append(Piece(f"{{{name}}}", name))
    literal.append(example[cursor:])
    if "".join(literal):
        pieces.append(Piece("".join(literal)))
    return tuple(pieces)


def carrier_words(tool: Tool) -> frozenset[str]:
    """The words of the tool's own phrases around their values ("directions to {destination}
    by {mode}": "directions", "to", "by"), casefolded: how this tool is asked for, not
    something a request adds. Plain examples count only for a tool with no parameters (a
    plain example of one with parameters has its values in it)."""
    return _carrier(tuple(tool.examples), bool(tool.parameter_names))


@functools.lru_cache(maxsize=512)
def _carrier(examples: tuple[str, ...], parameters: bool) -> frozenset[str]:
    said: set[str] = set()
    for example in examples:
        try:
            pieces = parse_example(example)
        except ValueError:
            continue
        if parameters and not any(p.parameter for p in pieces):
            continue
        for piece in pieces:
            if piece.parameter is None:
                said.update(w.strip(",.!?;:") for w in piece.text.casefold().split())
    return frozenset(said - {""})


def check_examples(tool: Tool) -> None:
    """Every placeholder of every example names one of the tool's parameters, once."""
    params = set(tool.parameter_names)
    for example in tool.examples:
        try:
            names = [p.parameter for p in parse_example(example) if p.parameter]
        except ValueError as exc:
            raise ToolDefinitionError(f"Tool {tool.name!r}: example {example!r}: {exc}") from None
        unknown = sorted(set(names) - params)
        if unknown:
            raise ToolDefinitionError(
                f"Tool {tool.name!r}: example {example!r} names {unknown}, which are not "
                f"parameters (parameters: {sorted(params)})"
            )
        if len(names) != len(set(names)):
            raise ToolDefinitionError(
                f"Tool {tool.name!r}: example {example!r} names a parameter twice"
            )


Sampler = Callable[[str], str]
"""Gives a value to say for one parameter (by name)."""


def fill_example(example: str, sample: Sampler) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """The example with every placeholder filled, and each value's ``(parameter, start, end)``."""
    text: list[str] = []
    spans: list[tuple[str, int, int]] = []
    length = 0
    for piece in parse_example(example):
        said = piece.text if piece.parameter is None else sample(piece.parameter)
        if piece.parameter is not None:
            spans.append((piece.parameter, length, length + len(said)))
        text.append(said)
        length += len(said)
    return "".join(text), tuple(spans)


def index_examples(tool: Tool) -> tuple[str, ...]:
    """The tool's examples as the index embeds them: placeholders filled with sampled values
    (free text with a neutral word), the same for the same tool so the index does not churn."""
    from ._index_values import sampler_for

    if not any("{" in e for e in tool.examples):
        return tool.examples
    sample = sampler_for(tool, random.Random(f"index:{tool.name}"), neutral=True)
    return tuple(fill_example(e, sample)[0] for e in tool.examples)
