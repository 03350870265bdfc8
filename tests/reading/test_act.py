"""The act decision: spans become typed arguments, and the frame's probability decides."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from assistant_sdk.reading.act import merge_fills, settle
from assistant_sdk.reading.reader import Reading, SpanReader
from assistant_sdk.reading.tagger import Tagger
from assistant_sdk.reading.typed import Found
from assistant_sdk.slots import NOT_SAID, Filled, SlotFill
from assistant_sdk.types import Fact, FactKind, Tool

from .tools import ALARM

NOW = datetime(2026, 3, 4, 10, 0)
FACTS = [Fact("mom", "Jane Doe", FactKind.ALIAS)]
CONTACTS = ["Jane Doe", "John Park"]
TOOL = ALARM


def _reader(threshold: float) -> SpanReader:
    def z(*shape: int) -> np.ndarray:  # type: ignore[type-arg]
        return np.zeros(shape, np.float32)

    tagger = Tagger(("time",), z(3, 1), z(1), z(1, 3), z(3), z(1, 3), z(4, 3))
    return SpanReader(tagger, threshold)


def _reading(request: str, confidence: float = 0.95, **spans: str) -> Reading:
    found = {
        n: Found(request.index(s), request.index(s) + len(s), confidence) for n, s in spans.items()
    }
    return Reading(found)


def _settle(request: str, rules: SlotFill, reading: Reading, threshold: float = 0.5):  # type: ignore[no-untyped-def]
    return settle(
        TOOL, request, rules, reading, 0.9, _reader(threshold), FACTS, now=NOW, contacts=CONTACTS
    )


def test_a_value_the_whole_request_readers_missed_is_taken_from_its_span() -> None:
    rules = SlotFill({}, {}, ("time",), problems={"time": NOT_SAID})
    learned = SlotFill({"time": "06:30"}, {"time": Filled("request", 0.9, "half six")})
    merged, disagree = merge_fills(rules, learned)
    assert merged.arguments == {"time": "06:30"} and not merged.missing and not disagree


def test_a_value_the_whole_request_readers_named_a_problem_with_keeps_the_problem() -> None:
    rules = SlotFill({}, {}, ("time",), problems={"time": "'25:00' is not a time of day"})
    learned = SlotFill({"time": "06:30"}, {"time": Filled("request", 0.9, "six")})
    merged, _ = merge_fills(rules, learned)
    assert merged.missing == ("time",) and "25:00" in merged.problems["time"]


def test_a_confident_frame_is_acted_on_although_a_word_of_speech_was_placed_by_nobody() -> None:
    request = "so wake me at half six"
    rules = SlotFill(
        {"time": "06:30"}, {"time": Filled("request", 1.0, "half six")}, (), {}, ("so",)
    )
    verdict = _settle(request, rules, _reading(request, time="half six"))
    assert verdict.act and verdict.fill.arguments == {"time": "06:30"}
    assert verdict.fill.complete


def test_a_frame_below_the_fitted_threshold_is_left_to_the_engine_with_what_was_read() -> None:
    request = "so wake me at half six"
    rules = SlotFill(
        {"time": "06:30"}, {"time": Filled("request", 1.0, "half six")}, (), {}, ("so",)
    )
    verdict = _settle(request, rules, _reading(request, 0.3, time="half six"))
    assert not verdict.act and verdict.fill.arguments == {"time": "06:30"}
    assert not verdict.fill.complete and "not sure" in verdict.reason


def test_two_readings_of_one_value_that_disagree_are_not_acted_on() -> None:
    request = "wake me at half six"
    rules = SlotFill(
        {"time": "18:30"}, {"time": Filled("request", 1.0, "half six")}, (), {}, ("me",)
    )
    verdict = _settle(request, rules, _reading(request, time="half six"))
    assert not verdict.act and "read two ways" in verdict.reason


def test_a_span_no_typed_reader_can_read_is_not_acted_on_and_says_why() -> None:
    request = "wake me at dawnish"
    rules = SlotFill({}, {}, ("time",), {}, ("dawnish",), {"time": NOT_SAID})
    verdict = _settle(request, rules, _reading(request, time="dawnish"))
    assert not verdict.act and "dawnish" in verdict.reason


def test_a_sign_that_one_call_would_not_do_is_never_overruled() -> None:
    request = "wake me at half six and text mom"
    rules = SlotFill(
        {"time": "06:30"},
        {"time": Filled("request", 1.0, "half six")},
        unexplained=("and text",),
        doubts=("and text",),
    )
    verdict = _settle(request, rules, _reading(request, time="half six"), threshold=0.0)
    assert not verdict.act and verdict.fill is rules


def test_with_fitted_odds_the_calibrated_chance_decides_not_the_product() -> None:
    from dataclasses import replace

    from assistant_sdk.reading.odds import SIGNS, FrameOdds

    weights = [0.0] * len(SIGNS)
    weights[SIGNS.index("unplaced")] = -10.0
    reader = replace(_reader(0.9), odds=FrameOdds(tuple(weights), 4.0))

    def settled(request: str, loose: tuple[str, ...]):  # type: ignore[no-untyped-def]
        rules = SlotFill(
            {"time": "06:30"}, {"time": Filled("request", 1.0, "half six")}, (), {}, loose
        )
        reading = _reading(request, time="half six")
        return settle(TOOL, request, rules, reading, 0.9, reader, FACTS, now=NOW, contacts=CONTACTS)

    few = settled("so wake me at half six", ("so",))
    many = settled("so um like wake me at half six", ("so", "um", "like"))
    assert few.act and few.probability > 0.9
    assert not many.act and many.probability < 0.9 and "not sure" in many.reason


def test_free_text_only_the_whole_request_reading_found_goes_to_the_engine() -> None:
    request = "so I'm in the car alarm for 4:10"
    rules = SlotFill(
        {"time": "04:10", "label": "I'm in the car"},
        {"time": Filled("request", 1.0, "4:10"), "label": Filled("request", 0.8, "I'm in the car")},
        (),
        {},
        ("so",),
    )
    verdict = _settle(request, rules, _reading(request, time="4:10"), threshold=0.0)
    assert not verdict.act and "label: only one reading found it" in verdict.reason
    assert verdict.fill.arguments["label"] == "I'm in the car"  # what was read goes along


def test_free_text_only_the_whole_request_reading_found_stops_two_readings_agreeing() -> None:
    from assistant_sdk.reading.act import readings_agree

    rules = SlotFill(
        {"time": "04:10", "label": "I'm in the car"},
        {"time": Filled("request", 1.0, "4:10"), "label": Filled("request", 0.8, "I'm in the car")},
    )
    learned = SlotFill({"time": "04:10"}, {"time": Filled("request", 0.9, "4:10")})
    assert not readings_agree(TOOL, rules, learned)
    both = SlotFill(dict(rules.arguments), dict(rules.filled))
    assert readings_agree(TOOL, rules, both)


def test_words_the_tools_own_phrases_say_never_count_as_asking_more(embedder) -> None:  # type: ignore[no-untyped-def]
    """ "count down {duration_seconds}" is how the timer is asked for: "count" and "down",
    placed by no reader, do not move the request away from the call, while a word no phrase
    of the tool says ("umbrella") still does."""
    timer = Tool(
        "start_timer",
        "Start a countdown timer.",
        "clock",
        {
            "type": "object",
            "properties": {"duration_seconds": {"type": "integer", "description": "Seconds."}},
            "required": ["duration_seconds"],
        },
        examples=("count down {duration_seconds}", "set a timer for {duration_seconds}"),
    )
    reader = _reader(0.5)

    def settled(request: str, loose: tuple[str, ...]):  # type: ignore[no-untyped-def]
        rules = SlotFill(
            {"duration_seconds": 90},
            {"duration_seconds": Filled("request", 1.0, "90 seconds")},
            (),
            {},
            loose,
        )
        reading = _reading(request, duration_seconds="90 seconds")
        return settle(
            timer, request, rules, reading, 0.9, reader, FACTS, now=NOW, embedder=embedder
        )

    assert settled("count down 90 seconds", ("count", "down")).act
    refused = settled("umbrella timer 90 seconds", ("umbrella",))
    assert not refused.act and "umbrella" in refused.reason


def test_a_cue_word_of_an_unfilled_parameter_beside_an_unread_word_is_a_missed_value(
    embedder,
) -> None:  # type: ignore[no-untyped-def]
    """ "by" comes before {mode} in "directions to {destination} by {mode}": unplaced, next to
    an unread "bus", it marks a value both readers missed, so the device does not act
    without it (dropping "by bus" moves the request's vector little)."""
    directions = Tool(
        "get_directions",
        "Get directions to a place.",
        "maps",
        {
            "type": "object",
            "properties": {
                "destination": {"type": "string", "description": "Where to."},
                "mode": {"type": "string", "enum": ["driving", "walking", "transit"]},
            },
            "required": ["destination"],
        },
        examples=("directions to {destination} by {mode}", "how do I get to {destination}"),
    )
    request = "directions to Springfield Zoo by bus"
    rules = SlotFill(
        {"destination": "Springfield Zoo"},
        {"destination": Filled("request", 1.0, "Springfield Zoo")},
        (),
        {},
        ("by", "bus"),
    )
    reading = _reading(request, destination="Springfield Zoo")
    verdict = settle(
        directions, request, rules, reading, 0.9, _reader(0.5), FACTS, now=NOW, embedder=embedder
    )
    assert not verdict.act and "missed: mode" in verdict.reason
