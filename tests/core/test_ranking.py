import numpy as np

from assistant_sdk.resolve.calibrate import (
    Labelled,
    Thresholds,
    decide,
    fit_calibration,
    fit_personal,
    leave_one_out,
)
from assistant_sdk.resolve.ranking import BM25, FusionWeights, fuse, softmax, tokenize, train_head
from assistant_sdk.types import Decision


def test_tokenize_lowercases_and_drops_function_words() -> None:
    assert tokenize("Book me a RIDE to the airport") == ["book", "ride", "airport"]


def test_bm25_ranks_the_document_sharing_rare_terms_first_and_normalises_to_one() -> None:
    bm25 = BM25(["book a ride taxi", "send a text message", "set an alarm clock"])
    docs, scores = bm25.scores("text message to mom")
    assert docs[np.argmax(scores)] == 1
    assert 0 < scores.max() <= 1.0


def test_bm25_returns_nothing_for_a_query_without_known_terms() -> None:
    docs, scores = BM25(["book a ride"]).scores("zzz qqq")
    assert docs.size == 0 and scores.size == 0


def test_fusion_adds_weighted_evidence_and_softmax_sums_to_one() -> None:
    scores = fuse(np.array([0.8, 0.5]), np.array([0.0, 1.0]), None, FusionWeights(1.0, 0.5))
    assert np.allclose(scores, [0.8, 1.0])
    probs = softmax(scores, 0.1)
    assert abs(probs.sum() - 1.0) < 1e-9 and probs[1] > probs[0]


def test_a_trained_head_separates_two_clusters() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal([1, 0, 0], 0.1, (20, 3))
    b = rng.normal([0, 1, 0], 0.1, (20, 3))
    x = np.vstack([a, b]).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    head = train_head(x, ["a"] * 20 + ["b"] * 20)
    assert head.classes == ("a", "b")
    assert np.argmax(head.log_probs(np.array([0.9, 0.1, 0.0], dtype=np.float32))) == 0


def test_decisions_follow_the_thresholds() -> None:
    t = Thresholds(abstain=0.3, local=0.7, clarify=0.25)
    assert decide([0.9, 0.05], 0.8, t) is Decision.LOCAL
    assert decide([0.45, 0.4], 0.8, t) is Decision.CLARIFY
    assert decide([0.4, 0.1], 0.8, t) is Decision.ENGINE
    assert decide([0.9], 0.1, t) is Decision.OUT_OF_SCOPE
    assert decide([], None, t) is Decision.OUT_OF_SCOPE


def _row(target_score: float, other: float, in_scope: bool = True) -> Labelled:
    return Labelled(
        dense=np.array([target_score, other]),
        lexical=np.zeros(2),
        head=None,
        target=0 if in_scope else None,
        in_scope=in_scope,
    )


def test_calibration_learns_to_abstain_below_the_scores_of_in_scope_requests() -> None:
    rows = [_row(0.8, 0.3) for _ in range(30)] + [_row(0.2, 0.1, False) for _ in range(30)]
    calibration = fit_calibration(rows)
    assert 0.2 <= calibration.thresholds.abstain <= 0.8
    assert calibration.fitted


def test_calibration_never_trusts_local_handling_when_validation_is_mostly_wrong() -> None:
    rows = [_row(0.4, 0.6) for _ in range(30)]
    assert fit_calibration(rows).thresholds.local > 1.0


def test_a_close_personal_example_decides_local_unless_another_tool_has_a_closer_one() -> None:
    t = Thresholds(abstain=0.3, local=0.99, clarify=0.25, personal=0.8)
    assert decide([0.5, 0.3], 0.8, t) is Decision.ENGINE
    assert decide([0.5, 0.3], 0.8, t, personal=(0.9, 0.2)) is Decision.LOCAL
    assert decide([0.5, 0.3], 0.8, t, personal=(0.9, 0.95)) is not Decision.LOCAL
    assert decide([0.5, 0.3], 0.8, t, personal=(0.7, 0.0)) is not Decision.LOCAL


def test_with_personal_examples_among_the_evidence_the_learned_threshold_stands_for_local() -> None:
    t = Thresholds(abstain=0.3, local=0.7, learned=0.95, personal=0.99)
    assert decide([0.8, 0.1], 0.8, t) is Decision.LOCAL
    assert decide([0.8, 0.1], 0.8, t, personal=(0.5, 0.4)) is not Decision.LOCAL
    assert decide([0.96, 0.01], 0.8, t, personal=(0.5, 0.4)) is Decision.LOCAL


def test_the_personal_threshold_is_where_the_nearest_other_request_names_the_same_tool() -> None:
    """Pairs of requests for one tool are near-duplicates (similarity 0.9); unrelated requests
    of other tools lie at 0.6 from one another. Trusting 0.9 is always right, 0.6 is not."""
    rng = np.random.default_rng(1)
    n_tools, vectors, labels = 12, [], []
    centres = np.linalg.qr(rng.normal(size=(64, 64)))[0][:n_tools]
    for tool in range(n_tools):
        for _ in range(2):
            v = centres[tool] + rng.normal(scale=0.02, size=64)
            vectors.append(v / np.linalg.norm(v))
            labels.append(tool)
    x = np.array(vectors)
    rows = [
        Labelled(np.full(n_tools, 0.3), np.zeros(n_tools), None, label, True, np.arange(n_tools))
        for label in labels
    ]
    personal = leave_one_out(rows, x, np.array(labels), n_tools)
    threshold = fit_personal(rows, personal, FusionWeights())
    nearest = (x @ x.T - 2 * np.eye(len(x))).max(axis=1)
    assert threshold <= nearest.min() and threshold > 0.5
    shuffled = np.array(labels)[rng.permutation(len(labels))]  # the neighbour names another tool
    wrong = leave_one_out(rows, x, shuffled, n_tools)
    assert fit_personal(rows, wrong, FusionWeights()) > 1.0
