"""An alias said another way stands for the alias only when form and meaning agree."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant_sdk import Tool
from assistant_sdk.reading.relations import close_in_form, related_aliases
from assistant_sdk.slots import fill_arguments
from assistant_sdk.types import Fact, FactKind
from embeddings.base import Embedder

FACTS = [
    Fact("mom", "Jane Doe", FactKind.ALIAS, "contacts"),
    Fact("boss", "Alex Kim", FactKind.ALIAS, "contacts"),
    Fact("sis", "Sam Lee", FactKind.ALIAS, "contacts"),
]
CONTACTS = ["Jane Doe", "Alex Kim", "Sam Lee", "Tom Reed"]
CALL = Tool(
    "call_contact",
    "Call a contact",
    "phone",
    {
        "type": "object",
        "properties": {"name": {"type": "string", "description": "The contact's name"}},
        "required": ["name"],
    },
)


@pytest.mark.parametrize(("word", "key"), [("mum", "mom"), ("sister", "sis"), ("mommy", "mom")])
def test_a_spelling_a_clipping_or_a_longer_form_is_close_in_form(word: str, key: str) -> None:
    assert close_in_form(word, key)


@pytest.mark.parametrize(
    ("word", "key"), [("dad", "mom"), ("sisters", "sis"), ("mums", "mom"), ("mom", "mom")]
)
def test_another_word_a_plural_or_the_key_itself_is_not(word: str, key: str) -> None:
    assert not close_in_form(word, key)


def test_two_swapped_letters_are_one_edit() -> None:
    assert close_in_form("mmo", "mom")


def mentioned(request: str, embedder: Embedder) -> list[tuple[str, str]]:
    found = related_aliases(request, FACTS, CONTACTS, embedder)
    return [(request[m.start : m.end], m.fact) for m in found]


@pytest.mark.slow
def test_mum_and_my_sister_stand_for_the_users_mom_and_sis(embedder: Embedder) -> None:
    assert mentioned("call mum", embedder) == [("mum", "mom")]
    assert mentioned("text my sister I'm late", embedder) == [("my sister", "sis")]


@pytest.mark.slow
def test_a_word_close_only_in_form_or_only_in_meaning_stands_for_no_one(
    embedder: Embedder,
) -> None:
    assert mentioned("call mob", embedder) == []  # one letter from "mom", far in meaning
    assert mentioned("call dad", embedder) == []  # near "mom" in meaning, far in form


@pytest.mark.slow
def test_a_contacts_own_name_is_never_read_as_an_alias(embedder: Embedder) -> None:
    assert mentioned("call Tom", embedder) == []


@pytest.mark.slow
def test_the_argument_read_from_a_related_word_names_the_alias_fact(embedder: Embedder) -> None:
    fill = fill_arguments(
        CALL, "ring my mum", FACTS, now=datetime(2026, 3, 4), contacts=CONTACTS, embedder=embedder
    )
    assert fill.arguments == {"name": "Jane Doe"}
    assert fill.filled["name"].source == "fact:mom"


def test_without_an_embedder_only_the_alias_as_the_user_said_it_is_read() -> None:
    assert related_aliases("call mum", FACTS, CONTACTS, None) == []
