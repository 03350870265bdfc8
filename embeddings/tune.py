"""Choose, on the machine that builds it, the fastest encoder variant that keeps parity.

int8 dynamic quantisation is fast or slow depending on the CPU's instructions (VNNI, AVX-512,
AVX2), and on some CPUs a quantised kernel also drifts further from the fp32 model. So the
build does not assume: it writes each candidate (int8 per-channel, int8 per-tensor, fp32),
checks each against the fp32 graph on ``PARITY_SENTENCES`` (every sentence's cosine at least
``MIN_COSINE``, their mean at least ``MEAN_COSINE``), times one-sentence queries with one and
two intra-op threads, interleaved so a busy machine slows every candidate alike, and keeps the
fastest that passes. The choice (variant, threads, every trial, the CPU) goes into the model
folder's ``meta.json``; the variant is part of the model's fingerprint, the thread count is what
``OnnxEmbedder`` uses by default.

Works on whatever graph the export produced: parity compares its ``embedding`` output (or its
first), timing runs the graph as the embedder does.
"""

from __future__ import annotations

import os
import platform
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "MEAN_COSINE",
    "MIN_COSINE",
    "PARITY_SENTENCES",
    "Choice",
    "Trial",
    "choose_variant",
    "cpu_info",
    "pick",
]

VARIANTS = ("int8-per-channel", "int8-per-tensor", "fp32")
"""Candidates in order of preference when their speeds tie."""
THREADS = (1, 2)
MIN_COSINE = 0.98
"""Every parity sentence's cosine to the fp32 model must reach this..."""
MEAN_COSINE = 0.99
"""...and their mean this (the int8 per-channel MiniLM gives about 0.988 / 0.993)."""
TIE = 0.05
"""Candidates within 5% of the fastest p50 count as tied: fewer threads, then preference wins."""
ROUNDS = 3

PARITY_SENTENCES = (
    "set an alarm for 7",
    "wake me up at six thirty tomorrow",
    "text mom I'm running late",
    "send a message to John saying thanks",
    "book me a ride home",
    "get me an uber to the airport",
    "what's on my calendar tomorrow",
    "cancel my 3pm meeting",
    "play some jazz",
    "add this song to my workout playlist",
    "what's the weather like in Paris",
    "will it rain this weekend",
    "remind me to buy milk tonight",
    "create a note called packing",
    "find my note about the wifi password",
    "email my boss that I'll be late",
    "how much is a lyft to work",
    "start a timer for 20 minutes",
    "call John",
    "navigate home",
    "how do I top up my card",
    "my card has not arrived yet",
    "why was my transfer declined",
    "I want to close my account",
    "find the movie schedule for tonight",
    "book a table for two at eight",
    "turn up the volume",
    "read my new emails",
    "delete the conversation with Sam",
    "save this address as work",
    "Send a message. Parameters: contact, text. Examples: text Ana I'm on my way",
    "Book a ride to a destination with the user's preferred ride app, now or at a set time.",
    "Create a calendar event with a title, a start time, a duration and optional attendees.",
    "Look up the forecast for a place and a day: temperature, rain and wind.",
)

Progress = Callable[[str, float], None]
Key = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Trial:
    """One candidate measured on this machine."""

    variant: str
    threads: int
    min_cosine: float
    mean_cosine: float
    p50_ms: float | None
    """One-sentence query latency; None when parity failed (not timed)."""

    @property
    def passed(self) -> bool:
        return self.min_cosine >= MIN_COSINE and self.mean_cosine >= MEAN_COSINE


@dataclass(frozen=True, slots=True)
class Choice:
    """The kept candidate, every trial, and the CPU they were measured on."""

    variant: str
    threads: int
    trials: tuple[Trial, ...]
    cpu: dict[str, Any]

    def to_meta(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "threads": self.threads,
            "parity": {"min_cosine": MIN_COSINE, "mean_cosine": MEAN_COSINE},
            "trials": [asdict(t) for t in self.trials],
            "cpu": self.cpu,
        }


def cpu_info() -> dict[str, Any]:
    """The CPU's model name and the instruction sets int8 kernels depend on."""
    name, flags = platform.processor() or platform.machine(), set[str]()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    name = value.strip()
                elif key.strip() in ("flags", "Features"):
                    flags = set(value.split())
                    break
    except OSError:
        pass
    wanted = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_int8", "asimddp")
    return {
        "model": name,
        "cores": os.cpu_count(),
        "flags": sorted(f for f in wanted if f in flags),
    }


def pick(trials: Sequence[Trial]) -> Trial:
    """The fastest passing trial; near-ties go to fewer threads, then to ``VARIANTS`` order."""
    timed = [t for t in trials if t.passed and t.p50_ms is not None]
    if not timed:
        raise ValueError("no candidate passed the parity test")
    fastest = min(t.p50_ms or 0.0 for t in timed)
    tied = [t for t in timed if (t.p50_ms or 0.0) <= fastest * (1.0 + TIE)]
    return min(tied, key=lambda t: (t.threads, VARIANTS.index(t.variant), t.p50_ms))


def choose_variant(
    fp32: Path,
    tokenizer: Path,
    out: Path,
    *,
    variants: Sequence[str] = VARIANTS,
    threads: Sequence[int] = THREADS,
    progress: Progress | None = None,
) -> Choice:
    """Write the candidates beside ``fp32``, keep the fastest that passes as ``out``."""
    report = progress or (lambda stage, fraction: None)
    files = {v: fp32 if v == "fp32" else fp32.with_name(f"model-{v}.onnx") for v in variants}
    try:
        for n, (variant, path) in enumerate(files.items()):
            report(f"writing {variant}", n / (2 * len(files)))
            if variant != "fp32":
                _quantise(fp32, path, variant)
        report("measuring the variants on this CPU", 0.5)
        trials = _trials(fp32, files, _encode(tokenizer), threads)
        best = pick(trials)
        shutil.copy(files[best.variant], out)
        return Choice(best.variant, best.threads, tuple(trials), cpu_info())
    finally:
        for path in files.values():
            if path != fp32:
                path.unlink(missing_ok=True)


def _quantise(fp32: Path, out: Path, variant: str) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    per_channel = {"int8-per-channel": True, "int8-per-tensor": False}[variant]
    quantize_dynamic(str(fp32), str(out), per_channel=per_channel, weight_type=QuantType.QInt8)


def _encode(tokenizer: Path) -> list[dict[str, Any]]:
    """One unpadded feed per sentence, as the embedder feeds a single query."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer))
    tok.no_padding()
    tok.enable_truncation(max_length=128)
    feeds = []
    for sentence in PARITY_SENTENCES:
        e = tok.encode(sentence)
        feeds.append(
            {
                "input_ids": np.array([e.ids], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids], dtype=np.int64),
            }
        )
    return feeds


def _trials(
    fp32: Path, files: dict[str, Path], feeds: list[dict[str, Any]], threads: Sequence[int]
) -> list[Trial]:
    import onnxruntime as ort

    from .onnx import OnnxEmbedder

    reference = _embed(OnnxEmbedder._session(ort, fp32, 1), feeds)
    trials: list[Trial] = []
    sessions: dict[Key, Any] = {}
    for variant, path in files.items():
        cosine = np.sum(_embed(OnnxEmbedder._session(ort, path, 1), feeds) * reference, axis=1)
        failed = Trial(variant, threads[0], float(cosine.min()), float(cosine.mean()), None)
        if not failed.passed:
            trials.append(failed)
            continue
        for n in threads:
            sessions[(variant, n)] = OnnxEmbedder._session(ort, path, n)
            trials.append(Trial(variant, n, failed.min_cosine, failed.mean_cosine, None))
    times = _interleaved(sessions, feeds)
    return [replace(t, p50_ms=times.get((t.variant, t.threads))) for t in trials]


def _outputs(session: Any) -> list[str]:
    """The pooled vector, as the embedder asks for it (``embedding``, or the first output)."""
    names = [o.name for o in session.get_outputs()]
    return ["embedding"] if "embedding" in names else names[:1]


def _embed(session: Any, feeds: list[dict[str, Any]]) -> np.ndarray:
    wanted = _outputs(session)
    vectors = np.concatenate([session.run(wanted, _inputs(session, f))[0] for f in feeds])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float64)


def _inputs(session: Any, feed: dict[str, Any]) -> dict[str, Any]:
    names = {i.name for i in session.get_inputs()}
    return {k: v for k, v in feed.items() if k in names}


def _interleaved(sessions: dict[Key, Any], feeds: list[dict[str, Any]]) -> dict[Key, float]:
    """p50 ms of one-sentence runs, candidates taking turns sentence by sentence."""
    samples: dict[Key, list[float]] = {key: [] for key in sessions}
    inputs = {key: [_inputs(s, f) for f in feeds] for key, s in sessions.items()}
    outputs = {key: _outputs(s) for key, s in sessions.items()}
    for key, session in sessions.items():  # warm-up
        for feed in inputs[key][:5]:
            session.run(outputs[key], feed)
    for _ in range(ROUNDS):
        for n in range(len(feeds)):
            for key, session in sessions.items():
                started = time.perf_counter()
                session.run(outputs[key], inputs[key][n])
                samples[key].append((time.perf_counter() - started) * 1000.0)
    return {key: float(np.percentile(s, 50)) for key, s in samples.items()}
