"""Shared helpers for the benchmarks: data paths, the default embedder, JSON output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant_sdk import Resolver, ToolRegistry

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("ASSISTANT_SDK_BENCH_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "results"


def _cache() -> Path:
    from assistant_sdk.settings import load_settings

    return load_settings().cache_dir


CACHE = _cache()


def dataset(name: str) -> Path:
    path = DATA / f"{name}.jsonl"
    if not path.exists():
        sys.exit(f"missing {path}: set ASSISTANT_SDK_BENCH_DATA to the folder with the data sets")
    return path


def default_embedder() -> Any:
    from embeddings.onnx import OnnxEmbedder

    return OnnxEmbedder.from_cache(CACHE)


def machine(embedder: Any = None) -> dict[str, Any]:
    """What a figure was measured on: CPU, lock, library versions, model variant, load."""
    import hashlib
    import platform
    import subprocess
    from importlib.metadata import version

    from embeddings.tune import cpu_info

    lock = ROOT / "requirements.lock"
    commit = subprocess.run(
        ["git", "log", "-1", "--format=%h", "--", lock.name],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    record: dict[str, Any] = {
        "cpu": cpu_info(),
        "load_average": list(os.getloadavg()),
        "python": platform.python_version(),
        "lock_commit": commit or None,
        "lock_sha256": hashlib.sha256(lock.read_bytes()).hexdigest()[:12]
        if lock.exists()
        else None,
        "versions": {p: version(p) for p in ("numpy", "onnxruntime", "faiss-cpu", "tokenizers")},
    }
    folder = getattr(embedder, "model_dir", None)
    if folder is not None:
        meta = json.loads((Path(folder) / "meta.json").read_text(encoding="utf-8"))
        record["model"] = {k: meta.get(k) for k in ("fingerprint", "variant", "threads")}
    return record


def emit(record: dict[str, Any], out: Path | None = None) -> None:
    """Print one JSON object per line (and append it to ``out``)."""
    line = json.dumps(record, sort_keys=True)
    print(line, flush=True)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def fitted_sample_resolver(
    folder: Path, now: Callable[[], datetime] | None = None
) -> tuple[ToolRegistry, Resolver, float]:
    """The sample apps with the demo profile kept in ``folder``, and a resolver built and
    fitted over them with the demo facts; the last value is how long the fit took (s)."""
    import time

    from app_adapters.apps import DEMO_FACTS, load_sample_apps, seed_demo_profile
    from app_adapters.apps.calibration import calibration_rows
    from assistant_sdk import FactStore, Resolver, ToolRegistry

    apps = folder / "apps"
    seed_demo_profile(apps, now=now)
    registry = ToolRegistry()
    for app in load_sample_apps(apps, now=now):
        registry.add_app(app)
    facts = FactStore(folder / "facts.sqlite3")
    for fact in DEMO_FACTS:
        facts.remember(fact)
    resolver = Resolver(default_embedder(), registry, facts)
    resolver.build()
    started = time.perf_counter()
    resolver.fit(calibration_rows())
    return registry, resolver, time.perf_counter() - started
