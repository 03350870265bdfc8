"""The span reader, fitted on the sample catalogue's frames, on hand-written requests.

python -m benchmarks.bench_reading_probe [--show-misses]

``benchmarks/data/reading_probe.jsonl`` holds requests of the kinds the argument reader must
get right, written in words the frame generator does not use: conditions and triggers, second
actions, negations and indirect questions the device must not act on (``act`` false), and
requests it should read (``act`` true, with the expected ``spans``) said with speech fillers,
discourse words, a typo, politeness, terse typing and value variants ("mum", "my sister",
possessives, "seven fifteen", "half six", "Thursday week"). The tool is given: this measures
the reader alone, not the resolver. Reported:

- ``refused``: share of the must-not-act requests in which the reader found refusal words;
- ``false_refusals``: share of the should-act requests in which it found any;
- ``spans_exact``: share of the should-act requests whose every expected value is one span,
  exactly, with no other parameter tagged (leftover words filling a field count as wrong);
- ``refusal_threshold``: how sure refusal words must be (fitted on the calibration requests),
  and ``refused_at_floor`` / ``false_refusals_at_floor``: the two shares at its least value;
- ``fit_s``: how long ``Resolver.fit`` took (head, calibration, reader).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant_sdk import Resolver
from assistant_sdk.reading.reader import REFUSAL

from .common import RESULTS, ROOT, emit, fitted_sample_resolver

DATA = ROOT / "benchmarks" / "data" / "reading_probe.jsonl"


def _clean(said: str) -> str:
    return said.strip(" ,.?!").casefold()


def _check(
    resolver: Resolver, row: dict[str, Any], floor: bool = False
) -> tuple[bool, dict[str, Any]]:
    assert resolver.reader is not None
    reader = replace(resolver.reader, refusal=REFUSAL) if floor else resolver.reader
    tool = resolver.registry[row["tool"]]
    states = resolver.token_states(row["request"])
    assert states is not None
    reading = reader.read(tool, states)
    got = {name: row["request"][f.start : f.end] for name, f in reading.found.items()}
    detail = {"request": row["request"], "refusal": list(reading.refusal), "spans": got}
    if not row["act"]:
        return bool(reading.refusal), detail
    want = {k: _clean(v) for k, v in row["spans"].items()}
    right = not reading.refusal and {k: _clean(v) for k, v in got.items()} == want
    return right, detail


def _share(flags: list[bool]) -> float:
    return round(sum(flags) / max(1, len(flags)), 4)


def run(show_misses: bool) -> dict[str, Any]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _, resolver, fit_s = fitted_sample_resolver(folder)
        if resolver.reader is None:
            raise SystemExit("no reader was fitted (the model has no token states)")
        results = [(row, *_check(resolver, row)) for row in rows]
        floor = [(row, *_check(resolver, row, floor=True)) for row in rows]
        threshold = resolver.reader.refusal
    refuse = [ok for row, ok, _ in results if not row["act"]]
    act = [(ok, d) for row, ok, d in results if row["act"]]
    if show_misses:
        for row, ok, detail in results:
            if not ok:
                print(json.dumps({"act": row["act"], **detail}))
    return {
        "bench": "reading_probe",
        "requests": len(rows),
        "refused": round(sum(refuse) / max(1, len(refuse)), 4),
        "false_refusals": round(sum(bool(d["refusal"]) for _, d in act) / max(1, len(act)), 4),
        "spans_exact": round(sum(ok for ok, _ in act) / max(1, len(act)), 4),
        "refusal_threshold": round(threshold, 3),
        "refused_at_floor": _share([ok for row, ok, _ in floor if not row["act"]]),
        "false_refusals_at_floor": _share(
            [bool(d["refusal"]) for row, _, d in floor if row["act"]]
        ),
        "fit_s": round(fit_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    emit(run(args.show_misses), RESULTS / "reading_probe.jsonl")


if __name__ == "__main__":
    main()
