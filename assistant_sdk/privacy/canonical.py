"""Canonical forms of personal values, and one matcher that finds every way of writing them.

    matcher = ValueMatcher([Pattern.name("Jane Doe", "CONTACT_1"),
                            Pattern.phone("+1 555 0100", "PHONE_1"),
                            Pattern.address("12 Oak Street", "PLACE_1")])
    matcher.sub(surface("Call Jane\u0301 at 555\u20130100, Oak Street 12"))

Text is first brought to its *surface* form: NFC, format characters (zero-width spaces, joiners)
removed, every Unicode space written as ' ' and every dash as '-'. On that form a name (or any
written value) matches word by word in any case, with spaces or light punctuation between its
words; a phone number by its last seven digits inside any run of digits and separators
(``' ().-/'``), so any country or area code before it; an address by its house number and
street, the number before or after ("12 Oak Street", "12, Oak St.", "Oak Street 12"); an e-mail
address in any case, wherever it stands. Matching is linear in the text: one pass per kind,
with dictionary look-ups, whatever the number of values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

__all__ = ["Pattern", "ValueMatcher", "digits", "surface"]


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
        elif category == "Pd" or char == "\u2212":
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
_TYPE_OF = {form: group[0] for group in _STREET_TYPES for form in group}
_ADDRESS_VALUE = re.compile(
    r"^\s*(?:(?P<n1>\d+[a-z]?)\s*,?\s+(?P<s1>.+?)|(?P<s2>.+?)\s*,?\s+(?:no\.?\s*)?(?P<n2>\d+[a-z]?))"
    r"\s*(?:,.*)?$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_GAP = re.compile(r"[\s,.'\u2019/#-]{0,3}")
_NUMBER_RUN = re.compile(r"(?<!\d)\+?\(?\d(?:[ ().\-/]{0,3}\d){6,}")
_RANK = {"email": 0, "text": 1, "name": 1, "address": 2, "phone": 3, "name_part": 4}
"""Where two matches overlap: e-mail addresses win, then whole written values, then addresses,
then numbers, then lone first names; among equals, the longer."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """One way of finding a withheld value (``key`` is its canonical form) and what replaces
    it (None: the caller's default)."""

    key: tuple[str, ...]
    placeholder: str | None
    kind: str = "text"

    @classmethod
    def name(cls, value: str, placeholder: str | None, kind: str = "name") -> Pattern | None:
        words = tuple(w.casefold() for w in _WORD.findall(surface(value)))
        if not words or len("".join(words)) < 2:
            return None
        return cls(words, placeholder, kind)

    @classmethod
    def email(cls, value: str, placeholder: str | None) -> Pattern | None:
        value = surface(value).strip()
        if "@" not in value:
            return None
        return cls((value.casefold(),), placeholder, "email")

    @classmethod
    def phone(cls, value: str, placeholder: str | None) -> Pattern | None:
        number = digits(value)
        return cls((number[-7:],), placeholder, "phone") if len(number) >= 7 else None

    @classmethod
    def address(cls, value: str, placeholder: str | None) -> Pattern | None:
        """A street address by house number and street, in either order; None if ``value``
        is not written as one."""
        match = _ADDRESS_VALUE.match(surface(value))
        if match is None:
            return None
        number = (match["n1"] or match["n2"]).casefold()
        words = [w.casefold() for w in _WORD.findall(match["s1"] or match["s2"])]
        if len(words) < 2 or words[-1] not in _TYPE_OF:
            return None
        return cls((number, _TYPE_OF[words[-1]], *words[:-1]), placeholder, "address")

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


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    pattern: Pattern


class ValueMatcher:
    """Finds and replaces any of ``patterns`` in surface text."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        unique = {(p.kind, p.key): p for p in patterns}
        self.patterns = tuple(unique.values())
        self._emails = [p for p in self.patterns if p.kind == "email"]
        self._words: dict[str, list[Pattern]] = {}
        self._numbers: dict[str, list[Pattern]] = {}
        self._phones: dict[str, Pattern] = {}
        for p in self.patterns:
            if p.kind in ("name", "text", "name_part"):
                self._words.setdefault(p.key[0], []).append(p)
            elif p.kind == "address":
                self._numbers.setdefault(p.key[0], []).append(p)
            elif p.kind == "phone":
                self._phones.setdefault(p.key[0], p)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def search(self, text: str) -> Pattern | None:
        hits = self._hits(text)
        return hits[0].pattern if hits else None

    def sub(
        self, text: str, replace: Callable[[Pattern, str], str] | None = None
    ) -> tuple[str, int]:
        """``text`` with every match replaced (by ``replace(pattern, found)``, or the
        pattern's placeholder) and how many were replaced."""
        out, at, count = [], 0, 0
        for hit in self._hits(text):
            found = text[hit.start : hit.end]
            new = replace(hit.pattern, found) if replace else (hit.pattern.placeholder or found)
            out += [text[at : hit.start], new]
            at = hit.end
            count += new != found
        return "".join(out) + text[at:], count

    # ------------------------------------------------------------------ finding
    def _hits(self, text: str) -> list[_Hit]:
        if not self.patterns:
            return []
        found = [*self._email_hits(text), *self._word_hits(text), *self._phone_hits(text)]
        found.sort(key=lambda h: (_RANK.get(h.pattern.kind, 9), h.start - h.end, h.start))
        taken: list[_Hit] = []
        for hit in found:
            if all(hit.end <= t.start or hit.start >= t.end for t in taken):
                taken.append(hit)
        return sorted(taken, key=lambda h: h.start)

    def _email_hits(self, text: str) -> Iterator[_Hit]:
        if "@" not in text:
            return
        for p in self._emails:
            for m in re.finditer(re.escape(p.key[0]), text, re.IGNORECASE):
                yield _Hit(m.start(), m.end(), p)

    def _word_hits(self, text: str) -> Iterator[_Hit]:
        if not self._words and not self._numbers:
            return
        tokens = [(m.start(), m.end(), m[0].casefold()) for m in _WORD.finditer(text)]
        for i, (start, _, word) in enumerate(tokens):
            for p in self._words.get(word, ()):
                end = _run(text, tokens, i, p.key)
                if end is not None:
                    yield _Hit(start, end, p)
            for p in self._numbers.get(word, ()):
                yield from _address_hits(text, tokens, i, p)

    def _phone_hits(self, text: str) -> Iterator[_Hit]:
        if not self._phones:
            return
        for m in _NUMBER_RUN.finditer(text):
            places = [m.start() + j for j, c in enumerate(m[0]) if c.isdigit()]
            number = "".join(text[j] for j in places)
            start, k = m.start(), 0
            while k + 7 <= len(number):
                p = self._phones.get(number[k : k + 7])
                if p is None:
                    k += 1
                    continue
                end = places[k + 6] + 1  # the run up to the number's last digit, codes included
                yield _Hit(start, end, p)
                start, k = end, k + 7


Token = tuple[int, int, str]


def _run(text: str, tokens: list[Token], i: int, words: tuple[str, ...]) -> int | None:
    """The end of ``words`` read from token ``i`` on, or None when they do not follow."""
    if i + len(words) > len(tokens):
        return None
    for k, word in enumerate(words):
        start, _, seen = tokens[i + k]
        if seen != word:
            return None
        if k and not _GAP.fullmatch(text, tokens[i + k - 1][1], start):
            return None
    return tokens[i + len(words) - 1][1]


def _is_type(token: Token, group: str) -> bool:
    return _TYPE_OF.get(token[2]) == group


def _address_hits(text: str, tokens: list[Token], i: int, p: Pattern) -> Iterator[_Hit]:
    _, group, *street = p.key
    n = len(street)
    # "12 Oak Street", "12, Oak St."
    end = _run(text, tokens, i + 1, tuple(street)) if i + 1 < len(tokens) else None
    if end is not None and i + n + 1 < len(tokens) and _is_type(tokens[i + n + 1], group):
        gaps = _GAP.fullmatch(text, tokens[i][1], tokens[i + 1][0])
        if gaps and _GAP.fullmatch(text, end, tokens[i + n + 1][0]):
            yield _Hit(tokens[i][0], tokens[i + n + 1][1], p)
    # "Oak Street 12", "Oak St., 12"
    first = i - n - 1
    if first >= 0 and _is_type(tokens[i - 1], group):
        end = _run(text, tokens, first, tuple(street))
        joined = end is not None and _GAP.fullmatch(text, end, tokens[i - 1][0])
        if joined and _GAP.fullmatch(text, tokens[i - 1][1], tokens[i][0]):
            yield _Hit(tokens[first][0], tokens[i][1], p)
