"""The late-interaction second stage's arithmetic: MaxSim over card words, and the rerank."""

from __future__ import annotations

import numpy as np

from assistant_sdk.resolve.late import CardTokens, late_rerank, maxsim


def _unit(*rows: list[float]) -> np.ndarray:
    x = np.array(rows, dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_maxsim_is_the_mean_of_each_request_words_best_match_in_a_tool() -> None:
    # tool 0: words along x and y; tool 1: along z; tool 2: no words at all
    cards = CardTokens(_unit([1, 0, 0], [0, 1, 0], [0, 0, 1]).astype(np.float16),
                       np.array([0, 2, 3, 3]))  # fmt: skip
    query = _unit([1, 0, 0], [0, 0, 1])
    scores = maxsim(query, cards, np.array([0, 1, 2]))
    assert np.allclose(scores, [0.5, 0.5, 0.0], atol=1e-3)
    assert np.allclose(maxsim(query, cards, np.array([1, 0])), [0.5, 0.5], atol=1e-3)


def test_the_rerank_orders_the_staged_tools_by_both_stages_above_every_other_tool() -> None:
    first = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    top = np.array([0, 1, 2])
    out = late_rerank(first, np.array([0.0, 0.0, 9.0]), top, weight=3.0)
    order = np.argsort(-out, kind="stable").tolist()
    assert order[0] == 2  # the late stage lifted the third tool
    assert set(order[:3]) == {0, 1, 2} and order[3:] == [3, 4]
    unchanged = late_rerank(first, np.zeros(3), top, weight=1.0)
    assert np.argsort(-unchanged, kind="stable").tolist() == [0, 1, 2, 3, 4]
