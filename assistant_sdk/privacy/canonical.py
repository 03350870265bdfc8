"""Canonical forms of personal values, and one matcher that finds every way of writing them.

    matcher = ValueMatcher([Pattern.name("Jane Doe", "CONTACT_1"),
                            Pattern.phone("+1 555 0100", "PHONE_1"),
                            Pattern.address("12 Oak Street", "PLACE_1")])
    matcher.sub(surface("Call Jane\u0301 at 555\u20130100, Oak Street 12"))

Text is first brought to its *surface* form: NFC, format characters (zero-width spaces, joiners)
removed, every Unicode space written as ' ' and every dash as '-'. On that form a name matches
in any case and with any run of spaces between its words, a phone number by its last seven
digits with any of ``' ().-/'`` between them (and any country code or area code before), an
address with its house number before or after the street ("12 Oak Street", "12, Oak St.",
"Oak Street 12"), an e-mail address in any case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Pattern", "ValueMatcher", "digits", "surface"]

_DASHES = dict.fromkeys(
    c for c in range(0x2010, 0x2016) if unicodedata.category(chr(c)) == "Pd"
) | {0x2212: None, 0xFE58: None, 0xFE63: None, 0xFF0D: None}


def surface(text: str) -> str:
    """``text`` in NFC, with format characters dropped, spaces as ' ' and dashes as '-'."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        if category == "Zs" or char in "\u2028\u2029":
            out.append(" ")
        elif category == "Pd" or ord(char) in _DASHES:
            out.append("-")
        else:
            out.append(char)
    return "".join(out)


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


#: Street types and their usual abbreviations: "Oak Street" and "Oak St." are one street.
_STREET_TYPES: tuple[tuple[str, ...], ...] = (
    ("street", "st"),
    ("road", "rd"),
    ("avenue", "ave", "av"),
    ("lane", "ln"),
    ("drive", "dr"),
    ("boulevard", "blvd"),
    ("way",),
    ("court", "ct"),
    ("place", "pl"),
    ("square", "sq"),
    ("terrace", "ter"),
    ("close",),
    ("crescent", "cres"),
    ("highway", "hwy"),
    ("parkway", "pkwy"),
)
_TYPE_OF = {form: group for group in _STREET_TYPES for form in group}
_ADDRESS_VALUE = re.compile(
    r"^\s*(?:(?P<n1>\d+[a-z]?)\s*,?\s+(?P<s1>.+?)|(?P<s2>.+?)\s*,?\s+(?:no\.?\s*)?(?P<n2>\d+[a-z]?))"
    r"\s*(?:,.*)?$",
    re.IGNORECASE,
)
_SEP = r"[ ().\-/]{0,3}"
_SPACE = r"\s+"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One way of finding a withheld value: a regex source and what replaces it (None: the
    caller's default)."""

    source: str
    placeholder: str | None
    kind: str = "text"

    @classmethod
    def name(cls, value: str, placeholder: str | None, kind: str = "name") -> Pattern | None:
        words = surface(value).split()
        if not words or len("".join(words)) < 2:
            return None
        body = _SPACE.join(re.escape(w) for w in words)
        return cls(rf"(?<!\w){body}(?!\w)", placeholder, kind)

    @classmethod
    def email(cls, value: str, placeholder: str | None) -> Pattern | None:
        value = surface(value).strip()
        if "@" not in value:
            return None
        # no boundaries: "jane@x.comShip" still holds the address, and the guard errs safe
        return cls(re.escape(value), placeholder, "email")

    @classmethod
    def phone(cls, value: str, placeholder: str | None) -> Pattern | None:
        number = digits(value)
        if len(number) < 7:
            return None
        core = _SEP.join(number[-7:])
        return cls(rf"(?<![\d+])(?:\+?\(?\d{_SEP}){{0,8}}{core}(?!\d)", placeholder, "phone")

    @classmethod
    def address(cls, value: str, placeholder: str | None) -> Pattern | None:
        """A street address by house number and street, in either order; None if ``value``
        is not written as one."""
        match = _ADDRESS_VALUE.match(surface(value))
        if match is None:
            return None
        number = match["n1"] or match["n2"]
        words = (match["s1"] or match["s2"]).replace(".", " ").split()
        if len(words) < 2 or words[-1].casefold() not in _TYPE_OF:
            return None
        types = "|".join(re.escape(t) for t in _TYPE_OF[words[-1].casefold()])
        street = _SPACE.join(re.escape(w) for w in words[:-1]) + rf"{_SPACE}(?:{types})\b\.?"
        num = re.escape(number)
        either = rf"(?:{num}\s*,?\s*{street}|{street}\s*,?\s*(?:no\.?\s*|#\s*)?{num})"
        return cls(rf"(?<![\w]){either}(?![\w])", placeholder, "address")

    @classmethod
    def any_of(cls, value: str, placeholder: str | None) -> list[Pattern]:
        """Every pattern ``value`` can be found by: as written, as an address, as a phone
        number and as an e-mail address (a value that is neither gets only the first)."""
        made = [
            cls.name(value, placeholder, "text"),
            cls.address(value, placeholder),
            cls.email(value, placeholder),
        ]
        if sum(c.isdigit() for c in value) >= 7 and not re.search(r"[^\W\d_]{3,}", value):
            made.append(cls.phone(value, placeholder))
        return [p for p in made if p is not None]


_RANK = {"address": 1, "phone": 2, "name_part": 3}
"""Where two patterns match at one place, whole written values win, then addresses, then
numbers, then lone first names."""


class ValueMatcher:
    """Finds and replaces any of ``patterns`` in surface text, longest written forms first."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        unique = {p.source: p for p in patterns}
        self.patterns: Sequence[Pattern] = sorted(
            unique.values(), key=lambda p: (_RANK.get(p.kind, 0), -len(p.source))
        )
        groups = "|".join(f"(?P<v{i}>{p.source})" for i, p in enumerate(self.patterns))
        self._regex = re.compile(groups, re.IGNORECASE) if groups else None

    def __bool__(self) -> bool:
        return self._regex is not None

    def search(self, text: str) -> Pattern | None:
        if self._regex is None:
            return None
        found = self._regex.search(text)
        return self._pattern(found) if found else None

    def sub(
        self, text: str, replace: Callable[[Pattern, str], str] | None = None
    ) -> tuple[str, int]:
        """``text`` with every match replaced (by ``replace(pattern, found)``, or the
        pattern's placeholder) and how many were replaced."""
        if self._regex is None:
            return text, 0
        count = 0

        def swap(match: re.Match[str]) -> str:
            nonlocal count
            pattern = self._pattern(match)
            new = replace(pattern, match[0]) if replace else (pattern.placeholder or match[0])
            count += new != match[0]
            return new

        return self._regex.sub(swap, text), count

    def _pattern(self, match: re.Match[str]) -> Pattern:
        assert match.lastgroup is not None
        return self.patterns[int(match.lastgroup[1:])]
