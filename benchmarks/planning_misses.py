"""Why the device did not plan a simple request on its own: each miss of ``bench_planning``
by cause, with what the device would have read had the resolver chosen the labelled tool.

python -m benchmarks.planning_misses [planning|holdout] [--rows]

Causes, in the order they are checked:

- ``resolver out of scope``: no tool was close enough to the request;
- ``resolver clarify``: two close tools, and the words did not settle them;
- ``resolver unsure``: the resolver handed the request on (``Decision.ENGINE``) and no
  candidate's reading explained every word with enough probability;
- ``resolver wrong tool``: a confident resolution of another tool than the labelled one;
- ``refusal``: the span reader tagged words one call would not satisfy;
- ``act threshold``: the frame was complete but its probability was below the fitted threshold;
- ``reader incomplete``: the labelled tool was chosen but a required value was not read, or
  words were left unplaced.

For each miss, ``if_right_tool`` says what the device's reading of the *labelled* tool is:
``complete`` (it would have planned it), ``missing``, ``unexplained``, ``ambiguous``, ``doubt``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from assistant_sdk.slots import fill_arguments
from assistant_sdk.types import Decision, FactKind

from .bench_planning import DATA_FILES, NOW, build, load


def _reading(assistant: Any, tool_name: str, request: str) -> str:
    tool = assistant.registry[tool_name]
    store = assistant.resolver.facts
    facts = [f for f in store.all() if f.kind is not FactKind.EXAMPLE] if store else []
    names = [p.name for p in assistant.people()] if assistant.people else None
    fill = fill_arguments(
        tool, request, facts, now=NOW, contacts=names, embedder=assistant.resolver.embedder
    )
    if fill.doubts:
        return "doubt"
    if fill.ambiguous:
        return "ambiguous"
    if fill.missing:
        return "missing"
    if fill.unexplained:
        return "unexplained"
    return "complete"


def _cause(reply: Any, expected: str) -> str:
    resolution = reply.resolution
    plan = next((s for s in reply.steps if s.kind == "plan"), None)
    reason = str(plan.detail.get("reason") or "") if plan is not None else ""
    if resolution.decision is Decision.OUT_OF_SCOPE:
        return "resolver out of scope"
    if resolution.decision is Decision.CLARIFY and (plan is None or plan.name != expected):
        return "resolver clarify"
    if reason.startswith("one call now would not"):
        return "refusal"
    if resolution.decision is Decision.ENGINE and (plan is None or plan.name != expected):
        return "resolver unsure"
    if plan is not None and plan.name != expected:
        return "resolver wrong tool"
    if "not sure enough" in reason:
        return "act threshold"
    return "reader incomplete"


def diagnose(name: str) -> tuple[list[dict[str, Any]], Counter[str]]:
    rows = [r for r in load(DATA_FILES[name]) if r["kind"] == "simple"]
    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        assistant, _ = build(Path(tmp))
        for row in rows:
            reply = asyncio.run(assistant.ahandle(row["request"]))
            plan = next((s for s in reply.steps if s.kind == "plan"), None)
            if plan is not None and plan.detail.get("planned_by") == "device":
                continue
            candidates = [c.tool.name for c in reply.resolution.candidates]
            out.append(
                {
                    "id": row["id"],
                    "request": row["request"],
                    "cause": _cause(reply, row["tool"]),
                    "tool": row["tool"],
                    "rank": candidates.index(row["tool"]) + 1 if row["tool"] in candidates else 0,
                    "if_right_tool": _reading(assistant, row["tool"], reply.resolution.request),
                    "reason": str(plan.detail.get("reason") or "") if plan else "",
                }
            )
    return out, Counter(m["cause"] for m in out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", default=list(DATA_FILES))
    parser.add_argument("--rows", action="store_true", help="print every miss as JSON")
    args = parser.parse_args()
    for name in args.sets:
        misses, causes = diagnose(name)
        if args.rows:
            for miss in misses:
                print(json.dumps(miss, ensure_ascii=False))
        complete = Counter(m["cause"] for m in misses if m["if_right_tool"] == "complete")
        summary = {
            "set": name,
            "misses": len(misses),
            "causes": dict(causes.most_common()),
            "complete_if_right_tool": dict(complete.most_common()),
        }
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
