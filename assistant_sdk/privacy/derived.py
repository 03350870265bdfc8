"""What an answer *derived* from gated data may carry to the cloud engine, per data class.

    Derived.COUNT.release("Yes, three times.", raw=[])       # Released('yes', ...)
    Derived.TEXT.release("You logged 2 migraines", raw=[])    # the text, raw values withheld
    Derived.NO.release("anything", raw=[])                    # nothing

A local model may read a class the cloud may not see and answer a question about it; the user
decides, per class, what of that answer may go up: nothing (``no``), a yes, a no or a whole
number (``count``, the default for every class), or a short free text (``text``) in which the
raw values the local model read (the class's facts, and record values from its tool results)
are still withheld.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

__all__ = ["DEFAULT_DERIVED", "WITHHELD", "Derived", "Released", "raw_values"]

WITHHELD = "[withheld]"
#: The longest free-text answer released; the rest stays on the device.
MAX_TEXT = 600


@dataclass(frozen=True, slots=True)
class Released:
    """What of one answer goes to the cloud (``text`` None: nothing), and why."""

    text: str | None
    withheld: int = 0
    """How many raw values were cut out of the answer."""
    reason: str = ""


class Derived(StrEnum):
    """How much of an answer derived from a data class may reach the cloud engine."""

    NO = "no"
    COUNT = "count"
    TEXT = "text"

    @classmethod
    def parse(cls, value: str) -> Derived:
        """``no``, ``count`` (also ``yes-no``) or ``text`` (also ``free-text``)."""
        word = value.strip().lower().replace("_", "-").replace(" ", "-")
        return cls(_ALIASES.get(word, word))

    @property
    def form(self) -> str:
        """The shape of answer the local model is asked for."""
        return _FORMS[self]

    def release(self, answer: str, raw: Iterable[str]) -> Released:
        """The part of ``answer`` this setting lets go to the cloud."""
        values = _patterns(raw)
        if self is Derived.NO:
            return Released(None, 0, "answers derived from this data stay on the device")
        if self is Derived.COUNT:
            return _count(answer, values)
        text, cut = _withhold(answer.strip(), values)
        if len(text) > MAX_TEXT:
            text = text[:MAX_TEXT].rsplit(" ", 1)[0] + " …"
        return Released(text, cut, "free text, raw values withheld")


_ALIASES = {"yes-no": "count", "yes-no-or-count": "count", "free-text": "text", "none": "no"}
_FORMS = {
    Derived.NO: "Answer the user's question plainly; your answer is shown to them only.",
    Derived.COUNT: (
        "Answer with one word only: yes, no, or a whole number written in digits. No other words."
    ),
    Derived.TEXT: (
        "Answer in at most two short sentences. Summarise; do not copy records, names, "
        "numbers or other values from the data."
    ),
}

#: Health and finance answers go up as a yes, a no or a count unless the user says otherwise;
#: so does any class the user keeps off the cloud without choosing.
DEFAULT_DERIVED: Mapping[str, Derived] = MappingProxyType(
    {"health": Derived.COUNT, "finance": Derived.COUNT}
)

_FIRST = re.compile(r"^\W*([A-Za-z]+|\d[\d,]*)\b")
_DIGITS = re.compile(r"\d{3,}")


def _count(answer: str, values: list[re.Pattern[str]]) -> Released:
    found = _FIRST.match(answer)
    word = found[1].lower().replace(",", "") if found else ""
    if word not in ("yes", "no") and not word.isdigit():
        return Released(None, 0, "the local answer was not a yes, a no or a number")
    if word.isdigit() and any(p.search(word) for p in values):
        return Released(None, 1, "the number is one of the withheld values")
    return Released(str(int(word)) if word.isdigit() else word, 0, "a yes, a no or a count")


def _withhold(text: str, values: list[re.Pattern[str]]) -> tuple[str, int]:
    cut = 0
    for pattern in values:
        text, n = pattern.subn(WITHHELD, text)
        cut += n
    return text, cut


def _patterns(raw: Iterable[str]) -> list[re.Pattern[str]]:
    """One pattern per value, longest first, so a whole value is cut before a part of it;
    whitespace-insensitive and on word boundaries."""
    unique = sorted({v.strip().casefold() for v in raw if v.strip()}, key=len, reverse=True)
    patterns = []
    for value in unique:
        body = r"\W+".join(re.escape(w) for w in re.findall(r"\w+", value)) or re.escape(value)
        patterns.append(re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE))
    return patterns


def raw_values(fact_values: Iterable[str], results: Iterable[str]) -> list[str]:
    """The raw values a local model read, as the text a derived answer may not repeat.

    From facts: each value, its comma- or semicolon-separated parts and its words of four
    letters or more (a fact is one datum). From tool results: every string that is a record
    rather than a label (two words or more, or with a run of three digits), and every two
    consecutive words of it, so a summary cannot quote a record piece by piece. Digit runs of
    three or more from both."""
    values: list[str] = []
    for value in fact_values:
        values += [value, *re.split(r"[,;]", value)]
        values += [w for w in re.findall(r"\w+", value) if len(w) >= 4]
        values += _DIGITS.findall(value)
    for result in results:
        for leaf in _leaves(_json_or_text(result)):
            words = re.findall(r"\w+", leaf)
            if len(words) >= 2 or _DIGITS.search(leaf):
                values.append(leaf)
                values += [f"{a} {b}" for a, b in itertools.pairwise(words)]
                values += _DIGITS.findall(leaf)
    return [v for v in values if v.strip()]


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _leaves(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, Mapping):
        for value in obj.values():
            yield from _leaves(value)
    elif isinstance(obj, list | tuple):
        for value in obj:
            yield from _leaves(value)
    elif isinstance(obj, int | float) and not isinstance(obj, bool):
        yield str(obj)
