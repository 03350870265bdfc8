"""Checks of a saved resolver's ``resolver.json`` before anything trusts it.

The file holds the checksums of the other files, so nothing checks it but these: a hand-edited
or foreign file gets an ``IndexStoreError`` naming the file, the line and the field, never a
``KeyError`` or a ``TypeError`` later, in the middle of a request.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from ..errors import IndexStoreError

__all__ = ["check_resolver_meta", "entry_lines", "line_of"]


def check_resolver_meta(meta: Any, text: str, path: Path) -> dict[str, Any]:
    """``meta`` (parsed from ``text``, read from ``path``) if its shape is right, else raise."""
    if not isinstance(meta, dict):
        raise IndexStoreError(f"{path}, line 1: expected a JSON object; rebuild the index")
    for key, kind in (("format", str), ("fingerprint", str), ("entries", dict)):
        if not isinstance(meta.get(key), kind):
            _bad(path, text, key, f"{key!r} must be a {_NAME[kind]}")
    for key in ("entries", "sha256"):
        table = meta.get(key, {})
        if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in table.items()
        ):
            _bad(path, text, key, f"{key!r} must map names to strings")
    unknown = set(meta.get("sha256", {})) - _FILES
    if unknown:
        _bad(
            path,
            text,
            "sha256",
            f"'sha256' names files a saved resolver does not have: {sorted(unknown)}",
        )
    calibration = meta.get("calibration")
    if not isinstance(calibration, dict):
        _bad(path, text, "calibration", "'calibration' must be an object")
    for part in ("weights", "thresholds"):
        numbers = calibration.get(part)
        if not isinstance(numbers, Mapping) or not all(
            isinstance(k, str) and _finite(v) for k, v in numbers.items()
        ):
            _bad(path, text, part, f"'calibration.{part}' must map names to finite numbers")
    if not isinstance(calibration.get("fitted", False), bool):
        _bad(path, text, "fitted", "'calibration.fitted' must be true or false")
    return meta


_NAME = {str: "string", dict: "JSON object"}
_FILES = {"vectors.index", "head.npz", "reader.npz"}


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _bad(path: Path, text: str, key: str, problem: str) -> NoReturn:
    raise IndexStoreError(f"{path}, line {line_of(text, key)}: {problem}; rebuild the index")


def line_of(text: str, key: str) -> int:
    """The line where ``"key":`` first appears in ``text`` (1 when it does not)."""
    match = re.search(rf'"{re.escape(key)}"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def entry_lines(text: str) -> list[int]:
    """The line each element of a manifest's tool list starts on (the top-level list, or the
    ``"tools"`` list of an object); empty when ``text`` is not shaped like a manifest."""
    decoder = json.JSONDecoder()
    found = re.search(r'"tools"\s*:\s*\[', text) if text.lstrip().startswith("{") else None
    start = found.end() if found else text.find("[") + 1
    if start <= 0:
        return []
    lines: list[int] = []
    position = start
    while True:
        position = _skip(text, position)
        if position >= len(text) or text[position] == "]":
            return lines
        lines.append(text.count("\n", 0, position) + 1)
        try:
            _, position = decoder.raw_decode(text, position)
        except (json.JSONDecodeError, RecursionError):
            return lines


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n,":
        position += 1
    return position
