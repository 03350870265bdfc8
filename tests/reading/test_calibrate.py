"""The act and refusal thresholds come from confidence bounds, so one row cannot move them."""

from __future__ import annotations

import numpy as np

from assistant_sdk.reading.calibrate import (
    NEVER,
    act_threshold,
    refusal_threshold,
    wilson_lower,
    wilson_upper,
)


def test_the_wilson_bounds_hold_the_observed_share_between_them() -> None:
    low, high = float(wilson_lower(90, 100)), float(wilson_upper(90, 100))
    assert low < 0.9 < high and low > 0.8 and high < 0.96


def test_a_perfect_record_on_few_rows_is_not_trusted_for_a_high_precision() -> None:
    scores = [0.9, 0.8, 0.7, 0.6, 0.5]
    assert act_threshold(scores, [True] * 5, 0.98) == NEVER


def test_many_right_rows_let_the_device_act_down_to_the_first_wrong_ones() -> None:
    scores = list(np.linspace(1.0, 0.5, 400))
    right = [True] * 300 + [False] * 100
    threshold = act_threshold(scores, right, 0.98)
    accepted = [r for s, r in zip(scores, right, strict=True) if s >= threshold]
    assert 300 <= len(accepted) < 320 and sum(accepted) / len(accepted) >= 0.98


def test_rows_sharing_a_score_are_accepted_or_refused_together() -> None:
    scores = [0.9] * 300 + [0.5] * 10
    right = [True] * 300 + [True] * 5 + [False] * 5
    assert act_threshold(scores, right, 0.98) == 0.9


def test_one_in_scope_request_that_looks_refused_does_not_set_the_refusal_threshold() -> None:
    in_scope = [0.05] * 299 + [0.9993]
    assert refusal_threshold(in_scope, floor=0.7, rate=0.02) == 0.7


def test_a_reader_that_sees_refusals_everywhere_is_held_back_by_the_threshold() -> None:
    in_scope = [0.95] * 100 + [0.1] * 100
    assert refusal_threshold(in_scope, floor=0.7, rate=0.02) > 0.95


def test_with_no_in_scope_requests_the_refusal_floor_stands() -> None:
    assert refusal_threshold([], floor=0.7, rate=0.02) == 0.7


def test_the_best_lower_bound_says_how_near_rows_came_to_certifying_a_precision() -> None:
    from assistant_sdk.reading.calibrate import best_lower

    few = best_lower([0.9] * 10, [True] * 10)
    many = best_lower([0.9] * 300, [True] * 300)
    assert 0.0 < few < 0.98 <= many
    assert best_lower([], []) == 0.0
    assert best_lower([0.9, 0.8], [False, True]) < few
