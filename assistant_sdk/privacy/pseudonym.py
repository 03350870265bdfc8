"""Stable placeholders for personal values, so an engine can refer to people it never sees.

    names = Pseudonymizer(facts, contacts)
    names.encode("text Jane Doe at +1 555 0100")     # 'text CONTACT_1 at PHONE_1'
    names.decode({"recipient": "CONTACT_1"})         # {'recipient': 'Jane Doe'}

Contacts' names, phone numbers and e-mail addresses, the people aliases point to and the
addresses of places become ``CONTACT_1``, ``PHONE_1``, ``EMAIL_1``, ``PLACE_HOME``. Unknown
phone numbers, e-mail addresses and street addresses found in the text get placeholders too
(``PLACE_1``). The same value
always gets the same placeholder within one ``Pseudonymizer``; ``mapping`` holds those used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from .._slot_text import ADDRESS, EMAIL, PHONE
from ..types import Fact, FactKind

__all__ = ["ContactLike", "Pseudonymizer"]


class ContactLike(Protocol):
    """A person the device knows (the sample apps' ``Contact`` fits)."""

    @property
    def name(self) -> str: ...

    @property
    def phones(self) -> tuple[str, ...]: ...

    @property
    def emails(self) -> tuple[str, ...]: ...


_ADDRESS = re.compile(rf"\b{ADDRESS}", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
#: First names that are also everyday words: typed in lower case they are the word, not the
#: person ("I *will* call"). Any other first name of one contact is replaced however typed.
_COMMON_WORDS = frozenset(
    "will may june april august mark bill pat rose grace hope joy faith sue art rob jack frank "
    "ray dawn eve amber ruby pearl iris lily daisy holly ivy summer autumn sky river guy max "
    "drew chase gene jean don dean jay kit sandy rich penny sunny honey angel chip bud buck "
    "carol christian crystal destiny hunter mason miles norman page reed skip tab wade".split()
)
_PLACEHOLDER = re.compile(r"\b(?:CONTACT|PHONE|EMAIL|PLACE)_[A-Z0-9_]*[A-Z0-9]\b")


class Pseudonymizer:
    def __init__(self, facts: Iterable[Fact] = (), contacts: Iterable[ContactLike] = ()) -> None:
        self._by_value: dict[str, str] = {}  # casefolded value -> placeholder
        self._values: dict[str, str] = {}  # placeholder -> value
        self._phones: dict[str, str] = {}  # digits -> placeholder
        self._used: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        people = list(contacts)
        for person in people:
            self._person(person.name, person.phones, person.emails)
        for fact in facts:
            if fact.kind is FactKind.ALIAS:
                self._person(fact.value, (), ())
            elif fact.kind is FactKind.PLACE:
                self._add(fact.value, _place_name(fact.key, self._values))
        self._unique_first_names([p.name for p in people])
        self._literal = self._compile()

    @property
    def mapping(self) -> Mapping[str, str]:
        """Placeholder -> original value, for every placeholder ``encode`` has produced."""
        return dict(self._used)

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(self._used)

    def encode(self, text: str) -> str:
        text = EMAIL.sub(lambda m: self._email(m[0]), text)
        text = PHONE.sub(lambda m: self._phone(m[0]), text)
        text = self._literal.sub(self._swap, text) if self._literal else text
        return _ADDRESS.sub(lambda m: self._address(m[0]), text)

    def encode_json(self, obj: Any) -> Any:
        """``encode`` applied to every string in a JSON-like value (keys included)."""
        return _walk(obj, self.encode)

    def decode(self, obj: Any) -> Any:
        """Placeholders in strings (recursively, through dicts and lists) back to values."""
        return _walk(obj, lambda s: _PLACEHOLDER.sub(lambda m: self._values.get(m[0], m[0]), s))

    # ------------------------------------------------------------------ building
    def _person(self, name: str, phones: Iterable[str], emails: Iterable[str]) -> None:
        if name.casefold() not in self._by_value:
            self._add(name, self._next("CONTACT"))
        for phone in phones:
            digits = _digits(phone)
            if digits and digits not in self._phones:
                self._phones[digits] = self._new(phone, self._next("PHONE"))
        for email in emails:
            if email.casefold() not in self._by_value:
                self._add(email, self._next("EMAIL"))

    def _unique_first_names(self, names: list[str]) -> None:
        firsts = [n.split()[0] for n in names if len(n.split()) > 1]
        for name in names:
            parts = name.split()
            first = parts[0].casefold() if len(parts) > 1 else ""
            if first and firsts.count(parts[0]) == 1 and first not in self._by_value:
                self._by_value[first] = self._by_value[name.casefold()]

    def _compile(self) -> re.Pattern[str] | None:
        literals = sorted((v for v in self._by_value if "@" not in v), key=len, reverse=True)
        if not literals:
            return None
        alternatives = "|".join(re.escape(v) for v in literals)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def _next(self, prefix: str) -> str:
        self._counts[prefix] = self._counts.get(prefix, 0) + 1
        return f"{prefix}_{self._counts[prefix]}"

    def _new(self, value: str, placeholder: str) -> str:
        self._values[placeholder] = value
        return placeholder

    def _add(self, value: str, placeholder: str) -> str:
        self._by_value[value.casefold()] = placeholder
        return self._new(value, placeholder)

    # ------------------------------------------------------------------ encoding
    def _use(self, placeholder: str) -> str:
        self._used[placeholder] = self._values[placeholder]
        return placeholder

    def _swap(self, match: re.Match[str]) -> str:
        found = match[0]
        if found.casefold() in _COMMON_WORDS and not found[0].isupper():
            return found  # "will", "may": a word that is also a name counts written as one
        return self._use(self._by_value[found.casefold()])

    def _email(self, email: str) -> str:
        placeholder = self._by_value.get(email.casefold()) or self._add(email, self._next("EMAIL"))
        return self._use(placeholder)

    def _address(self, address: str) -> str:
        placeholder = self._by_value.get(address.casefold())
        return self._use(placeholder or self._add(address, self._next("PLACE")))

    def _phone(self, text: str) -> str:
        digits = _digits(text)
        if _ISO_DATE.match(text) or not 7 <= len(digits) <= 15:
            return text
        known = next((p for d, p in self._phones.items() if _same_number(d, digits)), None)
        if known is None:
            known = self._phones[digits] = self._new(text, self._next("PHONE"))
        return self._use(known)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _same_number(a: str, b: str) -> bool:
    """Equal, or equal once a country code is dropped from the longer one."""
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 7 and long_.endswith(short)


def _place_name(key: str, taken: Mapping[str, str]) -> str:
    base = "PLACE_" + (re.sub(r"[^A-Z0-9]+", "_", key.upper()).strip("_") or "1")
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    return name


def _walk(obj: Any, change: Callable[[str], str]) -> Any:
    if isinstance(obj, str):
        return change(obj)
    if isinstance(obj, Mapping):
        return {_walk(k, change): _walk(v, change) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(_walk(v, change) for v in obj)
    return obj
