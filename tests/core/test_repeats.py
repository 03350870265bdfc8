"""Repeats of a confirmed ranking: when the engine agreed with the device's first tool for a
request, a close request ranked the same way may be decided on the device."""

from __future__ import annotations

import numpy as np

from assistant_sdk.resolve.calibrate import Labelled, cross_similarities
from assistant_sdk.resolve.ranking import FusionWeights
from assistant_sdk.resolve.repeats import Confirmations, evidence, fit_confirmed, trusted

N_TOOLS = 10


def stream(ranked_right: bool) -> tuple[list[Labelled], np.ndarray, np.ndarray]:
    """Three requests per tool, near one another (similarity about 0.9) and far from other
    tools'; the ranking puts the right tool first (``ranked_right``) or the next one."""
    rng = np.random.default_rng(3)
    centres = np.linalg.qr(rng.normal(size=(64, 64)))[0][:N_TOOLS]
    rows, vectors, labels = [], [], []
    for tool in range(N_TOOLS):
        for _ in range(3):
            v = centres[tool] + rng.normal(scale=0.03, size=64)
            vectors.append(v / np.linalg.norm(v))
            labels.append(tool)
            dense = np.full(N_TOOLS, 0.2)
            dense[tool if ranked_right else (tool + 1) % N_TOOLS] = 0.8
            rows.append(Labelled(dense, np.zeros(N_TOOLS), None, tool, True, np.arange(N_TOOLS)))
    return rows, np.array(vectors), np.array(labels)


def test_the_confirmed_threshold_trusts_close_neighbours_when_the_ranking_was_right() -> None:
    rows, x, labels = stream(ranked_right=True)
    threshold, weight = fit_confirmed(rows, x, labels, FusionWeights())
    nearest = (x @ x.T - 2 * np.eye(len(x))).max(axis=1)
    assert weight == 0.0 and 0.5 < threshold <= nearest.min()


def test_a_ranking_the_engine_never_confirmed_is_never_trusted() -> None:
    rows, x, labels = stream(ranked_right=False)
    assert fit_confirmed(rows, x, labels, FusionWeights()) == (1.01, 0.0)


def test_requests_under_the_abstention_score_carry_no_evidence() -> None:
    rows, x, labels = stream(ranked_right=True)
    assert fit_confirmed(rows, x, labels, FusionWeights(), abstain=0.9) == (1.01, 0.0)


def test_a_clear_lead_of_the_ranking_is_weighed_when_closeness_alone_misleads() -> None:
    """Some requests look like another tool's (near its requests, ranked for it by a hair)
    but are not: closeness cannot tell them apart, the ranking's lead can."""
    rows, x, labels = stream(ranked_right=True)
    for n in range(0, len(rows) - 3, 6):
        lookalike = (int(labels[n]) + 1) % N_TOOLS
        x[n] = x[n + 3] + 0.01 * x[n]
        x[n] /= np.linalg.norm(x[n])
        dense = np.full(N_TOOLS, 0.2)
        dense[lookalike], dense[labels[n]] = 0.81, 0.8
        rows[n] = Labelled(dense, np.zeros(N_TOOLS), None, int(labels[n]), True, rows[n].tools)
    threshold, weight = fit_confirmed(rows, x, labels, FusionWeights())
    assert weight > 0.0
    lookalike = float(x[0] @ x[3])
    alike = float(x[1] @ x[2])  # two requests of one tool, ranked for it
    assert evidence(lookalike, 0.01, weight) < threshold <= evidence(alike, 0.6, weight)


def test_a_closer_example_of_another_tool_withholds_the_evidence() -> None:
    assert trusted(0.9, 0.5)
    assert not trusted(0.7, 0.8) and not trusted(0.8, 0.8)
    assert not trusted(-np.inf, -np.inf)


def test_each_example_is_checked_once_and_again_when_the_ranking_changes() -> None:
    asked: list[str] = []

    def top_of(text: str) -> str | None:
        asked.append(text)
        return "clock" if "time" in text else "weather"

    confirmations = Confirmations()
    examples = {"u:clock:1": ("clock", "the time please"), "u:clock:2": ("clock", "rain?")}
    assert confirmations.entries(examples, "ranking", top_of) == {"u:clock:1"}
    assert confirmations.entries(examples, "ranking", top_of) == {"u:clock:1"}
    assert len(asked) == 2
    assert confirmations.entries(examples, "refitted", top_of) == {"u:clock:1"}
    assert len(asked) == 4
    fewer = {"u:clock:2": ("clock", "rain?")}
    assert confirmations.entries(fewer, "refitted", top_of) == frozenset()
    assert len(asked) == 4


def test_requests_are_compared_with_the_others_as_learning_would_keep_them() -> None:
    asked = np.eye(2)
    learned_as = np.array([[0.0, 1.0], [1.0, 0.0]])  # each kept in the other's words
    sims = cross_similarities(asked, learned_as)
    assert np.isneginf(np.diag(sims)).all()
    assert sims[0, 1] == 1.0 and sims[1, 0] == 1.0
    assert cross_similarities(asked)[0, 1] == 0.0
