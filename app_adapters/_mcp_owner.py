"""A private event loop on its own thread, and what a failed start-up tells about the server.

An MCP client session is bound to the loop (and the anyio task) that opened it. The app runs
its session on a loop of its own, so that synchronous callers (each ``Assistant.handle()``
runs a fresh ``asyncio.run``), async callers and several loops at once all reach the same
live session: each call is handed to the owner loop and its result handed back.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
from collections.abc import Coroutine
from typing import IO, Any, TypeVar

__all__ = ["STATUS_MARK", "Owner", "log_offset", "spawn_command", "stderr_tail"]

T = TypeVar("T")
STATUS_MARK = "assistant-sdk: server exited with status "
_TAIL_CHARS = 600


class Owner:
    """One daemon thread running one event loop, started on first use and stopped by ``stop``."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def _ensure(self) -> asyncio.AbstractEventLoop:
        with self._guard:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name=f"mcp:{self._name}", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def on_owner(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self._ensure())

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` on the owner loop from any loop; cancelling the caller cancels it."""
        if self.on_owner():
            return await coro
        return await asyncio.wrap_future(self.submit(coro))

    def block(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the owner loop and wait for it (for synchronous callers)."""
        if self.on_owner():
            raise RuntimeError("Owner.block called from the owner loop")
        return self.submit(coro).result()

    def stop(self) -> None:
        with self._guard:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        if thread is not threading.current_thread():
            thread.join(timeout=10)
            loop.close()


def spawn_command(command: str, args: list[str]) -> tuple[str, list[str]]:
    """``command args`` run under ``/bin/sh`` so that the server's exit status reaches stderr.

    The server process keeps its stdin and stdout; the shell adds one line to stderr when the
    server exits, which start-up errors then quote. Status 0 is reported too: a server that
    logs a bad argument and returns (``mcp-server-git`` on a folder that is not a repository)
    exits cleanly before it ever answers.
    """
    if os.name != "posix" or not os.path.exists("/bin/sh"):
        return command, args
    script = f'"$0" "$@"; s=$?; echo "{STATUS_MARK}$s" >&2; exit "$s"'
    return "/bin/sh", ["-c", script, command, *args]


def log_offset(errlog: IO[str]) -> int:
    """Where the next server's stderr will start in ``errlog`` (0 when it cannot be told)."""
    try:
        errlog.flush()
        return os.fstat(errlog.fileno()).st_size
    except (OSError, ValueError, AttributeError):
        return 0


def stderr_tail(errlog: IO[str], since: int) -> tuple[int | None, str]:
    """The server's exit status (when it printed one) and the end of what it wrote to stderr
    after offset ``since``."""
    try:
        errlog.flush()
        name = getattr(errlog, "name", None)
        closefd = isinstance(name, str)
        source: str | int = name if isinstance(name, str) else errlog.fileno()
        with open(source, encoding="utf-8", errors="replace", closefd=closefd) as fh:
            fh.seek(since)
            text = fh.read()
    except (OSError, ValueError, AttributeError):
        return None, ""
    status: int | None = None
    kept: list[str] = []
    for line in text.splitlines():
        if line.startswith(STATUS_MARK):
            tail = line[len(STATUS_MARK) :].strip()
            status = int(tail) if tail.lstrip("-").isdigit() else None
        else:
            kept.append(line)
    return status, "\n".join(kept).strip()[-_TAIL_CHARS:]
