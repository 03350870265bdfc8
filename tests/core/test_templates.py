"""A settled request becomes an annotated example: the values its call was given turn into
placeholders, and the index fills them as it fills a tool's own annotated examples."""

from __future__ import annotations

import pytest

from assistant_sdk.reading.examples import parse_example
from assistant_sdk.resolve.templates import (
    annotate,
    literal,
    personal_phrase,
    say_again,
    template_match,
    template_said,
)
from assistant_sdk.types import Tool

WEATHER = Tool(
    "get_weather",
    "Get the weather forecast for a city.",
    "weather",
    {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}},
)


def test_each_value_said_in_the_request_becomes_its_placeholder() -> None:
    said = annotate("what's the weather in Tokyo for 3 days", {"city": "tokyo", "days": 3})
    assert said == "what's the weather in {city} for {days} days"


def test_a_value_the_engine_normalised_leaves_the_words_as_they_are() -> None:
    assert annotate("call mom", {"name": "Jane Doe"}) == "call mom"


def test_values_match_whole_words_only_and_never_overlap() -> None:
    assert annotate("add 5 to 15", {"a": 5, "b": 15.0}) == "add {a} to {b}"
    assert annotate("play Tokyo Drift in Tokyo", {"song": "Tokyo Drift", "city": "Tokyo"}) == (
        "play {song} in {city}"
    )


def test_list_items_and_integral_floats_are_found_but_booleans_never() -> None:
    assert annotate("tag it red", {"tags": ["blue", "red"], "urgent": True}) == "tag it {tags}"
    assert annotate("a 10 metre wall", {"height": 10.0}) == "a {height} metre wall"


def test_literal_braces_in_a_request_survive_as_text() -> None:
    example = annotate("print {x} in Oslo", {"city": "Oslo"})
    assert example == "print {{x}} in {city}"
    assert [p.parameter for p in parse_example(example)] == [None, "city"]
    assert literal("{a}") == "{{a}}"


def test_the_index_fills_a_learned_example_the_same_way_every_time() -> None:
    phrase = personal_phrase(WEATHER, "what's the weather in {city}", "abc")
    assert phrase == personal_phrase(WEATHER, "what's the weather in {city}", "abc")
    assert phrase.startswith("what's the weather in ") and "{" not in phrase


def test_a_stored_text_that_is_no_example_is_embedded_as_it_is() -> None:
    assert personal_phrase(WEATHER, "set {", "abc") == "set {"
    assert personal_phrase(WEATHER, "plain words", "abc") == "plain words"


def test_the_same_intent_said_with_other_values_fits_its_template_whole() -> None:
    template = annotate("what's the weather in Tokyo for 3 days", {"city": "Tokyo", "days": 3})
    share, rest = template_match("what's the weather in Lima for 5 days", template)
    assert share == 1.0 and rest == pytest.approx(2 / 9)


def test_a_look_alike_request_misses_fixed_words_of_the_template() -> None:
    template = annotate("area of a circle with radius 5", {"radius": 5})
    same, _ = template_match("area of a circle with radius 7", template)
    other, rest = template_match("circumference of a circle with radius 7", template)
    assert same == 1.0 and other < 1.0 and rest > 0


def test_a_template_with_no_fixed_words_matches_nothing() -> None:
    assert template_match("Tokyo", "{city}") == (0.0, 1.0)


def test_a_request_is_said_again_with_another_calls_values() -> None:
    said = say_again("weather in  Tokyo for 3 days", {"city": "Tokyo", "days": 3},
                     {"city": "Lima", "days": 5.0})  # fmt: skip
    assert said == "weather in Lima for 5 days"


def test_a_request_whose_values_are_not_said_is_not_said_again() -> None:
    assert say_again("call mom", {"name": "Jane Doe"}, {"name": "Sam"}) is None
    assert say_again("weather in Tokyo", {"city": "Tokyo"}, {"town": "Lima"}) is None


def test_a_template_is_said_whole_only_with_its_fixed_words_and_values_in_their_places() -> None:
    template = annotate("what's the weather in Tokyo for 3 days", {"city": "Tokyo", "days": 3})
    assert template_said("What's the weather in New York for 5 days?", template)
    # the fixed words all said, in order, but with words of its own: a partial fit
    assert not template_said("what's the weather in Lima for 5 days and the tides", template)
    assert not template_said("the weather in Lima for 5 days", template)  # a fixed word missed
    assert not template_said("what's the weather in for days", template)  # a value missed


def test_a_template_without_fixed_words_is_never_said_whole() -> None:
    assert not template_said("Tokyo", "{city}")
    assert template_said("good morning", literal("Good morning!"))
    assert not template_said("anything", "set {")  # no well-formed example
