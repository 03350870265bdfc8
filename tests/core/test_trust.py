"""Trust in the device's first candidate, fitted on simulated use: a logistic model of "the
first candidate is right" and the probability from which the device acts, bounded for a
target precision."""

from __future__ import annotations

import numpy as np
import pytest

from assistant_sdk.resolve.calibrate import Calibration, Labelled, Thresholds
from assistant_sdk.resolve.ranking import FusionWeights
from assistant_sdk.resolve.simulate import fit_use_trust, replay_use
from assistant_sdk.resolve.trust import (
    FEATURES,
    NO_TEMPLATE,
    TrustModel,
    fit_trust,
    learned_evidence,
    template_evidence,
    trust_features,
)
from assistant_sdk.resolve.use_rows import said_again

N_TOOLS = 12


def separable(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features whose lead says whether the first candidate is right (right ones lead by
    far more), over many tools."""
    rng = np.random.default_rng(seed)
    right = rng.random(n) < 0.6
    x = rng.normal(size=(n, len(FEATURES)))
    x[:, FEATURES.index("lead")] = np.where(right, 3.0, -3.0) + rng.normal(scale=0.5, size=n)
    return x, right, rng.integers(0, 40, size=n)


def test_the_model_trusts_a_first_candidate_the_evidence_says_is_right() -> None:
    x, right, groups = separable()
    model = fit_trust(x, right, groups)
    assert model is not None and model.threshold < 1.0
    sure, unsure = x[right][:1], x[~right][:1]
    assert model.trusts(sure[0]) and not model.trusts(unsure[0])


def test_evidence_that_says_nothing_gives_no_model() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(600, len(FEATURES)))
    right = rng.random(600) < 0.8  # right 80% of the time, whatever the features
    assert fit_trust(x, right, rng.integers(0, 40, size=600)) is None


def test_too_few_right_first_candidates_give_no_model() -> None:
    x, right, groups = separable(n=30)
    assert fit_trust(x, right, groups) is None


def test_a_fitted_model_is_saved_and_read_back_whole() -> None:
    x, right, groups = separable()
    model = fit_trust(x, right, groups)
    assert model is not None
    calibration = Calibration(trust=model)
    again = Calibration.from_dict(calibration.to_dict())
    assert again.trust == model


def test_a_calibration_saved_before_trust_models_keeps_the_confirmed_rule() -> None:
    saved = Calibration(thresholds=Thresholds(confirmed=0.9)).to_dict()
    assert "trust" not in saved
    assert Calibration.from_dict(saved).trust is None


@pytest.mark.parametrize(
    "bad",
    [
        {"features": ["lead"], "coefficients": [1.0]},
        {
            **TrustModel(
                (0.0,) * len(FEATURES), 0.0, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), 0.5
            ).to_dict(),
            "intercept": "x",
        },
        {
            **TrustModel(
                (0.0,) * len(FEATURES), 0.0, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), 0.5
            ).to_dict(),
            "scale": [0] * 9,
        },
        {
            **TrustModel(
                (0.0,) * len(FEATURES), 0.0, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), 0.5
            ).to_dict(),
            "mean": None,
        },
        [1, 2, 3],
    ],
)
def test_a_damaged_trust_model_is_refused_with_a_value_error(bad: object) -> None:
    with pytest.raises(ValueError, match="trust model"):
        TrustModel.from_dict(bad)


def test_the_features_read_the_first_candidate_and_its_learned_neighbours() -> None:
    scores = np.array([0.2, 0.9, 0.5])
    x = trust_features(scores, np.array([0.2, 0.4, 0.5]), 0.1, (0.8, -np.inf, 0.6), 3)
    named = dict(zip(FEATURES, x.tolist(), strict=True))
    assert named["top_score"] == 0.9 and named["lead"] == pytest.approx(0.4)
    assert named["nearest_mine"] == 0.8 and named["nearest_confirmed"] == 0.0
    assert named["nearest_is_mine"] == 1.0 and named["ranking_agrees"] == 0.0
    assert named["log_examples"] == pytest.approx(np.log(4))


def test_learned_neighbours_are_split_into_the_tool_its_confirmed_ones_and_others() -> None:
    learned = [("u:clock:a", 0.9), ("u:clock:b", 0.7), ("u:weather:c", 0.8)]
    assert learned_evidence(learned, "clock", frozenset({"u:clock:b"})) == (0.9, 0.7, 0.8)
    assert learned_evidence(learned, "rides", frozenset()) == (-np.inf, -np.inf, 0.9)


def stream(twins: int, per_tool: int = 30) -> tuple[list[Labelled], np.ndarray, np.ndarray]:
    """``per_tool`` requests per tool, close to one another and far from other tools',
    except that the first ``twins`` pairs of tools are asked for in the same words (no
    evidence can tell them apart). The ranking without personal examples puts the right tool
    first, by too little to be sure."""
    rng = np.random.default_rng(3)
    centres = np.linalg.qr(rng.normal(size=(64, 64)))[0][:N_TOOLS]
    rows, vectors, labels = [], [], []
    for _ in range(per_tool):
        for tool in range(N_TOOLS):
            said = tool - tool % 2 if tool < 2 * twins else tool
            v = centres[said] + rng.normal(scale=0.05, size=64)
            vectors.append(v / np.linalg.norm(v))
            labels.append(tool)
            dense = np.full(N_TOOLS, 0.2)
            dense[tool], dense[(tool + 1) % N_TOOLS] = 0.5, 0.45
            if tool < 2 * twins:  # a twin: both score alike
                dense[said : said + 2] = 0.5
            rows.append(Labelled(dense, np.zeros(N_TOOLS), None, tool, True, np.arange(N_TOOLS)))
    return rows, np.array(vectors), np.array(labels)


UNSURE = Thresholds(abstain=0.0, local=1.01, learned=1.01, personal=1.01)
WEIGHTS = FusionWeights(temperature=0.05)


def test_simulated_use_records_only_requests_whose_first_tool_has_learned_examples() -> None:
    rows, x, labels = stream(twins=0, per_tool=3)
    seen = replay_use(rows, x, labels, WEIGHTS, UNSURE, orders=1)
    # the first request of each tool has no learned example of any tool near it: not recorded
    assert len(seen.right) == len(rows) - N_TOOLS and seen.judged.all()
    assert seen.right.all()


def test_use_that_tells_tools_apart_is_trusted_and_use_that_cannot_is_not() -> None:
    rows, x, labels = stream(twins=3)
    model = fit_use_trust(rows, x, labels, WEIGHTS, UNSURE)
    assert model is not None
    seen = replay_use(rows, x, labels, WEIGHTS, UNSURE)
    trusted = model.probability(seen.x) >= model.threshold
    assert seen.right[trusted].mean() >= 0.97 and trusted.sum() >= (seen.groups >= 6).sum() / 2
    assert fit_use_trust(*stream(twins=N_TOOLS // 2), WEIGHTS, UNSURE) is None


def test_template_evidence_reads_the_first_tools_best_template_and_the_best_other() -> None:
    nearest = [("u:weather:a", 0.9), ("u:weather:b", 0.8), ("u:time:c", 0.85)]
    templates = {
        "u:weather:a": "how warm will it get",
        "u:weather:b": "weather in {city} tomorrow",
        "u:time:c": "time in {city}",
    }
    fit = template_evidence("weather in Lima tomorrow", nearest, templates, "weather")
    mine, rest, other, said = fit
    assert mine == 1.0 and rest == pytest.approx(1 / 4) and other == pytest.approx(1 / 2)
    assert said == 1.0  # "weather in {city} tomorrow", its value in its place
    assert template_evidence("weather", [], templates, "weather") == NO_TEMPLATE


def test_calibration_requests_with_known_calls_are_said_again_with_another_calls_values() -> None:
    rows = [("weather in Oslo", "weather"), ("forecast for Rome", "weather"),
            ("time in Lima", "clock"), ("hello", None)]  # fmt: skip
    calls = {"weather in Oslo": {"city": "Oslo"}, "forecast for Rome": {"city": "Rome"},
             "time in Lima": {"city": "Lima"}}  # fmt: skip
    again = said_again(rows, calls, times=1)
    # the clock has one call only: nothing to take other values from
    assert sorted((text, tool) for text, tool, _ in again) == [
        ("forecast for Oslo", "weather"),
        ("weather in Rome", "weather"),
    ]


def test_simulated_use_records_how_requests_fit_the_learned_templates() -> None:
    rows, x, labels = stream(twins=0, per_tool=3)
    texts = [f"do thing {label} now" for label in labels]
    seen = replay_use(rows, x, labels, WEIGHTS, UNSURE, orders=1, said=(texts, texts))
    assert (seen.x[:, FEATURES.index("template_mine")] == 1.0).all()
    assert (seen.x[:, FEATURES.index("template_rest")] == 0.0).all()


def test_a_trust_model_saved_over_other_features_loads_as_none() -> None:
    x, right, groups = separable()
    model = fit_trust(x, right, groups)
    assert model is not None
    saved = Calibration(trust=model).to_dict()
    saved["trust"]["features"] = list(FEATURES[:9])  # type: ignore[index]
    assert Calibration.from_dict(saved).trust is None


def test_requests_said_whole_are_trusted_on_their_own_where_they_reach_the_bound() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(600, len(FEATURES)))
    right = rng.random(600) < 0.8  # the features say nothing: no probability is trusted
    said = FEATURES.index("template_said")
    x[:, said] = 0.0
    x[:300, said], right[:300] = 1.0, True  # but every request said whole was right
    model = fit_trust(x, right, rng.integers(0, 40, size=600))
    assert model is not None and model.said_whole
    assert Calibration.from_dict(Calibration(trust=model).to_dict()).trust == model
    n = len(FEATURES)
    rule = TrustModel((0.0,) * n, -10.0, (0.0,) * n, (1.0,) * n, 1.01, said_whole=True)
    assert rule.trusts(x[0]) and not rule.trusts(x[-1])  # whatever the probability
    right[:20] = False  # said whole, and wrong 1 time in 15: neither model nor rule
    assert fit_trust(x, right, rng.integers(0, 40, size=600)) is None
