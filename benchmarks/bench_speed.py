"""Resolution speed: latency at 100 to 100k tools, build throughput, cold start, memory, import.

    python -m benchmarks.bench_speed [--sizes 100 1000 10000 100000] [--semantic-router]

Catalogues are generated from templates (verbs x objects x apps, two example phrases per tool
up to 10k tools, cards only above). Latency is per request, one at a time, after warm-up:
embed + search + fusion + calibration. Cold start and peak memory are measured in a fresh
process that loads a saved 1k-tool index and resolves one request. With ``--semantic-router``
the same catalogue is routed by semantic-router 1.x (``IndexedRouter``, the same MiniLM weights
through its HuggingFace encoder) and the ratio to ours is reported.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant_sdk import Tool, ToolRegistry
from assistant_sdk.index_store import save_resolver
from assistant_sdk.manifest import dump_manifest
from assistant_sdk.resolve import Resolver

from .common import CACHE, RESULTS, default_embedder, emit

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


def latency(route: Any, queries: Sequence[str]) -> dict[str, float]:
    """Per-request latency of ``route(text)`` after ten warm-up calls."""
    for q in queries[:10]:
        route(q)
    times = []
    for q in queries:
        started = time.perf_counter()
        route(q)
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": float(np.percentile(times, 50)), "p99_ms": float(np.percentile(times, 99))}


def ours(n: int, embedder: Any) -> dict[str, Any]:
    registry = ToolRegistry(catalogue(n))
    resolver = Resolver(embedder, registry)
    started = time.perf_counter()
    entries = resolver.build()
    build_s = time.perf_counter() - started
    return {
        "tools": n,
        "entries": entries,
        "build_s": build_s,
        "build_entries_per_s": entries / build_s,
        **latency(resolver.resolve, QUERIES),
    }


COLD = """
import time, resource, sys
t0 = time.perf_counter()
from pathlib import Path
from assistant_sdk import ToolRegistry
from assistant_sdk.index_store import load_resolver
from assistant_sdk.manifest import load_manifest
from embeddings.onnx import OnnxEmbedder
folder = Path(sys.argv[1])
resolver = load_resolver(folder, OnnxEmbedder.from_cache(Path(sys.argv[2])),
                         ToolRegistry(load_manifest(folder / "tools.json")))
resolver.resolve("book me a ride to the airport")
t1 = time.perf_counter()
print(t1 - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def cold_start(embedder: Any) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tools = catalogue(1000)
        resolver = Resolver(embedder, ToolRegistry(tools))
        resolver.build()
        save_resolver(resolver, folder)
        dump_manifest(tools, folder / "tools.json")
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", COLD, str(folder), str(CACHE)],
                capture_output=True,
                text=True,
                check=True,
            )
            wall = time.perf_counter() - started
            inside, rss = (float(x) for x in out.stdout.split())
            runs.append((wall, inside, rss))
    wall, inside, rss = (float(np.median([r[i] for r in runs])) for i in range(3))
    return {"cold_start_s": wall, "cold_start_in_process_s": inside, "peak_rss_mb": rss}


def import_time() -> float:
    code = "import time; t=time.perf_counter(); import assistant_sdk; print(time.perf_counter()-t)"
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(5)
    ]
    return float(np.median(runs)) * 1000


def semantic_router(n: int) -> dict[str, Any]:
    from semantic_router import Route
    from semantic_router.encoders import HuggingFaceEncoder
    from semantic_router.routers import IndexedRouter

    from embeddings.build import source_model_dir

    encoder = HuggingFaceEncoder(name=str(source_model_dir()))
    routes = [Route(name=t.name, utterances=[t.description, *t.examples]) for t in catalogue(n)]
    started = time.perf_counter()
    router = IndexedRouter(encoder=encoder, routes=routes)
    build_s = time.perf_counter() - started
    return {"tools": n, "build_s": build_s, **latency(router, QUERIES[:50])}


SR_COLD = """
import time, resource
t0 = time.perf_counter()
from semantic_router import Route
from semantic_router.encoders import HuggingFaceEncoder
from semantic_router.routers import IndexedRouter
from benchmarks.bench_speed import catalogue
from embeddings.build import source_model_dir
routes = [Route(name=t.name, utterances=[t.description, *t.examples]) for t in catalogue(1000)]
router = IndexedRouter(encoder=HuggingFaceEncoder(name=str(source_model_dir())), routes=routes)
router("book me a ride to the airport")
print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def semantic_router_cold_start() -> dict[str, float]:
    """semantic-router keeps no saved index here: a cold start re-encodes the routes."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", SR_COLD],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    inside, rss = (float(x) for x in out.stdout.split()[-2:])
    return {
        "cold_start_s": time.perf_counter() - started,
        "cold_start_in_process_s": inside,
        "peak_rss_mb": rss,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", type=int, default=[100, 1000, 10_000, 100_000])
    parser.add_argument("--semantic-router", action="store_true", dest="router")
    parser.add_argument("--out", type=Path, default=RESULTS / "speed.jsonl")
    args = parser.parse_args(argv)
    embedder = default_embedder()
    emit({"bench": "import", "import_assistant_sdk_ms": import_time()}, args.out)
    mine = cold_start(embedder)
    emit({"bench": "cold_start_1k", "system": "assistant-sdk", **mine}, args.out)
    if args.router:
        theirs = semantic_router_cold_start()
        ratio = {"cold_start_ratio": theirs["cold_start_s"] / mine["cold_start_s"]}
        emit({"bench": "cold_start_1k", "system": "semantic-router", **theirs, **ratio}, args.out)
    for n in args.sizes:
        mine = ours(n, embedder)
        emit({"bench": "resolve", "system": "assistant-sdk", **mine}, args.out)
        if args.router and n <= 10_000:
            theirs = semantic_router(n)
            ratio = {"p50_ratio": theirs["p50_ms"] / mine["p50_ms"]}
            emit({"bench": "resolve", "system": "semantic-router", **theirs, **ratio}, args.out)


if __name__ == "__main__":
    json.dumps({})
    main()
