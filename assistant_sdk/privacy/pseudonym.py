"""Stable placeholders for personal values, so an engine can refer to people it never sees.

    names = Pseudonymizer(facts, contacts)
    names.encode("text Jane Doe at +1 555 0100")     # 'text CONTACT_1 at PHONE_1'
    names.encode_json({"to": "Jane Doe"})            # {'to': 'CONTACT_1'}: values, not JSON text
    names.decode({"recipient": "CONTACT_1"})         # {'recipient': 'Jane Doe'}

Contacts' names, phone numbers and e-mail addresses, the people aliases point to and the
addresses of places become ``CONTACT_1``, ``PHONE_1``, ``EMAIL_1``, ``PLACE_1``. A place fact
whose key may itself be shown (``public_keys``) is named after it (``PLACE_HOME``); any other
key never appears in a placeholder. Unknown phone numbers, e-mail addresses and street
addresses found in the text get placeholders too. Known values are found in every written form
``canonical`` knows (NFD names, "555–0104", "Oak Street 12"). The same value always gets the
same placeholder within one ``Pseudonymizer``; ``mapping`` holds those used.

Structured data is encoded as values (``encode_json``, ``encode_content``) so that JSON
escapes never hide a value from the matcher.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, Protocol

from ..reading.literals import ADDRESS, EMAIL, PHONE
from ..types import Fact, FactKind
from .canonical import Pattern, ValueMatcher, digits, surface

__all__ = ["PLACEHOLDER", "ContactLike", "Pseudonymizer", "placeholder_class"]


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
PLACEHOLDER = re.compile(r"\b(?:CONTACT|PHONE|EMAIL|PLACE)_[A-Z0-9_]*[A-Z0-9]\b")
"""Any placeholder this module makes."""
_CLASS = {"CONTACT": "contacts", "PHONE": "contacts", "EMAIL": "contacts", "PLACE": "location"}


def placeholder_class(placeholder: str) -> str:
    """The data class a placeholder's value belongs to: people are ``contacts``, places
    ``location``."""
    return _CLASS.get(placeholder.split("_", 1)[0], "contacts")


class Pseudonymizer:
    def __init__(
        self,
        facts: Iterable[Fact] = (),
        contacts: Iterable[ContactLike] = (),
        *,
        public_keys: Collection[str] = (),
    ) -> None:
        self._by_value: dict[str, str] = {}  # casefolded value -> placeholder
        self._values: dict[str, str] = {}  # placeholder -> value
        self._patterns: list[Pattern] = []
        self._used: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        self._matcher: ValueMatcher | None = None
        shown = {k.casefold() for k in public_keys}
        people = list(contacts)
        for person in people:
            self._person(person.name, person.phones, person.emails)
        for fact in facts:
            if fact.kind is FactKind.ALIAS:
                self._person(fact.value, (), ())
            elif fact.kind is FactKind.PLACE and fact.value.casefold() not in self._by_value:
                key = fact.key.casefold() in shown
                placeholder = _place_name(fact.key, self._values) if key else self._next("PLACE")
                self._add(fact.value, placeholder, Pattern.any_of(fact.value, placeholder))
        self._unique_first_names([p.name for p in people])

    @property
    def mapping(self) -> Mapping[str, str]:
        """Placeholder -> original value, for every placeholder ``encode`` has produced."""
        return dict(self._used)

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(self._used)

    @property
    def known(self) -> frozenset[str]:
        """Every placeholder that stands for a value here, sent or not."""
        return frozenset(self._values)

    @property
    def patterns(self) -> tuple[Pattern, ...]:
        """How every value this pseudonymizer stands for can be found (for the wire guard)."""
        return tuple(p for p in self._patterns if p.kind != "name_part")

    def encode(self, text: str) -> str:
        text = EMAIL.sub(lambda m: self._email(m[0]), surface(text))
        text, _ = self.matcher.sub(text, self._swap)
        text = PHONE.sub(lambda m: self._phone(m[0]), text)
        return _ADDRESS.sub(lambda m: self._address(m[0]), text)

    def encode_json(self, obj: Any) -> Any:
        """``encode`` applied to every string in a JSON-like value (keys included)."""
        return walk(obj, self.encode)

    def encode_content(self, content: str) -> str:
        """A tool result or error as sent to an engine: JSON is decoded, encoded value by
        value and written again; anything else is encoded as text."""
        try:
            value = json.loads(content)
        except ValueError:
            return self.encode(content)
        if isinstance(value, dict | list | str):
            return json.dumps(self.encode_json(value), ensure_ascii=False)
        return self.encode(content)

    def decode(self, obj: Any, classes: Collection[str] | None = None) -> Any:
        """Placeholders in strings (recursively, through dicts and lists) back to values.
        With ``classes``, only placeholders of those data classes are decoded (an app that
        may not receive a class gets the placeholder itself)."""

        def value(match: re.Match[str]) -> str:
            found = match[0]
            if classes is not None and placeholder_class(found) not in classes:
                return found
            return self._values.get(found, found)

        return walk(obj, lambda s: PLACEHOLDER.sub(value, s))

    @property
    def matcher(self) -> ValueMatcher:
        if self._matcher is None:
            self._matcher = ValueMatcher(self._patterns)
        return self._matcher

    # ------------------------------------------------------------------ building
    def _person(self, name: str, phones: Iterable[str], emails: Iterable[str]) -> None:
        if name.casefold() not in self._by_value:
            placeholder = self._next("CONTACT")
            self._add(name, placeholder, [Pattern.name(name, placeholder)])
        for phone in phones:
            self._phone_value(phone)
        for email in emails:
            if email.casefold() not in self._by_value:
                placeholder = self._next("EMAIL")
                self._add(email, placeholder, [Pattern.email(email, placeholder)])

    def _phone_value(self, phone: str) -> str | None:
        number = digits(phone)
        known = next(
            (p for p in self._patterns if p.kind == "phone" and number.endswith(p.key[0])), None
        )
        if known is not None:
            return known.placeholder
        pattern = Pattern.phone(phone, None)
        if pattern is None:
            return None
        placeholder = self._next("PHONE")
        self._values[placeholder] = phone
        self._extend([Pattern(pattern.key, placeholder, "phone")])
        return placeholder

    def _unique_first_names(self, names: list[str]) -> None:
        firsts = [n.split()[0] for n in names if len(n.split()) > 1]
        for name in names:
            parts = name.split()
            first = parts[0].casefold() if len(parts) > 1 else ""
            if first and firsts.count(parts[0]) == 1 and first not in self._by_value:
                placeholder = self._by_value[name.casefold()]
                self._by_value[first] = placeholder
                pattern = Pattern.name(parts[0], placeholder, "name_part")
                if pattern is not None:
                    self._extend([pattern])

    def _next(self, prefix: str) -> str:
        self._counts[prefix] = self._counts.get(prefix, 0) + 1
        return f"{prefix}_{self._counts[prefix]}"

    def _add(self, value: str, placeholder: str, patterns: Iterable[Pattern | None]) -> str:
        self._by_value[value.casefold()] = placeholder
        self._values[placeholder] = value
        self._extend(p for p in patterns if p is not None)
        return placeholder

    def _extend(self, patterns: Iterable[Pattern]) -> None:
        self._patterns.extend(patterns)
        self._matcher = None

    # ------------------------------------------------------------------ encoding
    def _use(self, placeholder: str) -> str:
        self._used[placeholder] = self._values[placeholder]
        return placeholder

    def _swap(self, pattern: Pattern, found: str) -> str:
        if pattern.placeholder is None:
            return found
        common = pattern.kind == "name_part" and found.casefold() in _COMMON_WORDS
        if common and not found[0].isupper():
            return found  # "will", "may": a word that is also a name counts written as one
        return self._use(pattern.placeholder)

    def _email(self, email: str) -> str:
        placeholder = self._by_value.get(email.casefold())
        if placeholder is None:
            placeholder = self._next("EMAIL")
            self._add(email, placeholder, [Pattern.email(email, placeholder)])
        return self._use(placeholder)

    def _address(self, address: str) -> str:
        placeholder = self._by_value.get(address.casefold())
        if placeholder is None:
            placeholder = self._next("PLACE")
            self._add(address, placeholder, Pattern.any_of(address, placeholder))
        return self._use(placeholder)

    def _phone(self, text: str) -> str:
        number = digits(text)
        if _ISO_DATE.match(text) or not 7 <= len(number) <= 15:
            return text
        placeholder = self._phone_value(text)
        return self._use(placeholder) if placeholder else text


def _place_name(key: str, taken: Mapping[str, str]) -> str:
    base = "PLACE_" + (re.sub(r"[^A-Z0-9]+", "_", key.upper()).strip("_") or "1")
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    return name


def walk(obj: Any, change: Callable[[str], str]) -> Any:
    """``change`` applied to every string in a JSON-like value, keys included."""
    if isinstance(obj, str):
        return change(obj)
    if isinstance(obj, Mapping):
        return {walk(k, change): walk(v, change) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(walk(v, change) for v in obj)
    return obj
