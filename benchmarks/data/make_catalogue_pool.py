"""Build ``catalogue_pool.jsonl.gz``: a pooled public catalogue of functions with requests.

Source: the Berkeley Function Calling Leaderboard data shipped in the ``bfcl-eval`` package on
PyPI (Apache-2.0, https://github.com/ShishirPatil/gorilla). Every function of the
simple-Python, multiple, live-simple and live-multiple sets is pooled into one catalogue (first
description kept per name); each request whose answer is one call of one pooled function is
kept with that function as its label. Parameters keep only names, types, descriptions and
enum values. Run from the repository root:

    python -m benchmarks.data.make_catalogue_pool
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

VERSION = "2026.3.23"
SETS = ("simple_python", "multiple", "live_simple", "live_multiple")
OUT = Path(__file__).with_name("catalogue_pool.jsonl.gz")


def _lines(archive: zipfile.ZipFile, name: str) -> list[dict[str, Any]]:
    text = archive.read(f"bfcl_eval/data/{name}").decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _params(schema: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for key, sub in (schema.get("properties") or {}).items():
        kept = {k: sub[k] for k in ("type", "description", "enum") if k in sub}
        if kept.get("type") == "dict":
            kept["type"] = "object"
        if kept.get("type") not in ("string", "integer", "number", "boolean", "array", "object"):
            kept.pop("type", None)
        props[key] = kept
    return {"type": "object", "properties": props}


@contextmanager
def bfcl_archive() -> Iterator[zipfile.ZipFile]:
    """The ``bfcl-eval`` wheel of ``VERSION``, downloaded from PyPI into a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp,
             f"bfcl-eval=={VERSION}"],
            check=True,
        )  # fmt: skip
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            yield archive


def entries(
    archive: zipfile.ZipFile,
) -> Iterator[tuple[str, dict[str, Any], dict[str, Any] | None, str]]:
    """Every entry of ``SETS``: its set, the entry, its one ground-truth call (``{name:
    accepted arguments}``, or None when it has none or several) and the user's last words."""
    for name in SETS:
        answers = {a["id"]: a for a in _lines(archive, f"possible_answer/BFCL_v4_{name}.json")}
        for entry in _lines(archive, f"BFCL_v4_{name}.json"):
            truth = answers.get(entry["id"], {}).get("ground_truth") or []
            turns = [m for m in entry["question"][-1] if m.get("role") == "user"]
            single = len(truth) == 1 and len(truth[0]) == 1 and turns
            text = " ".join(str(turns[-1]["content"]).split())[:400] if turns else ""
            yield name, entry, truth[0] if single else None, text


def main() -> None:
    tools: dict[str, dict[str, Any]] = {}
    queries: list[dict[str, Any]] = []
    with bfcl_archive() as archive:
        for name, entry, call, text in entries(archive):
            for fn in entry["function"]:
                tools.setdefault(
                    fn["name"],
                    {"kind": "tool", "name": fn["name"], "description": fn["description"],
                     "parameters": _params(fn.get("parameters") or {})},
                )  # fmt: skip
            if call is not None:
                (label,) = call
                queries.append({"kind": "query", "text": text, "tool": label, "set": name})
    with gzip.open(OUT, "wt", encoding="utf-8") as fh:
        source = {"kind": "source", "package": f"bfcl-eval=={VERSION}", "license": "Apache-2.0",
                  "url": "https://github.com/ShishirPatil/gorilla"}  # fmt: skip
        fh.write(json.dumps(source) + "\n")
        for row in [*tools.values(), *(q for q in queries if q["tool"] in tools)]:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(tools)} tools, {len(queries)} requests -> {OUT}")


if __name__ == "__main__":
    main()
