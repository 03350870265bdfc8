"""On-device planning over the sample apps, on the labelled set in ``benchmarks/data``.

python -m benchmarks.bench_planning [--show-misses] [--seed N] [--set NAME]

Three labelled sets: ``planning.jsonl`` (243 requests, used while the planner was built),
``planning_holdout.jsonl`` (118 requests written separately, in another voice, by someone who
had not read the planner) and ``planning_fresh.jsonl`` (191, written later the same way, from
the tools' schemas and the demo profile alone); the first runs of both are kept in
docs/benchmarks.md.
Every request goes through the real ``Assistant`` with no engine, the demo profile, and a
confirmation callback that records each question and declines it. Reported:

- ``simple_on_device``: share of the simple requests the device planned and ran, zero tokens;
- ``exact_arguments``: share of those with exactly the labelled tool and arguments;
- ``wrong_action_rate``: device actions (over every request) with the wrong tool or
  arguments, or taken on a request that needed the cloud or a clarifying question;
- ``clarified``: share of the ambiguous requests answered with the right question;
- ``destructive_unconfirmed``: destructive calls that ran without the user's yes (must be 0);
- ``baseline_engine_calls`` vs ``engine_calls``: without on-device planning every request would
  need the engine; the ratio is the share of engine calls that remain;
- ``act_threshold`` and ``refusal_threshold``: the span reader's fitted thresholds (an act
  threshold above 1 means the reader never acts on its own word); ``act_bound``: the best
  Wilson lower bound of precision reached on the ``act_checked`` check frames (the act
  threshold is certified when it reaches 0.98).

``--seed`` fits the reader with another seed (its frames and tagger,
``reading.fitting.SEED``): the act threshold's guarantee must hold for any seed. ``--set``
runs one set only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from app_adapters.apps.contacts import ContactBook
from assistant_sdk import Assistant
from assistant_sdk.reading import fitting
from assistant_sdk.types import Risk, Tool

from .common import RESULTS, ROOT, emit, fitted_sample_resolver

DATA_FILES = {
    "planning": ROOT / "benchmarks" / "data" / "planning.jsonl",
    "holdout": ROOT / "benchmarks" / "data" / "planning_holdout.jsonl",
    "fresh": ROOT / "benchmarks" / "data" / "planning_fresh.jsonl",
}
NOW = datetime(2026, 3, 4, 10, 0)
"""The labels' "now": Wednesday 4 March 2026, 10:00."""


def load(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


FIT_SECONDS: list[float] = []
"""How long each ``Resolver.fit`` on the sample catalogue took (head, calibration, reader)."""


def build(folder: Path) -> tuple[Assistant, list[tuple[str, Mapping[str, Any]]]]:
    registry, resolver, fit_s = fitted_sample_resolver(folder, now=lambda: NOW)
    FIT_SECONDS.append(fit_s)
    asked: list[tuple[str, Mapping[str, Any]]] = []

    def decline(tool: Tool, arguments: Mapping[str, Any]) -> bool:
        asked.append((tool.name, dict(arguments)))
        return False

    book = ContactBook(folder / "apps" / "contacts")
    assistant = Assistant(registry, resolver, people=book.all, clock=lambda: NOW, confirm=decline)
    return assistant, asked


def run(name: str, show_misses: bool = False) -> dict[str, Any]:
    rows = load(DATA_FILES[name])
    with tempfile.TemporaryDirectory() as tmp:
        assistant, asked = build(Path(tmp))
        kinds = {k: [r for r in rows if r["kind"] == k] for k in ("simple", "clarify", "engine")}
        on_device = exact = wrong = clarified = unconfirmed = engine_calls = 0
        times: list[float] = []
        misses: list[dict[str, Any]] = []
        for row in rows:
            before = len(asked)
            started = time.perf_counter()
            reply = asyncio.run(assistant.ahandle(row["request"]))
            times.append((time.perf_counter() - started) * 1000)
            plan = next((s for s in reply.steps if s.kind == "plan"), None)
            device = plan is not None and plan.detail.get("planned_by") == "device"
            engine_calls += reply.planned_by == "none"
            for run_ in reply.tool_runs:
                tool = assistant.registry[run_.tool]
                if tool.risk is Risk.DESTRUCTIVE and not run_.is_error and len(asked) == before:
                    unconfirmed += 1
            if row["kind"] == "clarify":
                question = reply.clarification
                options = set(question.options) if question else set()
                clarified += options == set(row["options"])
                if options != set(row["options"]):
                    asked_for = {"asked": sorted(options), "expected_options": row["options"]}
                    misses.append({"id": row["id"], "request": row["request"], **asked_for})
            if not device:
                if row["kind"] == "simple":
                    misses.append({"id": row["id"], "why": _why(reply)})
                continue
            assert plan is not None
            right = plan.name == row["tool"] and plan.detail["arguments"] == row["arguments"]
            if row["kind"] == "simple":
                on_device += 1
                exact += right
            if not right or row["kind"] != "simple":
                wrong += 1
                misses.append(
                    {
                        "id": row["id"],
                        "request": row["request"],
                        "planned": [plan.name, plan.detail["arguments"]],
                        "expected": [row["tool"], row["arguments"]],
                    }
                )
        overhead = _reading_overhead(assistant, [r["request"] for r in rows])
        reader = assistant.resolver.reader
        thresholds = (
            {
                "act_threshold": round(reader.threshold, 4),
                "act_bound": round(reader.bound, 4),
                "act_checked": reader.checked,
                "refusal_threshold": round(reader.refusal, 4),
            }
            if reader
            else {}
        )
    if show_misses:
        for miss in misses:
            print(json.dumps(miss, ensure_ascii=False))
    simple = len(kinds["simple"])
    return {
        "bench": "planning",
        "set": name,
        "requests": len(rows),
        "simple": simple,
        "clarify": len(kinds["clarify"]),
        "engine": len(kinds["engine"]),
        "simple_on_device": round(on_device / simple, 4),
        "exact_arguments": round(exact / max(on_device, 1), 4),
        "wrong_action_rate": round(wrong / len(rows), 4),
        "wrong_actions": wrong,
        "clarified": round(clarified / max(len(kinds["clarify"]), 1), 4),
        "destructive_unconfirmed": unconfirmed,
        "confirmations_asked": len(asked),
        "baseline_engine_calls": len(rows),
        "engine_calls": engine_calls,
        "engine_call_ratio": round(engine_calls / len(rows), 4),
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        **overhead,
        **thresholds,
        "fit_s": round(FIT_SECONDS[-1], 2),
    }


def _reading_overhead(assistant: Assistant, requests: list[str]) -> dict[str, Any]:
    """One resolution's p50 with and without reading its top tool's spans, interleaved in
    the same run (reading shares the resolver's forward pass: it adds only the tagger)."""
    resolver, reader = assistant.resolver, assistant.resolver.reader
    if reader is None:
        return {}
    plain: list[float] = []
    read: list[float] = []
    for _ in range(3):
        for request in requests:
            resolver._token_cache = type(resolver._token_cache)()
            started = time.perf_counter()
            resolution = resolver.resolve(request)
            plain.append(time.perf_counter() - started)
            if resolution.top is None:
                continue
            started = time.perf_counter()
            tokens = resolver.token_states(resolution.request)
            if tokens is not None:
                reader.read(resolution.top.tool, tokens)
            read.append(plain[-1] + time.perf_counter() - started)
    p50, with_reading = float(np.percentile(plain, 50)), float(np.percentile(read, 50))
    return {
        "resolve_p50_ms": round(p50 * 1000, 3),
        "resolve_and_read_p50_ms": round(with_reading * 1000, 3),
        "reading_overhead": round(with_reading / p50 - 1, 4),
    }


def _why(reply: Any) -> str:
    plan = next((s for s in reply.steps if s.kind == "plan"), None)
    if plan is None:
        return reply.resolution.decision.value
    return str(plan.detail.get("reason") or plan.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--seed", type=int, default=0, help="the reader's fit seed")
    parser.add_argument("--set", choices=sorted(DATA_FILES), action="append", dest="sets")
    args = parser.parse_args()
    fitting.SEED = args.seed
    for name in args.sets or DATA_FILES:
        emit({**run(name, args.show_misses), "seed": args.seed}, RESULTS / "planning.jsonl")


if __name__ == "__main__":
    main()
