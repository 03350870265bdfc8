"""What stands for a tool that has no examples: several short cards, and one weighted document.

A request names what it wants in its own words; a tool's description says what it does, and
its parameters (their names, descriptions and allowed values) say what it acts on. Each card
is embedded on its own and a tool scores by its best card, so a long description does not
dilute the one clause a request matches. The lexical document repeats the name (a field
weight) so that words of the name count more than words of a long description.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from ..tools import split_identifier, tool_card
from ..types import Tool

__all__ = ["entry_digest", "tool_cards", "tool_document"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_NAME_WEIGHT = 2


def _first_sentence(text: str) -> str:
    return _SENTENCE.split(" ".join(text.split()), maxsplit=1)[0]


def _parameter_words(tool: Tool) -> list[str]:
    words: list[str] = []
    properties = tool.parameters.get("properties", {})
    for name, schema in properties.items() if isinstance(properties, Mapping) else ():
        words.append(split_identifier(str(name)))
        if isinstance(schema, Mapping):
            words += _schema_words(schema)
    return words


def _schema_words(schema: Mapping[str, Any]) -> list[str]:
    words: list[str] = []
    if isinstance(schema.get("description"), str):
        words.append(_first_sentence(schema["description"]))
    enum = schema.get("enum")
    if isinstance(enum, list):
        words += [split_identifier(str(v)) for v in enum[:12]]
    return words


def tool_cards(tool: Tool) -> list[str]:
    """The cards embedded for a tool: the full card, the name with the description's first
    sentence, and the name with what the parameters say (when there are parameters)."""
    name = split_identifier(tool.name)
    cards = [tool_card(tool), f"{name}: {_first_sentence(tool.description)}"]
    params = _parameter_words(tool)
    if params:
        cards.append(f"{name}: " + "; ".join(params))
    return list(dict.fromkeys(cards))


def tool_document(tool: Tool) -> str:
    """The lexical (BM25) document: the name weighted, the description, the parameters."""
    name = split_identifier(tool.name)
    return " ".join([*([name] * _NAME_WEIGHT), tool.description, *_parameter_words(tool)])


def entry_digest(text: str) -> str:
    """The short hash an index entry's text is kept under (a changed text is re-embedded)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
