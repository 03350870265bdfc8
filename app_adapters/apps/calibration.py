"""Labelled requests that calibrate a resolver over the sample apps.

Two phrasings per tool that differ from the tools' own examples, and requests no sample app can
handle (labelled ``None``). Ride and mail requests name their provider, so the labels hold
whatever the user's preferences are. Each row also carries the arguments a correct assistant
calls its tool with (only the values the request says or the demo profile resolves; a value the
request leaves unsaid is left out, to be asked). Pass them to ``Resolver.fit``, the arguments as
its ``calls``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["CALIBRATION_FILE", "calibration_calls", "calibration_rows"]

CALIBRATION_FILE = Path(__file__).with_name("calibration.jsonl")


def _lines() -> list[dict[str, Any]]:
    with open(CALIBRATION_FILE, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def calibration_rows() -> list[tuple[str, str | None]]:
    """Each request and the tool it means (``None``: no sample app handles it)."""
    return [(str(data["text"]), data["tool"]) for data in _lines()]


def calibration_calls() -> dict[str, dict[str, Any]]:
    """Each in-scope request and the arguments its tool is called with (request -> call)."""
    return {str(d["text"]): dict(d.get("arguments") or {}) for d in _lines() if d["tool"]}
