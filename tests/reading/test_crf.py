"""The CRF's forward-backward: marginals are probabilities, gradients match the likelihood."""

from __future__ import annotations

import itertools
import threading

import numpy as np

from assistant_sdk.reading._crf import crf_gradients, marginals


def _brute_log_z(emit: np.ndarray, moves: np.ndarray) -> float:
    k = emit.shape[1]
    totals = []
    for path in itertools.product(range(k), repeat=len(emit)):
        s = moves[-1, path[0]] + sum(emit[t, p] for t, p in enumerate(path))
        s += sum(moves[a, b] for a, b in itertools.pairwise(path))
        totals.append(s)
    return float(np.log(np.exp(np.array(totals, dtype=np.float64)).sum()))


def _setup() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    return rng.normal(0, 1, (4, 3)).astype(np.float32), rng.normal(0, 1, (4, 3)).astype(np.float32)


def test_marginals_sum_to_one_and_match_enumerating_every_path() -> None:
    emit, moves = _setup()
    probs = marginals(emit, moves)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    eps = 1e-3
    bumped = emit.copy()
    bumped[2, 1] += eps
    numeric = (_brute_log_z(bumped, moves) - _brute_log_z(emit, moves)) / eps
    assert abs(numeric - probs[2, 1]) < 1e-2


def test_the_likelihood_gradient_matches_finite_differences_with_padding() -> None:
    emit, moves = _setup()
    tags = np.array([[0, 2, 1, 0], [1, 1, 0, 0]])
    mask = np.array([[True] * 4, [True, True, True, False]])
    batch = np.stack([emit, emit[::-1].copy()])
    d_emit, d_moves, loss = crf_gradients(batch, moves, mask, tags)

    def nll(e: np.ndarray, m: np.ndarray) -> float:
        out = 0.0
        for n in range(2):
            length = int(mask[n].sum())
            path = tags[n, :length]
            s = m[-1, path[0]] + sum(e[n, t, p] for t, p in enumerate(path))
            s += sum(m[a, b] for a, b in itertools.pairwise(path))
            out += _brute_log_z(e[n, :length], m) - s
        return out / 2

    assert abs(loss - nll(batch, moves)) < 1e-3
    eps = 1e-3
    for n, t, k in [(0, 1, 2), (1, 2, 0), (0, 3, 1)]:
        bumped = batch.copy()
        bumped[n, t, k] += eps
        assert abs((nll(bumped, moves) - nll(batch, moves)) / eps - d_emit[n, t, k]) < 1e-2
    assert d_emit[1, 3].tolist() == [0.0, 0.0, 0.0]  # a padded position gets no gradient
    for a, b in [(0, 2), (3, 1), (2, 2)]:
        bumped = moves.copy()
        bumped[a, b] += eps
        assert abs((nll(batch, bumped) - nll(batch, moves)) / eps - d_moves[a, b]) < 1e-2


def test_one_blas_thread_can_be_entered_again_inside_itself() -> None:
    from assistant_sdk.reading._blas import one_blas_thread

    done = threading.Event()

    def nested() -> None:
        with one_blas_thread(), one_blas_thread():
            done.set()

    worker = threading.Thread(target=nested, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert done.is_set()
