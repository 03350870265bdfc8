"""Withheld values written every way a real app writes them, and an oracle for the wire.

The oracle is independent of the guard's own matcher: it flattens each string the server
received (NFKC, case-folded, every non-alphanumeric run one space; digits with their
separators dropped) and looks for the values there, in the raw bytes and in every JSON string.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from assistant_sdk.types import Fact, FactKind


@dataclass(frozen=True)
class Person:
    name: str
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


PEOPLE = [
    Person("Jane Doe", ("+1 555 0104",), ("jane.doe@example.com",)),
    Person("Zoë Müller", ("+44 20 7946 0958",), ("zoe.mueller@example.org",)),
    Person("José Álvarez", ("+34 612 345 678",)),
]
FACTS = [
    Fact("mom", "Jane Doe", FactKind.ALIAS, "contacts"),
    Fact("home", "12 Oak Street", FactKind.PLACE, "location"),
    Fact("hiv clinic", "40 Elm Road", FactKind.PLACE, "health"),
    Fact("diagnosis", "type 2 diabetes", FactKind.NOTE, "health"),
    Fact("rides", "Lyft", FactKind.PREFERENCE, "preferences"),
]
NAMES = [p.name for p in PEOPLE]
PHONES = [ph for p in PEOPLE for ph in p.phones]
EMAILS = [e for p in PEOPLE for e in p.emails]
ADDRESSES = [("12", "Oak", "street"), ("40", "Elm", "road")]
HEALTH = ["type 2 diabetes"]

_SEPARATORS = [" ", "\u00a0", "  ", "\n", "\t", "\u202f"]
_PHONE_SEPS = [" ", "-", "\u2013", "\u2014", "\u00a0", ".", "", "\u2011"]
_CONTEXT = ["", "Ship to:\n", "\t", '"', "(", "— ", "\\", "\n\n", "To: ", "*", "\r\n", "<b>"]
_TYPES = {"street": ["Street", "St", "St.", "street", "STREET"], "road": ["Road", "Rd", "Rd."]}


def _case(text: str, how: int) -> str:
    return [text, text.upper(), text.lower(), text.title()][how]


@st.composite
def names(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(NAMES))
    form = draw(st.sampled_from(["NFC", "NFD"]))
    sep = draw(st.sampled_from(_SEPARATORS))
    written = sep.join(_case(w, draw(st.integers(0, 3))) for w in name.split())
    return unicodedata.normalize(form, written)


@st.composite
def phones(draw: st.DrawFn) -> str:
    number = re.sub(r"\D", "", draw(st.sampled_from(PHONES)))
    code_len = 2 if number.startswith(("44", "34")) else 1
    code, rest = number[:code_len], number[code_len:]
    sep = draw(st.sampled_from(_PHONE_SEPS))
    cut = draw(st.integers(2, 4))
    local = f"{rest[:cut]}{sep}{rest[cut:]}"
    prefix = draw(st.sampled_from(["", f"+{code} ", f"+{code}{sep}", f"00{code} ", "("]))
    return prefix + (local.replace(sep, ") ", 1) if prefix == "(" else local)


@st.composite
def addresses(draw: st.DrawFn) -> str:
    number, street, kind = draw(st.sampled_from(ADDRESSES))
    written_type = draw(st.sampled_from(_TYPES[kind]))
    street = _case(street, draw(st.integers(0, 3)))
    layout = draw(st.sampled_from(["{n} {s} {t}", "{s} {t} {n}", "{n}, {s} {t}", "{s} {t}, {n}"]))
    sep = draw(st.sampled_from([" ", "\u00a0"]))
    return layout.format(n=number, s=street, t=written_type).replace(" ", sep)


@st.composite
def emails(draw: st.DrawFn) -> str:
    return _case(draw(st.sampled_from(EMAILS)), draw(st.integers(0, 2)))


def withheld_values() -> st.SearchStrategy[str]:
    return st.one_of(names(), phones(), addresses(), emails(), st.sampled_from(HEALTH))


@st.composite
def in_context(draw: st.DrawFn) -> str:
    return (
        draw(st.sampled_from(_CONTEXT)) + draw(withheld_values()) + draw(st.sampled_from(_CONTEXT))
    )


_FILLER = st.text(alphabet="abcdefghij klmnop", max_size=12)


def tool_results() -> st.SearchStrategy[Any]:
    """Tool results as apps return them: strings, lists and objects holding withheld values in
    any position, keys included."""
    leaf = st.one_of(in_context(), _FILLER, st.booleans(), st.none())
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.one_of(_FILLER, in_context()), inner, max_size=4),
        ),
        max_leaves=8,
    )


def _flat(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " " + " ".join(re.sub(r"[\W_]+", " ", text).split()) + " "


def _digits(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"(?<=\d)[^\w]{0,3}(?=\d)", "", text)


def leaks(data: bytes, *, names: bool = True, places: bool = True) -> list[str]:
    """The withheld values (by kind) found in the request body ``data``."""
    views = [data.decode("utf-8")]

    def collect(value: Any) -> None:
        if isinstance(value, str):
            views.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                views.append(key)
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(json.loads(data))
    found: list[str] = []
    for view in views:
        flat, joined = _flat(view), _digits(view)
        if names:
            found += [f"name:{n}" for n in NAMES if _flat(n) in flat]
            found += [f"email:{e}" for e in EMAILS if e.casefold() in view.casefold()]
            found += [f"phone:{p}" for p in PHONES if re.sub(r"\D", "", p)[-7:] in joined]
        streets = ADDRESSES if places else ADDRESSES[1:]
        for number, street, kind in streets:
            for t in {kind, _TYPES[kind][1].lower()}:
                if (
                    f" {number} {street.lower()} {t} " in flat
                    or f" {street.lower()} {t} {number} " in flat
                ):
                    found.append(f"address:{number} {street}")
        found += [f"health:{h}" for h in HEALTH if _flat(h) in flat]
    return sorted(set(found))
