"""Linear-chain CRF arithmetic over padded batches: scaled forward-backward marginals and the
gradients of the sequence log-likelihood.

Scores are ``emit (batch, time, tags)`` and ``moves (tags + 1, tags)`` (last row: the start;
a barred move scores -1e4, probability zero); ``mask (batch, time)`` marks the real positions,
left-aligned. The recursions run in probability space, rescaled at every step (the classical
HMM scaling), so each step is one small matrix product. Pure numpy.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["crf_gradients", "marginals"]

F32 = NDArray[np.float32]
I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]


def _forward_backward(emit: F32, moves: F32, mask: Mask) -> tuple[F32, F32, F32, F32, F32]:
    """Scaled ``alpha``, ``beta``, the per-position emission factors, the step scales
    ``(batch, time)`` and ``log_z`` (batch)."""
    n, length, _ = emit.shape
    top = emit.max(axis=2, keepdims=True)
    factor = np.exp(emit - top)
    step = np.exp(moves[:-1])
    alpha = np.empty_like(emit)
    beta = np.ones_like(emit)
    scale = np.ones((n, length), np.float32)
    first = np.exp(moves[-1]) * factor[:, 0]
    scale[:, 0] = first.sum(axis=1)
    alpha[:, 0] = first / scale[:, 0, None]
    for t in range(1, length):
        live = mask[:, t]
        nxt = (alpha[:, t - 1] @ step) * factor[:, t]
        total = np.where(live, nxt.sum(axis=1), 1.0)
        scale[:, t] = total
        alpha[:, t] = np.where(live[:, None], nxt / total[:, None], alpha[:, t - 1])
    for t in range(length - 2, -1, -1):
        live = mask[:, t + 1]
        back = ((factor[:, t + 1] * beta[:, t + 1]) @ step.T) / scale[:, t + 1, None]
        beta[:, t] = np.where(live[:, None], back, 1.0)
    log_z = np.log(scale).sum(axis=1) + (top[..., 0] * mask).sum(axis=1)
    return alpha, beta, factor, scale, log_z


def marginals(emit: F32, moves: F32) -> F32:
    """Per-position tag probabilities of one sequence ``emit (time, tags)``."""
    e = emit.astype(np.float32)[None]
    alpha, beta, _, _, _ = _forward_backward(e, moves, np.ones(e.shape[:2], bool))
    node = alpha[0] * beta[0]
    out: F32 = node / node.sum(axis=1, keepdims=True)
    return out


def crf_gradients(emit: F32, moves: F32, mask: Mask, tags: I64) -> tuple[F32, F32, float]:
    """Gradients of the mean negative log-likelihood w.r.t. ``emit`` and ``moves``, and the loss."""
    n, length, _ = emit.shape
    alpha, beta, factor, scale, log_z = _forward_backward(emit, moves, mask)
    node = alpha * beta
    node /= node.sum(axis=2, keepdims=True)
    node *= mask[..., None]
    gold = np.zeros_like(emit)
    gold[np.arange(n)[:, None], np.arange(length)[None], tags] = 1.0
    gold *= mask[..., None]
    d_moves = np.zeros_like(moves)
    d_moves[-1] = (node[:, 0] - gold[:, 0]).sum(axis=0)
    live = mask[:, 1:]
    before = alpha[:, :-1][live]
    after = (factor[:, 1:] * beta[:, 1:] / scale[:, 1:, None])[live]
    d_moves[:-1] = np.exp(moves[:-1]) * (before.T @ after)
    np.add.at(d_moves, (tags[:, :-1][live], tags[:, 1:][live]), -1.0)
    score = (emit * gold).sum(axis=(1, 2)) + moves[-1][tags[:, 0]]
    score += (moves[tags[:, :-1], tags[:, 1:]] * live).sum(axis=1)
    loss = float((log_z - score).mean())
    return (node - gold) / n, d_moves / n, loss
