"""Build ``catalogue_pool_calls.jsonl.gz``: the arguments of each pooled request's answer.

Beside ``catalogue_pool.jsonl.gz`` (same source, same requests): for every request kept there,
the arguments of its one ground-truth call, each parameter's first accepted value (parameters
whose only accepted value is "absent" are left out). The learning-from-use replay
(``bench_catalogue.replay``) passes them as the engine's settled call. Run from the
repository root:

    python -m benchmarks.data.make_pool_calls
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from .make_catalogue_pool import bfcl_archive, entries

OUT = Path(__file__).with_name("catalogue_pool_calls.jsonl.gz")


def _arguments(accepted: dict[str, list[Any]]) -> dict[str, Any]:
    said = {k: [v for v in vs if v != ""] for k, vs in accepted.items()}
    return {k: vs[0] for k, vs in said.items() if vs}


def main() -> None:
    rows: list[dict[str, Any]] = []
    with bfcl_archive() as archive:
        for _, _, call, text in entries(archive):
            if call is not None:
                ((label, accepted),) = call.items()
                rows.append({"text": text, "tool": label, "arguments": _arguments(accepted)})
    with gzip.open(OUT, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} calls -> {OUT}")


if __name__ == "__main__":
    main()
