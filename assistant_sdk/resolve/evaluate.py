"""Benchmark resolution on a labelled request set (the ``assistant-sdk eval`` command).

Rows are JSON Lines ``{"text", "intent", "split"}`` with splits ``train`` / ``val`` / ``test``;
intent ``oos`` marks requests no tool should take. One tool per in-scope intent; K train rows
per intent become its example phrases; ``val`` calibrates; ``test`` is reported.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np

from ..errors import ConfigurationError
from ..reading.examples import index_examples
from ..tools import ToolRegistry, split_identifier, tool_card
from ..types import Decision, Tool

if TYPE_CHECKING:
    from embeddings.base import Embedder

    from .resolver import Resolver

__all__ = ["EvalReport", "LabelledRow", "evaluate", "load_dataset", "tools_for_dataset"]

OOS = "oos"
_SPLITS = frozenset({"train", "val", "test"})


@dataclass(frozen=True, slots=True)
class LabelledRow:
    text: str
    intent: str
    split: str


@dataclass(frozen=True, slots=True)
class EvalReport:
    dataset: str
    shots: int | None
    seed: int
    n_tools: int
    n_queries: int
    top1: float
    recall_at_5: float
    accuracy: float
    oos_recall: float | None
    abstain_rate: float
    local_rate: float
    local_precision: float | None
    resolve_ms_p50: float
    resolve_ms_p99: float
    index_build_s: float
    fit_s: float
    adapted: bool = False
    adapt_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_dataset(path: Path) -> list[LabelledRow]:
    """Read a labelled set; a malformed line raises ``ConfigurationError`` naming it."""

    def parse(data: Any) -> LabelledRow:
        try:
            row = LabelledRow(str(data["text"]), str(data["intent"]), str(data["split"]))
        except (KeyError, TypeError) as exc:
            problem = f"expected a JSON object with text, intent and split ({exc})"
            raise ValueError(problem) from None
        if row.split not in _SPLITS:
            raise ValueError(f"unknown split {row.split!r}")
        return row

    return read_split_rows(path, parse)


class _Split(Protocol):
    @property
    def split(self) -> str: ...


_Row = TypeVar("_Row", bound=_Split)


def read_split_rows(path: Path, parse: Callable[[Any], _Row]) -> list[_Row]:
    """Each non-blank JSON line of ``path`` made a row by ``parse``. A line that is not JSON, or
    that ``parse`` refuses with a ``ValueError``, raises ``ConfigurationError`` naming the file
    and line; so does a set without test rows to report on."""
    rows: list[_Row] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append(parse(json.loads(line)))
            except ValueError as exc:  # json.JSONDecodeError is one
                raise ConfigurationError(f"{path}:{number}: {exc}") from None
    if not any(r.split == "test" for r in rows):
        raise ConfigurationError(f"{path}: no test rows to report on")
    return rows


def tool_name(intent: str) -> str:
    """A tool name the cloud APIs accept, derived from an intent label."""
    return re.sub(r"[^a-zA-Z0-9_-]", "_", intent)[:64] or "intent"


def tools_for_dataset(
    rows: Sequence[LabelledRow],
    shots: int | None,
    seed: int,
    manifest: Sequence[Tool] | None = None,
) -> list[Tool]:
    """One tool per in-scope intent with K train examples (``shots=None``: all of them)."""
    intents = sorted({r.intent for r in rows if r.intent != OOS})
    described = {t.name: t for t in manifest or ()}
    tools = []
    for intent in intents:
        pool = [r.text for r in rows if r.split == "train" and r.intent == intent]
        rng = random.Random(f"{seed}:{intent}")
        examples = pool if shots is None else rng.sample(pool, min(shots, len(pool)))
        base = described.get(intent) or described.get(tool_name(intent))
        tools.append(
            Tool(
                name=tool_name(intent),
                description=base.description if base else split_identifier(intent),
                app="eval",
                parameters=base.parameters if base else {"type": "object", "properties": {}},
                examples=tuple(dict.fromkeys([*(base.examples if base else ()), *examples])),
            )
        )
    return tools


def evaluate(
    dataset: Path,
    embedder: Embedder,
    *,
    shots: int | None = 5,
    seed: int = 0,
    manifest: Sequence[Tool] | None = None,
    adapt_cache: Path | None = None,
) -> EvalReport:
    """Build, calibrate and score a resolver on ``dataset``.

    With ``adapt_cache`` (a cache folder) the encoder is first adapted to the examples
    (``embeddings.adapt``; needs the ``build`` extra) and the adapted model is used.
    """
    from .resolver import Resolver

    rows = load_dataset(dataset)
    registry = ToolRegistry(tools_for_dataset(rows, shots, seed, manifest))
    started = time.perf_counter()
    adapted = adapt_cache is not None and any(t.examples for t in registry)
    if adapted and adapt_cache is not None:
        embedder = _adapted_embedder(registry, adapt_cache)
    adapt_s = time.perf_counter() - started
    resolver = Resolver(embedder, registry)
    started = time.perf_counter()
    resolver.build()
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    val = [
        (r.text, None if r.intent == OOS else tool_name(r.intent)) for r in rows if r.split == "val"
    ]
    resolver.fit(val)
    fit_s = time.perf_counter() - started
    test = [r for r in rows if r.split == "test"]
    report = _score(dataset.name, shots, seed, resolver, test, build_s, fit_s)
    return replace(report, adapted=adapted, adapt_s=adapt_s)


def _adapted_embedder(registry: ToolRegistry, cache: Path) -> Embedder:
    from embeddings.adapt import adapt_model
    from embeddings.onnx import OnnxEmbedder

    pairs = [(text, t.name) for t in registry for text in (tool_card(t), *index_examples(t))]
    model_dir = adapt_model([text for text, _ in pairs], [name for _, name in pairs], cache)
    return OnnxEmbedder(model_dir)


def _score(
    name: str,
    shots: int | None,
    seed: int,
    resolver: Resolver,
    test: Sequence[LabelledRow],
    build_s: float,
    fit_s: float,
) -> EvalReport:
    top1, recall5, correct, abstained, oos_hits, local, local_right, times = ([] for _ in range(8))
    for row in test:
        res = resolver.resolve(row.text)
        times.append(res.elapsed_ms)
        names = [c.tool.name for c in res.candidates]
        out = res.decision is Decision.OUT_OF_SCOPE
        abstained.append(out)
        if row.intent == OOS:
            oos_hits.append(out)
            correct.append(out)
            continue
        right = bool(names) and names[0] == tool_name(row.intent)
        top1.append(right)
        recall5.append(tool_name(row.intent) in names[:5])
        correct.append(right and not out)
        if res.decision is Decision.LOCAL:
            local.append(True)
            local_right.append(right)
    return EvalReport(
        dataset=name,
        shots=shots,
        seed=seed,
        n_tools=len(resolver.tools),
        n_queries=len(test),
        top1=_mean(top1),
        recall_at_5=_mean(recall5),
        accuracy=_mean(correct),
        oos_recall=_mean(oos_hits) if oos_hits else None,
        abstain_rate=_mean(abstained),
        local_rate=len(local) / max(len(test), 1),
        local_precision=_mean(local_right) if local_right else None,
        resolve_ms_p50=float(np.percentile(times, 50)),
        resolve_ms_p99=float(np.percentile(times, 99)),
        index_build_s=build_s,
        fit_s=fit_s,
    )


def _mean(values: Sequence[bool]) -> float:
    return float(np.mean(values)) if values else 0.0
