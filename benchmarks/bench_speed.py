"""Resolution speed as ratios to in-run floors: the encoder, the model load, semantic-router.

    python -m benchmarks.bench_speed [--sizes 100 1000 10000 100000] [--semantic-router]

Absolute times move with the machine and its load; ratios measured in the same run, with the
two sides taking turns request by request, do not. The floors:

* **encoder**: one query's embedding (``embed_queries([text])``), p50. Resolving can never be
  faster; the goal is resolve p50 at 1k tools <= 1.3x this.
* **model load**: a fresh process that loads the model alone and embeds one query. The goal is
  a cold start (fresh process, saved 1k-tool index, first resolution) <= 3x this.
* **semantic-router 1.1.1** ``IndexedRouter`` on the same catalogue, offline, with its own
  local ``HuggingFaceEncoder`` on the packaged MiniLM weights (goal: >= 10x slower per call at
  1k tools than us), and with our ONNX encoder, which isolates the routing machinery.
* **import**: ``import assistant_sdk`` beside importing only the standard-library modules it
  needs (``dataclasses``, ``enum``, ``json``, ``re``, ``pathlib``).

Catalogues are generated from templates (verbs x objects x apps, two example phrases per tool
up to 10k tools, cards only above). The first record describes the machine (CPU model and
int8-relevant flags), the lock the environment was installed from, the model variant the
build chose, and the command. Every record is one JSON line.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant_sdk import Tool, ToolRegistry
from assistant_sdk.manifest import dump_manifest
from assistant_sdk.resolve.index_store import save_resolver
from assistant_sdk.resolve.resolver import Resolver

from .common import CACHE, RESULTS, default_embedder, emit, machine

GOALS = {"resolve_to_encoder": 1.3, "cold_start_to_model_load": 3.0, "router_slowdown": 10.0}
VERBS = "book find send cancel play set list create delete check share open pay order track".split()
OBJECTS = (
    "ride message email alarm timer reminder note playlist song event meeting invoice "
    "package order photo file contact payment ticket table flight hotel song podcast "
    "article recipe workout"
).split()
QUERIES = [
    "book me a ride to the airport",
    "send a message to mom saying I'm late",
    "set an alarm for 6 tomorrow",
    "play my workout playlist",
    "what's on my calendar on friday",
    "remind me to buy milk tonight",
    "track my package",
    "pay the electricity invoice",
    "find a table for two at 8",
    "cancel my flight to boston",
] * 20


def catalogue(n: int) -> list[Tool]:
    tools = []
    for i in range(n):
        verb, obj = VERBS[i % len(VERBS)], OBJECTS[(i // len(VERBS)) % len(OBJECTS)]
        app = f"app{i // (len(VERBS) * len(OBJECTS))}"
        examples = () if n > 10_000 else (f"{verb} a {obj} with {app}", f"please {verb} my {obj}")
        tools.append(
            Tool(
                name=f"{verb}_{obj}_{i}",
                description=f"{verb.title()} a {obj} in {app}.",
                app=app,
                parameters={"type": "object", "properties": {"query": {"type": "string"}}},
                examples=examples,
            )
        )
    return tools


def paired(
    calls: dict[str, Callable[[str], Any]], queries: Sequence[str], block: int = 1
) -> dict[str, Any]:
    """p50 / p99 ms of each call, the calls taking turns after a warm-up: every request
    (``block=1``), or every ``block`` requests, so that one system's large model does not
    evict the other's from the CPU caches before each of its calls.

    ``cpu_p50_ms`` is the process's CPU time (every thread): on a shared machine a call that
    is descheduled midway inflates its wall time but not this. semantic-router runs a query
    on another thread, so thread time would miss its work."""
    for q in queries[:10]:
        for call in calls.values():
            call(q)
    wall: dict[str, list[float]] = {name: [] for name in calls}
    cpu: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    for turn, start in enumerate(range(0, len(queries), block)):
        # Alternate who goes first: on a busy machine the second of two back-to-back calls is
        # the likelier to run out of its time slice, and that must not always be the same one.
        for name in names if turn % 2 == 0 else names[::-1]:
            call = calls[name]
            for q in queries[start : start + block]:
                started, started_cpu = time.perf_counter(), time.process_time()
                call(q)
                cpu[name].append((time.process_time() - started_cpu) * 1000)
                wall[name].append((time.perf_counter() - started) * 1000)
    return {
        name: {
            "p50_ms": float(np.percentile(wall[name], 50)),
            "p99_ms": float(np.percentile(wall[name], 99)),
            "cpu_p50_ms": float(np.percentile(cpu[name], 50)),
        }
        for name in calls
    }


def built(n: int, embedder: Any) -> tuple[Resolver, dict[str, Any]]:
    resolver = Resolver(embedder, ToolRegistry(catalogue(n)))
    started = time.perf_counter()
    entries = resolver.build()
    build_s = time.perf_counter() - started
    return resolver, {
        "entries": entries,
        "build_s": build_s,
        "build_entries_per_s": entries / build_s,
    }


def resolve_vs_encoder(resolver: Resolver, build: dict[str, Any]) -> dict[str, Any]:
    embedder, n = resolver.embedder, len(resolver.tools)
    timed = paired(
        {"encoder": lambda q: embedder.embed_queries([q]), "resolve": resolver.resolve}, QUERIES
    )
    ratio = timed["resolve"]["p50_ms"] / timed["encoder"]["p50_ms"]
    record = {"bench": "resolve", "system": "assistant-sdk", "tools": n, **build}
    record.update(timed["resolve"], encoder_p50_ms=timed["encoder"]["p50_ms"])
    record["encoder_cpu_p50_ms"] = timed["encoder"]["cpu_p50_ms"]
    record["ratio_to_encoder"] = ratio
    record["cpu_ratio_to_encoder"] = timed["resolve"]["cpu_p50_ms"] / timed["encoder"]["cpu_p50_ms"]
    if n == 1000:
        record["goal"] = f"<= {GOALS['resolve_to_encoder']}x (CPU time; wall on a quiet machine)"
        record["met"] = record["cpu_ratio_to_encoder"] <= GOALS["resolve_to_encoder"]
    return record


def against_router(resolver: Resolver, encoder: str) -> dict[str, Any]:
    from .speed_router import router

    embedder, n = resolver.embedder, len(resolver.tools)
    threads = _threads(embedder)
    route, build_s = router(catalogue(n), encoder, embedder, threads)
    timed = paired({"ours": resolver.resolve, "theirs": route}, QUERIES[:80], block=10)
    slowdown = timed["theirs"]["p50_ms"] / timed["ours"]["p50_ms"]
    record = {"bench": "resolve", "system": f"semantic-router/{encoder}", "tools": n}
    record["threads"] = threads
    record.update(timed["theirs"], build_s=build_s, ours_p50_ms=timed["ours"]["p50_ms"])
    record["slowdown"] = slowdown
    record["cpu_slowdown"] = timed["theirs"]["cpu_p50_ms"] / timed["ours"]["cpu_p50_ms"]
    if n == 1000 and encoder == "huggingface":
        record["goal"] = f">= {GOALS['router_slowdown']}x (CPU time; wall on a quiet machine)"
        record["met"] = record["cpu_slowdown"] >= GOALS["router_slowdown"]
    return record


COLD = """
import time, resource, sys
t0 = time.perf_counter()
from pathlib import Path
from embeddings.onnx import OnnxEmbedder
embedder = OnnxEmbedder.from_cache(Path(sys.argv[2]))
if sys.argv[1] != "-":
    from assistant_sdk import ToolRegistry
    from assistant_sdk.resolve.index_store import load_resolver
    from assistant_sdk.manifest import load_manifest
    folder = Path(sys.argv[1])
    tools = ToolRegistry(load_manifest(folder / "tools.json"))
    load_resolver(folder, embedder, tools).resolve("book me a ride to the airport")
else:
    embedder.embed_queries(["book me a ride to the airport"])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(time.perf_counter() - t0, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)
"""


def _fresh(folder: str) -> tuple[float, float, float, float]:
    """Wall seconds, seconds inside, peak RSS MB, CPU seconds of one fresh process (``-``:
    the model only)."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", COLD, folder, str(CACHE)], capture_output=True, text=True, check=True
    )
    inside, rss, cpu = (float(x) for x in out.stdout.split())
    return time.perf_counter() - started, inside, rss, cpu


def cold_start(embedder: Any, runs: int = 5) -> dict[str, Any]:
    """A fresh process resolving with a saved 1k-tool index, beside one that only loads the
    model and embeds one query; the two take turns."""
    with tempfile.TemporaryDirectory() as tmp:
        tools = catalogue(1000)
        resolver = Resolver(embedder, ToolRegistry(tools))
        resolver.build()
        save_resolver(resolver, Path(tmp))
        dump_manifest(tools, Path(tmp) / "tools.json")
        pairs = [(_fresh(tmp), _fresh("-")) for _ in range(runs)]
    cold, model = (np.median([p[i] for p in pairs], axis=0) for i in (0, 1))
    ratio, cpu_ratio = float(cold[0] / model[0]), float(cold[3] / model[3])
    return {
        "bench": "cold_start_1k",
        "system": "assistant-sdk",
        "cold_start_s": float(cold[0]),
        "cold_start_in_process_s": float(cold[1]),
        "peak_rss_mb": float(cold[2]),
        "model_load_s": float(model[0]),
        "model_load_in_process_s": float(model[1]),
        "model_load_rss_mb": float(model[2]),
        "cold_start_cpu_s": float(cold[3]),
        "model_load_cpu_s": float(model[3]),
        "ratio_to_model_load": ratio,
        "cpu_ratio_to_model_load": cpu_ratio,
        "goal": f"<= {GOALS['cold_start_to_model_load']}x (wall and CPU time)",
        "met": max(ratio, cpu_ratio) <= GOALS["cold_start_to_model_load"],
    }


STDLIB = "dataclasses, enum, json, re, pathlib, typing, collections.abc, functools"


def import_time(runs: int = 7) -> dict[str, Any]:
    """``import assistant_sdk`` and, as its floor, the standard library it needs (median ms)."""

    def once(what: str) -> float:
        code = f"import time; t=time.perf_counter(); import {what}; print(time.perf_counter()-t)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        return float(out.stdout) * 1000

    pairs = [(once("assistant_sdk"), once(STDLIB)) for _ in range(runs)]
    ours, floor = (float(np.median([p[i] for p in pairs])) for i in (0, 1))
    return {
        "bench": "import",
        "import_assistant_sdk_ms": ours,
        "import_stdlib_floor_ms": floor,
        "ratio_to_stdlib": ours / floor,
        "heavy_modules_loaded": _heavy_after_import(),
    }


def _heavy_after_import() -> list[str]:
    heavy = ("numpy", "onnxruntime", "faiss", "torch", "anthropic", "httpx", "pydantic")
    code = f"import sys, assistant_sdk; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return list(json.loads(out.stdout.replace("'", '"')))


def _threads(embedder: Any) -> int:
    return int(embedder._query.get_session_options().intra_op_num_threads)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", type=int, default=[100, 1000, 10_000, 100_000])
    parser.add_argument("--semantic-router", action="store_true", dest="router")
    parser.add_argument("--out", type=Path, default=RESULTS / "speed.jsonl")
    args = parser.parse_args(argv)
    command = "python -m benchmarks.bench_speed " + " ".join(sys.argv[1:] if argv is None else argv)
    if args.router:
        from .speed_router import offline

        offline()
    embedder = default_embedder()
    emit({"bench": "machine", **machine(embedder), "command": command.strip()}, args.out)
    emit(import_time(), args.out)
    emit(cold_start(embedder), args.out)
    if args.router:
        from .speed_router import cold_start as router_cold_start

        theirs = router_cold_start(_threads(embedder))
        theirs["threads"] = _threads(embedder)
        emit(
            {"bench": "cold_start_1k", "system": "semantic-router/huggingface", **theirs}, args.out
        )
    for n in args.sizes:
        resolver, build = built(n, embedder)
        emit(resolve_vs_encoder(resolver, build), args.out)
        if args.router and n <= 10_000:
            for encoder in ("huggingface", "onnx"):
                emit(against_router(resolver, encoder), args.out)


if __name__ == "__main__":
    main()
