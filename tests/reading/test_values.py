"""Values said for a parameter by its kind, in many phrasings."""

from __future__ import annotations

import random

from assistant_sdk.reading import _moments
from assistant_sdk.reading.values import Vocabulary, number_words, say
from assistant_sdk.slots import Kind
from assistant_sdk.types import Fact, FactKind

NOBODY = Vocabulary()


def _many(kind: Kind, vocabulary: Vocabulary = NOBODY, n: int = 600) -> set[str]:
    rng = random.Random(0)
    return {say(kind, rng, vocabulary, ()).casefold() for _ in range(n)}


def test_numbers_are_written_in_words_up_to_the_hundreds() -> None:
    assert [number_words(n) for n in (7, 42, 100, 105)] == [
        "seven",
        "forty two",
        "a hundred",
        "a hundred and five",
    ]


def test_clock_times_come_as_digits_words_and_counted_from_the_hour() -> None:
    said = _many(Kind.TIME)
    assert any(s.startswith(("half ", "quarter to ", "quarter past ")) for s in said)
    assert any(":" in s for s in said) and "noon" in said
    words = {w for s in said for w in s.split()}
    assert {"fifteen", "seven"} & words and any(s.endswith(("pm", "p.m.")) for s in said)


def test_days_come_as_names_dates_ordinals_and_weeks_ahead() -> None:
    said = _many(Kind.DATE)
    assert "tomorrow" in said
    assert any(s.endswith(" week") for s in said) and any(s.startswith("the ") for s in said)
    assert any(s.startswith("next ") for s in said) and any("/" in s for s in said)


def test_moments_include_times_counted_from_now() -> None:
    said = _many(Kind.DATETIME)
    assert any(s.startswith("in ") and s.endswith(("minutes", "mins", "hours")) for s in said)


def test_durations_come_in_words_and_digits() -> None:
    said = _many(Kind.DURATION)
    assert "half an hour" in said and any(s[0].isdigit() for s in said)


def test_enum_values_are_said_in_words() -> None:
    rng = random.Random(1)
    said = {
        say(Kind.CHOICE, rng, Vocabulary(), ("uber_xl", "comfort")).casefold() for _ in range(50)
    }
    assert said == {"uber xl", "comfort"}


def test_free_text_follows_the_register_its_parameter_hints_at() -> None:
    rng = random.Random(2)
    bodies = [say(Kind.TEXT, rng, Vocabulary(), (), parameter="body") for _ in range(200)]
    assert len(set(bodies)) > 40
    assert sum(b.startswith(("I'm", "I am", "we're")) for b in bodies) > 20


def test_a_vocabulary_takes_alias_names_and_saved_places_from_facts() -> None:
    facts = [
        Fact("mom", "Jane Doe", FactKind.ALIAS, "contacts"),
        Fact("home", "12 Oak Street", FactKind.PLACE, "location"),
        Fact("rides", "Lyft", FactKind.PREFERENCE),
    ]
    assert Vocabulary.from_facts(facts) == Vocabulary(("mom",), ("home",), ("Jane Doe",))


def test_people_are_the_users_aliases_contacts_first_names_and_relations() -> None:
    said = _many(Kind.PERSON, Vocabulary(("mom",), (), ("Jane Doe",)))
    assert {"mom", "my mom", "jane doe", "jane"} <= said
    assert any(s.startswith("my ") and s != "my mom" for s in said)


def test_the_generators_are_deterministic_for_a_seed() -> None:
    first = [_moments.moment(random.Random(9)) for _ in range(3)]
    assert first == [_moments.moment(random.Random(9)) for _ in range(3)]
