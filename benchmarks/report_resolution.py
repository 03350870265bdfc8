"""Render the quality benchmark's JSON lines as the Markdown tables in docs/benchmarks.md.

python -m benchmarks.report_resolution benchmarks/results/resolution.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BASELINES = ["1-NN", "centroid", "logreg", "semantic-router"]
OURS = ["assistant-sdk", "assistant-sdk+adapt"]


def tables(path: Path) -> str:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    by = {(r["dataset"], str(r["shots"]), r["method"]): r for r in rows}
    out = []
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        out += [
            f"\n**{dataset}**: top-1 / decision-level accuracy (%)\n",
            "| K | " + " | ".join(BASELINES + OURS) + " | ours − best baseline, top-1 / accuracy |",
            "|---|" + "---|" * (len(BASELINES) + len(OURS) + 1),
        ]
        for shots in ["0", "5", "10", "all"]:
            cells = [by.get((dataset, shots, m)) for m in BASELINES + OURS]
            if not any(cells):
                continue
            text = [
                "—" if c is None else f"{100 * c['top1']:.1f} / {100 * c['accuracy']:.1f}"
                for c in cells
            ]
            out.append(f"| {shots} | " + " | ".join(text) + f" | {_delta(cells)} |")
    return "\n".join(out)


def _delta(cells: list[dict | None]) -> str:
    base, ours = cells[: len(BASELINES)], cells[len(BASELINES) :]
    if not any(base) or not any(ours):
        return "—"
    parts = []
    for key in ("top1", "accuracy"):
        best = max(c[key] for c in base if c)
        mine = max(c[key] for c in ours if c)
        parts.append(f"{100 * (mine - best):+.1f}")
    return " / ".join(parts)


if __name__ == "__main__":
    print(tables(Path(sys.argv[1])))
