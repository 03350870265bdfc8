"""A real Prism mock server (``@stoplight/prism-cli`` from node_modules, installed by ``make
setup``) on 127.0.0.1, serving an OpenAPI document. Prism validates every request against the
document (parameters in their ``style``/``explode`` form, the JSON body, the security schemes)
and answers 422 (or 401) when it does not match, so a 2xx from it is a real check."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "node_modules" / "@stoplight" / "prism-cli" / "dist" / "index.js"
READY_S = 60.0


class PrismUnavailable(RuntimeError):
    """node or the Prism package is missing: ``make setup`` installs it."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def prism_mock(document: dict[str, Any], port: int | None = None) -> Iterator[int]:
    """Serve ``document`` with Prism on ``port`` (a free one by default) and yield the port once
    Prism accepts connections; stop it (its whole process group) on exit."""
    if shutil.which("node") is None or not PRISM.exists():
        raise PrismUnavailable(f"node and {PRISM} are needed: run `make setup` (npm ci) first")
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="prism-") as folder:
        spec = Path(folder) / "openapi.json"
        spec.write_text(json.dumps(document))
        log = (Path(folder) / "prism.log").open("wb")
        command = ["node", str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)]
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            _wait_ready(process, port, Path(log.name))
            yield port
        finally:
            _stop(process)
            log.close()


def _wait_ready(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + READY_S
    while not _listening(port):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            tail = log.read_text(errors="replace")[-2000:]
            raise PrismUnavailable(f"Prism did not start on port {port}: {tail}")
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
