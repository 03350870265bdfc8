"""Pseudonymisation: personal values leave the device as stable placeholders and come back."""

from __future__ import annotations

from dataclasses import dataclass

from assistant_sdk.privacy import Pseudonymizer
from assistant_sdk.types import Fact, FactKind


@dataclass(frozen=True)
class Person:
    name: str
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


PEOPLE = [
    Person("Jane Doe", ("+1 555 0100",), ("jane.doe@example.com",)),
    Person("John Smith", ("+1 555 0101",)),
    Person("John Park", ("+1 555 0102",)),
    Person("Alex Kim", (), ("alex.kim@example.com",)),
]
FACTS = [
    Fact("mom", "Jane Doe", FactKind.ALIAS, "contacts"),
    Fact("sis", "Sam Lee", FactKind.ALIAS, "contacts"),
    Fact("home", "12 Oak Street, Springfield", FactKind.PLACE, "location"),
    Fact("rides", "Lyft", FactKind.PREFERENCE, "preferences"),
]


def names() -> Pseudonymizer:
    return Pseudonymizer(FACTS, PEOPLE, public_keys={"home"})


def test_names_numbers_emails_and_places_become_placeholders() -> None:
    text = "Tell Jane Doe (+1 555 0100, jane.doe@example.com) to meet at 12 Oak Street, Springfield"
    encoded = names().encode(text)
    assert encoded == "Tell CONTACT_1 (PHONE_1, EMAIL_1) to meet at PLACE_HOME"


def test_a_fact_about_an_alias_sends_the_alias_but_not_the_person() -> None:
    assert names().encode("mom: Jane Doe") == "mom: CONTACT_1"
    assert names().encode("sis: Sam Lee") == "sis: CONTACT_5"


def test_preferences_are_not_personal_values() -> None:
    assert names().encode("rides: Lyft") == "rides: Lyft"


def test_the_same_value_gets_the_same_placeholder_across_calls() -> None:
    p = names()
    first = p.encode("call John Smith")
    second = p.encode("JOHN SMITH called back; also ring John Park")
    assert first == "call CONTACT_2"
    assert second == "CONTACT_2 called back; also ring CONTACT_3"


def test_a_phone_number_matches_with_or_without_its_country_code_and_spacing() -> None:
    p = names()
    assert p.encode("missed call from 555-0100") == "missed call from PHONE_1"
    assert p.encode("or +1 (555) 0100") == "or PHONE_1"


def test_unknown_numbers_and_addresses_get_fresh_placeholders() -> None:
    p = names()
    assert p.encode("write to bob@corp.example or call 020 7946 0958") == (
        "write to EMAIL_3 or call PHONE_4"
    )
    assert p.decode("EMAIL_3 PHONE_4") == "bob@corp.example 020 7946 0958"


def test_a_unique_first_name_is_replaced_however_it_is_typed() -> None:
    p = names()
    assert p.encode("lunch with Alex") == "lunch with CONTACT_4"
    assert p.encode("text alex i'm late") == "text CONTACT_4 i'm late"
    assert p.encode("John is late") == "John is late"  # two Johns: not a reference to one


def test_a_first_name_that_is_an_everyday_word_counts_only_written_as_a_name() -> None:
    p = Pseudonymizer([], [Person("Will Turner"), Person("Jane Doe")])
    assert p.encode("I will call Will") == "I will call CONTACT_1"


def test_dates_and_times_are_not_mistaken_for_phone_numbers() -> None:
    assert names().encode("on 2026-03-02T09:00 for 1200 seconds") == (
        "on 2026-03-02T09:00 for 1200 seconds"
    )


def test_decode_restores_values_in_nested_tool_arguments() -> None:
    p = names()
    p.encode("text Jane Doe")
    call = {"recipient": "CONTACT_1", "body": "see you at PLACE_HOME", "cc": ["EMAIL_1"], "n": 2}
    assert p.decode(call) == {
        "recipient": "Jane Doe",
        "body": "see you at 12 Oak Street, Springfield",
        "cc": ["jane.doe@example.com"],
        "n": 2,
    }


def test_a_round_trip_gives_back_the_original_text() -> None:
    p = names()
    text = "Email alex.kim@example.com that Sam Lee moved to 12 Oak Street, Springfield"
    assert "Alex" not in p.encode(text) and p.decode(p.encode(text)) == text


def test_encode_json_reaches_every_string_in_a_tool_result() -> None:
    result = {"contacts": [{"name": "John Park", "phone": "+1 555 0102"}], "count": 1}
    assert names().encode_json(result) == {
        "contacts": [{"name": "CONTACT_3", "phone": "PHONE_3"}],
        "count": 1,
    }


def test_mapping_lists_only_the_placeholders_that_were_sent() -> None:
    p = names()
    assert p.mapping == {}
    p.encode("remind Jane Doe, home is 12 Oak Street, Springfield")
    assert p.mapping == {"CONTACT_1": "Jane Doe", "PLACE_HOME": "12 Oak Street, Springfield"}
    assert p.placeholders == ("CONTACT_1", "PLACE_HOME")


def test_unknown_placeholders_from_the_engine_are_left_as_they_are() -> None:
    assert names().decode({"recipient": "CONTACT_99"}) == {"recipient": "CONTACT_99"}


def test_a_street_address_in_the_text_becomes_a_place_placeholder() -> None:
    p = names()
    sent = p.encode("book a ride to 9 Pine Lane, Springfield from 12 Oak Street, Springfield")
    assert sent == "book a ride to PLACE_1 from PLACE_HOME"
    assert p.decode({"destination": "PLACE_1"}) == {"destination": "9 Pine Lane, Springfield"}
    assert p.encode("meet at 9 pine lane, Springfield") == "meet at PLACE_1"
