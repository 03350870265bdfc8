"""Tokens sent per request: the harness vs. sending the whole catalogue, and harness overhead.

    python -m benchmarks.bench_tokens

Catalogue: the 45 sample-app tools plus 200 generated ones. Requests: the sample apps' 90
labelled in-scope phrasings (app_adapters/apps/calibration.jsonl; the resolver is *not* fitted
on them here). Each request goes through ``Assistant`` with ``AnthropicEngine`` to a fake
Messages API server on 127.0.0.1 (zero delay) that records the bodies it receives; the baseline
is the same request body with every tool in the catalogue. Tokens are counted with a proxy:
the MiniLM WordPiece tokenizer (``tokenizer.json`` of the packaged model) over the JSON body.
Requests planned on the device send nothing (0 tokens).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from app_adapters.apps import DEMO_FACTS, load_sample_apps, seed_demo_profile
from app_adapters.apps.calibration import calibration_rows
from assistant_sdk import AnthropicEngine, Assistant, FactStore, Resolver, ToolRegistry
from assistant_sdk.engines import Message

from .bench_speed import catalogue
from .common import RESULTS, default_embedder, emit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.engine.fake_anthropic import FakeAnthropic


def setup(folder: Path) -> tuple[ToolRegistry, Resolver]:
    seed_demo_profile(folder)
    registry = ToolRegistry()
    for app in load_sample_apps(folder):
        registry.add_app(app)
    for tool in catalogue(200):
        registry.add(tool)
    facts = FactStore(":memory:")
    for fact in DEMO_FACTS:
        facts.remember(fact)
    resolver = Resolver(default_embedder(), registry, facts)
    resolver.build()
    return registry, resolver


async def run(registry: ToolRegistry, resolver: Resolver) -> dict[str, Any]:
    from anthropic import AsyncAnthropic
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(default_embedder().model_dir / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    count = lambda body: len(tokenizer.encode(body, add_special_tokens=False).ids)  # noqa: E731
    fake = FakeAnthropic()
    engine = AnthropicEngine(AsyncAnthropic(base_url=fake.url, api_key="bench"))
    assistant = Assistant(registry, resolver, engine)
    rows = [(text, tool) for text, tool in calibration_rows() if tool]
    ours, baseline, hit, device, overhead = [], [], [], 0, []
    for text, expected in rows:
        before = len(fake.bodies)
        started = time.perf_counter()
        reply = await assistant.ahandle(text)
        total_ms = (time.perf_counter() - started) * 1000
        bodies = fake.bodies[before:]
        ours.append(sum(count(b.decode()) for b in bodies))
        everything = engine.request([Message("user", text)], list(registry), [])
        baseline.append(count(json.dumps(everything)))
        if bodies:
            sent = {t["name"] for t in json.loads(bodies[0])["tools"]}
            hit.append(expected in sent)
            overhead.append(total_ms - sum(c.duration_ms for c in reply.engine_calls))
        else:
            device += 1
            hit.append(reply.tool_runs[0].tool == expected if reply.tool_runs else False)
    fake.close()
    return {
        "n_tools": len(registry),
        "n_requests": len(rows),
        "tokenizer_proxy": "all-MiniLM-L6-v2 WordPiece over the JSON request body",
        "sdk_tokens_mean": float(np.mean(ours)),
        "baseline_tokens_mean": float(np.mean(baseline)),
        "ratio": float(np.sum(ours) / np.sum(baseline)),
        "needed_tool_sent_rate": float(np.mean(hit)),
        "planned_on_device": device,
        "harness_overhead_ms_p50": float(np.percentile(overhead, 50)) if overhead else None,
        "harness_overhead_ms_p99": float(np.percentile(overhead, 99)) if overhead else None,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        registry, resolver = setup(Path(tmp))
        emit({"bench": "tokens", **asyncio.run(run(registry, resolver))}, RESULTS / "tokens.jsonl")


if __name__ == "__main__":
    main()
