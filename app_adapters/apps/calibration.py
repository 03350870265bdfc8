"""Labelled requests that calibrate a resolver over the sample apps.

Two phrasings per tool that differ from the tools' own examples, and requests no sample app can
handle (labelled ``None``). Ride and mail requests name their provider, so the labels hold
whatever the user's preferences are. Pass them to ``Resolver.fit``.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["CALIBRATION_FILE", "calibration_rows"]

CALIBRATION_FILE = Path(__file__).with_name("calibration.jsonl")


def calibration_rows() -> list[tuple[str, str | None]]:
    rows = []
    with open(CALIBRATION_FILE, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                data = json.loads(line)
                rows.append((str(data["text"]), data["tool"]))
    return rows
