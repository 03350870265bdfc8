"""Answers to a question, and calling a turn off.

``choose`` reads an answer to a ``Clarification``: its number ("2", "the second one"), or words
that belong to exactly one option ("Park" for John Park, "outlook" for the Outlook tool).
Anything else is not an answer, and the conversation treats it as a new request.

``is_cancel`` recognises "never mind" the way the resolver recognises a tool: by meaning, from
example phrases, when they match the turn better than any tool does.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from ..plan import Clarification
from ..tools import split_identifier

if TYPE_CHECKING:
    from ..assistant import Assistant
    from ..tools import ToolRegistry
    from ..types import Resolution

__all__ = ["CANCEL_EXAMPLES", "CANCEL_SIMILARITY", "choose", "is_cancel", "option_labels"]

_WORDS = re.compile(r"[\w'-]+")
#: Ordinal numbers, read as numbers are (a closed class, like month names).
_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "last": -1,
}  # fmt: skip
_FRAME = frozenset("the one number option".split())
"""Words that frame an ordinal ("the second one", "number 2"), not a choice by name."""

CANCEL_EXAMPLES = (
    "never mind",
    "forget it",
    "cancel that",
    "don't do that",
    "scratch that",
    "no, leave it",
    "stop, don't",
)
CANCEL_SIMILARITY = 0.6
"""The cosine similarity to a cancel example from which a turn may call the dialogue off (it
must also match better than every tool's example)."""


def option_labels(question: Clarification) -> tuple[str, ...]:
    """The options in words the user would say: a tool's description (and app), else the value."""
    if question.parameter is not None or not question.tools:
        return question.options
    labels = []
    for tool in question.tools:
        label = tool.description.rstrip(".")
        same = [t for t in question.tools if t.description == tool.description]
        labels.append(f"{label} with {tool.app.title()}" if len(same) > 1 else label)
    return tuple(labels)


def choose(answer: str, question: Clarification, registry: ToolRegistry) -> str | None:
    """The option ``answer`` picks, or None when it is not an answer to ``question``."""
    options = question.options
    said = [w.casefold() for w in _WORDS.findall(answer)]
    if not said:
        return None
    number = _number(said)
    if number == -1:
        number = len(options)
    if number is not None:
        return options[number - 1] if 1 <= number <= len(options) else None
    labels = option_labels(question)
    vocab = [_vocabulary(o, label) for o, label in zip(options, labels, strict=True)]
    fitting = [o for o, words in zip(options, vocab, strict=True) if set(said) <= words]
    return fitting[0] if len(fitting) == 1 else None


def _number(said: list[str]) -> int | None:
    rest = [w for w in said if w not in _FRAME]
    if len(rest) != 1:
        return None
    word = rest[0]
    if word.isdigit():
        return int(word)
    return _ORDINALS.get(word)


def _vocabulary(option: str, label: str) -> set[str]:
    text = f"{split_identifier(option)} {option} {label}"
    return {w.casefold() for w in _WORDS.findall(text)}


def is_cancel(text: str, resolution: Resolution, assistant: Assistant) -> bool:
    """Whether ``text`` calls the turn off ("never mind") rather than asking for something."""
    embedder = assistant.resolver.embedder
    query = np.asarray(embedder.embed_queries([text]), dtype=np.float32)
    examples = np.asarray(embedder.embed_documents(list(CANCEL_EXAMPLES)), dtype=np.float32)
    similarity = float((examples @ query[0]).max())
    top = resolution.top.dense if resolution.top is not None else 0.0
    return similarity >= CANCEL_SIMILARITY and similarity > top
