"""A settled request as an annotated example: its argument values become placeholders.

    annotate("what's the weather in Tokyo", {"city": "Tokyo"})
    # "what's the weather in {city}"

When the engine settles a request with ``tool(arguments)``, the values it passed are usually
in the request's words. Kept as an annotated example (``reading/examples.py``), the request
says how the user asks for the tool, not what they asked about last time: the index embeds it
with sampled values in the placeholders, as it embeds a tool's own annotated examples, and the
values themselves are not stored. A value that is not in the words (normalised by the engine:
"mom" -> "Jane Doe", "tomorrow" -> a date) leaves those words as they are.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator, Mapping

from ..reading.examples import fill_example, parse_example
from ..types import Tool

__all__ = [
    "annotate",
    "literal",
    "personal_phrase",
    "said_forms",
    "say_again",
    "template_match",
    "template_said",
]

_MAX_FORMS = 64


def literal(text: str) -> str:
    """``text`` as an example with no placeholder (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def annotate(request: str, arguments: Mapping[str, object]) -> str:
    """``request`` with each argument's value replaced by ``{name}`` where it is said (the
    longest form of the value that occurs as whole words, first occurrence, no overlaps);
    the rest of the text kept literally. Parameters whose names are not placeholder names
    are left out."""
    spans: list[tuple[int, int, str]] = []
    for name, value in arguments.items():
        if not name.isidentifier():
            continue
        for form in sorted(set(_forms(value)), key=len, reverse=True):
            found = _find(request, form, spans)
            if found is not None:
                spans.append((*found, name))
                break
    out: list[str] = []
    cursor = 0
    for start, end, name in sorted(spans):
        out += [literal(request[cursor:start]), f"{{{name}}}"]
        cursor = end
    out.append(literal(request[cursor:]))
    return "".join(out)


def said_forms(value: object) -> list[str]:
    """The ways ``value`` may be said in a request, the plainest first (an integral float
    without its ``.0``; the items of a list or mapping; nothing for a boolean)."""
    return list(_forms(value))


def _find(text: str, form: str, taken: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    pattern = re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)", re.IGNORECASE)
    for match in pattern.finditer(text):
        if not any(match.start() < e and s < match.end() for s, e, _ in taken):
            return match.start(), match.end()
    return None


def _forms(value: object) -> Iterator[str]:
    """The ways a value may be written in a request: its text, an integral float without
    its ``.0``, each item of a list or mapping (booleans are never said as such)."""
    stack, seen = [value], 0
    while stack and seen < _MAX_FORMS:
        item = stack.pop()
        seen += 1
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, Mapping):
            stack += list(item.values())
        elif isinstance(item, list | tuple):
            stack += list(item)
        elif isinstance(item, float) and item.is_integer():
            yield str(int(item))
            yield str(item)
        elif isinstance(item, str | int | float):
            text = str(item).strip()
            if text:
                yield text
        else:
            yield json.dumps(item, default=str)


def personal_phrase(tool: Tool, stored: str, seed: str) -> str:
    """What the index embeds for a learned example of ``tool``: its placeholders filled as a
    tool's own annotated examples are (``index_examples``: sampled values, free text neutral),
    the same every time for the same ``seed``. A stored text that is no well-formed example
    (kept before examples were annotated) is embedded as it is."""
    if "{" not in stored and "}" not in stored:
        return stored
    from ..reading._index_values import sampler_for

    sample = sampler_for(tool, random.Random(f"learned:{seed}"), neutral=True)
    try:
        return fill_example(stored, sample)[0]
    except ValueError:
        return stored


def say_again(
    request: str, arguments: Mapping[str, object], other: Mapping[str, object]
) -> str | None:
    """``request`` said again with ``other``'s values: the words of its call's ``arguments``
    (where they are said, ``annotate``) replaced by the plainest form of the other call's
    values for the same parameters. None when no value is said, or ``other`` lacks one."""
    words = " ".join(request.split())
    example = annotate(words, arguments)
    if example == literal(words):
        return None
    try:
        return fill_example(example, lambda name: said_forms(other[name])[0])[0]
    except (KeyError, IndexError, ValueError):
        return None


_WORD = re.compile(r"\w+")


def template_match(request: str, template: str) -> tuple[float, float]:
    """How well ``request`` fits a learned example ``template`` (``annotate``'s form: values
    as placeholders): the share of the template's fixed words that the request says in the
    same order, and the share of the request's words left outside them (its values, or words
    the template does not have). (1, small) for the same intent said again with other values;
    a look-alike request for another tool misses some fixed words or says more. A template
    with no fixed words matches nothing: (0, 1)."""
    try:
        pieces = parse_example(template)
    except ValueError:
        pieces = ()
    fixed = [w.lower() for p in pieces if p.parameter is None for w in _WORD.findall(p.text)]
    said = [w.lower() for w in _WORD.findall(request)]
    if not fixed or not said:
        return 0.0, 1.0
    common = _common_in_order(fixed, said)
    return common / len(fixed), (len(said) - common) / len(said)


def template_said(request: str, template: str) -> bool:
    """Whether ``request`` says a learned example ``template`` whole: its words are the
    template's fixed words, in order, with one or more words in each placeholder's place and
    no other word anywhere (case and punctuation aside). What the same intent said again
    with other values looks like, and what a look-alike request for another tool rarely
    does: sharing a short template's words among words of its own is a partial fit
    (``template_match`` counts both alike). A template with no fixed words is never said
    whole; one with no placeholder only by the same words."""
    try:
        pieces = parse_example(template)
    except ValueError:
        return False
    pattern: list[str] = []
    for piece in pieces:
        if piece.parameter is not None:
            if not pattern or pattern[-1] != _SLOT:  # adjacent placeholders: one place
                pattern.append(_SLOT)
            continue
        pattern += [re.escape(w.lower()) for w in _WORD.findall(piece.text)]
    said = " ".join(w.lower() for w in _WORD.findall(request))
    if all(p == _SLOT for p in pattern) or not said:
        return False
    return re.fullmatch(" ".join(pattern), said) is not None


_SLOT = r"\w+(?: \w+)*?"


def _common_in_order(a: list[str], b: list[str]) -> int:
    """The length of the longest common subsequence of two word lists."""
    row = [0] * (len(b) + 1)
    for x in a:
        previous = 0
        for j, y in enumerate(b, 1):
            kept = row[j]
            row[j] = previous + 1 if x == y else max(row[j], row[j - 1])
            previous = kept
    return row[-1]
