"""The calibrated frame odds: a small logistic model over what the two readings say, fitted
on one part of the validation frames and bound-checked on another."""

from __future__ import annotations

import random

import numpy as np

from assistant_sdk.reading.calibrate import NEVER
from assistant_sdk.reading.odds import SIGNS, FrameOdds, FrameSigns, fit_odds, frame_signs
from assistant_sdk.reading.reader import SpanReader, fit_act, reader_arrays, reader_from_arrays
from assistant_sdk.reading.tagger import Tagger
from assistant_sdk.slots import Filled, SlotFill


def _tagger() -> Tagger:
    def z(*shape: int) -> np.ndarray:  # type: ignore[type-arg]
        return np.zeros(shape, np.float32)

    return Tagger(("time",), z(3, 1), z(1), z(1, 3), z(3), z(1, 3), z(4, 3))


def _rows(n: int, seed: int) -> list[tuple[FrameSigns, float, bool]]:
    """Frames whose rightness follows the refusal sign: right unless refusal words weigh."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        refusal = rng.random()
        signs = [0.0] * len(SIGNS)
        signs[SIGNS.index("refusal")] = refusal
        rows.append((FrameSigns(tuple(signs), 1.0 - refusal), 1.0 - refusal, refusal < 0.3))
    return rows


def test_the_odds_learn_which_sign_speaks_against_a_frame() -> None:
    rows = _rows(400, 1)
    odds = fit_odds([s.vector for s, _, _ in rows], [r for _, _, r in rows])
    assert odds is not None
    assert odds.weights[SIGNS.index("refusal")] < -1.0
    low = [0.0] * len(SIGNS)
    high = [0.0] * len(SIGNS)
    high[SIGNS.index("refusal")] = 0.9
    assert odds.probability(low) > 0.9 > 0.1 > odds.probability(high)


def test_frames_all_right_or_all_wrong_give_no_odds_to_fit() -> None:
    assert fit_odds([[0.0] * len(SIGNS)] * 3, [True] * 3) is None
    assert fit_odds([], []) is None


def test_the_threshold_is_bound_checked_on_frames_the_odds_were_not_fitted_on() -> None:
    reader = SpanReader(_tagger())
    fitted = fit_act(reader, _rows(400, 1), _rows(600, 2))
    assert fitted.odds is not None and fitted.threshold < NEVER
    assert fitted.checked == 600 and fitted.bound >= 0.98
    assert fit_act(reader, _rows(400, 1), _rows(20, 2)).threshold == NEVER  # too few to certify


def test_a_frame_the_device_may_never_act_on_stays_below_every_threshold() -> None:
    reader = SpanReader(_tagger())
    never = [(FrameSigns((0.0,) * len(SIGNS), 0.0), 0.0, False)] * 50
    fitted = fit_act(reader, _rows(400, 1), _rows(600, 2) + never)
    assert fitted.threshold > 0.0


def test_a_value_only_the_whole_request_reading_found_is_counted_as_such() -> None:
    rules = SlotFill(
        {"time": "07:00", "label": "in the car"},
        {"time": Filled("request", 1.0), "label": Filled("request", 1.0)},
        unexplained=("so",),
    )
    learned = SlotFill({"time": "07:00"}, {"time": Filled("request", 0.9)})
    signs = frame_signs(
        0.9, 0.9, 0.0, 0.0, rules, learned, rules, "so alarm at 7 in the car", (), 1.0
    )
    vector = dict(zip(SIGNS, signs.vector, strict=True))
    assert vector["rules_only"] == 1.0 and vector["agreed"] == 1.0 and vector["spans_only"] == 0.0


def test_a_saved_reader_keeps_its_odds() -> None:
    odds = FrameOdds(tuple(float(n) for n in range(len(SIGNS))), -0.5)
    reader = SpanReader(_tagger(), 0.97, odds=odds, bound=0.981, checked=300)
    loaded = reader_from_arrays(reader_arrays(reader))
    assert loaded.odds == odds and loaded.threshold == 0.97
    assert loaded.bound == 0.981 and loaded.checked == 300


def test_check_frames_fit_the_odds_in_turns_so_few_fitting_frames_still_certify() -> None:
    reader = SpanReader(_tagger())
    assert fit_act(reader, _rows(0, 1), _rows(20, 2)).threshold == NEVER  # too few to certify
    fitted = fit_act(reader, _rows(8, 1), _rows(800, 2))
    assert fitted.odds is not None and fitted.threshold < NEVER
    assert fitted.bound >= 0.98 and fitted.checked == 800


def test_unplaced_content_words_are_counted_apart_from_speech() -> None:
    none = SlotFill({}, {})
    loose = ("um", "pls", "weekly", "hypothetically", "Please,")
    signs = frame_signs(0.9, 0.9, 0.0, 0.0, none, none, none, "x", loose, 1.0)
    vector = dict(zip(SIGNS, signs.vector, strict=True))
    assert vector["content"] == 2.0


def test_words_of_the_tools_own_phrases_are_not_content_a_request_adds() -> None:
    from assistant_sdk.reading.examples import carrier_words
    from assistant_sdk.types import Tool

    directions = Tool(
        "get_directions",
        "Directions to a place.",
        "maps",
        {"type": "object", "properties": {"destination": {"type": "string"}}},
        examples=("directions to {destination} by car", "take me to 5 Main Street"),
    )
    carrier = carrier_words(directions)
    assert {"directions", "to", "by", "car"} <= carrier and "main" not in carrier
    none = SlotFill({}, {})
    loose = ("by", "car", "weekly")
    signs = frame_signs(0.9, 0.9, 0.0, 0.0, none, none, none, "x", loose, 1.0, carrier)
    assert dict(zip(SIGNS, signs.vector, strict=True))["content"] == 1.0


def test_no_value_read_is_no_evidence_about_the_spans() -> None:
    rules = SlotFill({}, {}, missing=("time",))
    learned = SlotFill({"time": "07:00"}, {"time": Filled("reader:time", 0.9)})
    none = SlotFill({}, {})
    read = frame_signs(0.9, 0.99, 0.0, 0.0, rules, learned, learned, "alarm at 7", (), 1.0)
    empty = frame_signs(0.9, 1.0, 0.0, 0.0, rules, none, rules, "pause it", (), 1.0)
    span = SIGNS.index("span")
    assert read.vector[span] > 4.0  # log-odds of 0.99
    assert empty.vector[span] == 0.0  # the lowest of no confidences says nothing


def test_the_refusal_peak_is_weighed_as_log_odds() -> None:
    """A condition the best path missed shows as a small peak; its log-odds keep 0.02 apart
    from 0.0005, which a weight on the probability could hardly tell apart."""
    none = SlotFill({}, {})
    peak = SIGNS.index("refusal_peak")

    def sign(p: float) -> float:
        return frame_signs(0.9, 1.0, 0.0, p, none, none, none, "pause it", (), 1.0).vector[peak]

    assert sign(0.02) - sign(0.0005) > 3.0
    assert sign(0.5) == 0.0
