"""Run every benchmark in turn (``make bench``); each prints JSON lines to stdout.

    python -m benchmarks.run_all [--quick]

``--quick`` uses small sizes (a smoke run in a few minutes); the figures in docs/benchmarks.md
come from the full runs, whose commands are listed there. The first line describes the machine
(CPU model and int8-relevant flags, load) and the lock the environment was installed from.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys

FULL = {
    "benchmarks.bench_resolution": ["--adapt", "--semantic-router"],
    "benchmarks.bench_speed": ["--semantic-router"],
    "benchmarks.bench_adapters": [],
    "benchmarks.bench_tokens": [],
    "benchmarks.bench_planning": [],
    "benchmarks.bench_dialogues": [],
    "benchmarks.bench_demo": [],
    "benchmarks.bench_catalogue": [],
    "benchmarks.bench_delegation": [],
}
QUICK = {
    "benchmarks.bench_resolution": ["--datasets", "snips", "--shots", "5"],
    "benchmarks.bench_speed": ["--sizes", "100", "1000"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from .common import machine

    print(json.dumps({"bench": "machine", **machine()}, sort_keys=True), flush=True)
    failed = []
    for module, extra in FULL.items():
        if importlib.util.find_spec(module) is None:
            continue
        argv = QUICK.get(module, extra) if args.quick else extra
        print(f"# {module} {' '.join(argv)}", flush=True)
        if subprocess.run([sys.executable, "-m", module, *argv]).returncode:
            failed.append(module)
    if failed:
        print(f"# failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
