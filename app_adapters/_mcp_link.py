"""One live connection to an MCP server over stdio, owned by a task on the app's own loop.

The mcp client is built on anyio task groups, which must be entered and left by the same
task, on the loop that opened them. The connection lives in a dedicated task on a private
loop thread (``Owner``); ``connect``, ``list_tools``, ``call`` and ``close`` may be awaited
from any task of any loop, and ``block`` serves synchronous callers. A dead server is
noticed on the call that fails, and restarted on the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from collections.abc import Callable, Coroutine
from typing import IO, TYPE_CHECKING, Any, TypeVar

from assistant_sdk.errors import MissingDependencyError, ToolError, ToolTimeoutError

from ._mcp_owner import Owner, log_offset, spawn_command, stderr_tail

if TYPE_CHECKING:
    import mcp_types
    from mcp import Client

__all__ = ["Link", "require_mcp"]

T = TypeVar("T")

log = logging.getLogger("app_adapters.mcp")
_CLOSE_TIMEOUT_S = 8.0


def require_mcp() -> None:
    try:
        import mcp  # noqa: F401
    except ImportError:
        raise MissingDependencyError("mcp", "mcp", "MCP servers") from None


class Link:
    def __init__(
        self,
        server: str,
        command: str,
        args: list[str],
        env: dict[str, str],
        cwd: str | None,
        connect_timeout: float,
        errlog: IO[str] | None,
        on_tools_changed: Callable[[], None],
    ) -> None:
        self._server = server
        self._command = " ".join([command, *args])
        self._spawn = (command, args, env, cwd)
        self._connect_timeout = connect_timeout
        self._errlog = errlog
        self._own_log: IO[str] | None = None
        self._on_tools_changed = on_tools_changed
        self._owner = Owner(server)
        self._client: Client | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop: asyncio.Event | None = None
        self._lock: asyncio.Lock | None = None
        self.started = False

    # -- from any caller -------------------------------------------------------------------

    async def connect(self) -> Client:
        return await self._owner.run(self._connect())

    async def close(self) -> None:
        try:
            await self._owner.run(self._close())
        finally:
            if not self._owner.on_owner():
                self._stop_owner()

    def close_sync(self) -> None:
        try:
            self._owner.block(self._close())
        finally:
            self._stop_owner()

    def _stop_owner(self) -> None:
        self._owner.stop()
        self._lock = None
        if self._own_log is not None:
            self._own_log.close()
            self._own_log = None

    def _log(self) -> IO[str]:
        """Where the server's stderr goes when the app was given no ``errlog``."""
        if self._own_log is None:
            self._own_log = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        return self._own_log

    async def list_tools(self) -> list[mcp_types.Tool]:
        return await self._owner.run(self._list_tools())

    async def call(
        self, tool: str, remote: str, arguments: dict[str, Any], timeout: float
    ) -> mcp_types.CallToolResult:
        return await self._owner.run(self._call(tool, remote, arguments, timeout))

    def block(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` (which may await this link) to the end, for a synchronous caller."""
        return self._owner.block(coro)

    # -- on the owner loop -----------------------------------------------------------------

    def _guard(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    async def _connect(self) -> Client:
        async with self._guard():
            if self._client is not None:
                return self._client
            errlog = self._errlog or self._log()
            since = log_offset(errlog)
            ready: asyncio.Future[Client] = asyncio.get_running_loop().create_future()
            self._stop = asyncio.Event()
            self._task = asyncio.create_task(self._own(ready, errlog), name=f"mcp:{self._server}")
            try:
                self._client = await asyncio.wait_for(asyncio.shield(ready), self._connect_timeout)
            except TimeoutError:
                self._task.cancel()
                await self._end()
                raise ToolError(
                    f"MCP server {self._server!r} ({self._command}) did not start within "
                    f"{self._connect_timeout:g} s; raise connect_timeout if it is slow to start"
                    + _quoted(stderr_tail(errlog, since)[1]),
                    retryable=True,
                ) from None
            except Exception as exc:
                await self._end()
                raise ToolError(self._failed(exc, errlog, since), retryable=True) from None
            self.started = True
            return self._client

    def _failed(self, exc: BaseException, errlog: IO[str], since: int) -> str:
        """Why a start failed: the command, its exit status and the end of its stderr."""
        status, tail = stderr_tail(errlog, since)
        leaf = _leaf(exc)
        if isinstance(leaf, OSError):
            why = f"{type(leaf).__name__}: {leaf}"
        elif status is not None:
            why = f"it exited with status {status}"
        else:
            why = f"{type(leaf).__name__}: {leaf}" if str(leaf) else "it closed the connection"
        return f"MCP server {self._server!r} could not be started ({self._command}): {why}" + (
            _quoted(tail)
        )

    async def _close(self) -> None:
        async with self._guard():
            await self._end()

    async def _list_tools(self) -> list[mcp_types.Tool]:
        from mcp import MCPError

        client = await self._connect()
        tools: list[mcp_types.Tool] = []
        cursor = None
        try:
            async with asyncio.timeout(self._connect_timeout):
                while True:
                    page = await client.list_tools(cursor=cursor, cache_mode="refresh")
                    tools.extend(page.tools)
                    cursor = page.next_cursor
                    if cursor is None:
                        return tools
        except TimeoutError:
            raise ToolError(
                f"MCP server {self._server!r} did not list its tools within "
                f"{self._connect_timeout:g} s",
                retryable=True,
            ) from None
        except MCPError as exc:
            await self._lost(client)
            raise ToolError(
                f"MCP server {self._server!r} could not list its tools: {exc}", retryable=True
            ) from None

    async def _call(
        self, tool: str, remote: str, arguments: dict[str, Any], timeout: float
    ) -> mcp_types.CallToolResult:
        from mcp import MCPError
        from mcp_types import CONNECTION_CLOSED, REQUEST_TIMEOUT
        from pydantic import ValidationError

        client = await self._connect()
        try:
            return await client.call_tool(remote, arguments, read_timeout_seconds=timeout)
        except MCPError as exc:
            if exc.code == REQUEST_TIMEOUT:
                raise ToolTimeoutError(
                    f"{tool} on MCP server {self._server!r} did not answer within {timeout:g} s",
                    tool=tool,
                    retryable=True,
                ) from None
            if exc.code == CONNECTION_CLOSED:
                await self._lost(client)
                raise ToolError(
                    f"MCP server {self._server!r} exited during {tool}; "
                    "it will be restarted on the next call",
                    tool=tool,
                    retryable=True,
                ) from None
            message = f"MCP server {self._server!r} refused {tool}: {exc}"
            raise ToolError(message, tool=tool) from None
        except ValidationError as exc:
            raise ToolError(
                f"MCP server {self._server!r} sent a malformed result for {tool}: {exc}", tool=tool
            ) from None

    async def _lost(self, client: Client) -> None:
        async with self._guard():
            if self._client is client:
                await self._end()

    async def _end(self) -> None:
        self._client = None
        task, self._task = self._task, None
        if task is None:
            return
        if self._stop is not None:
            self._stop.set()
        try:
            await asyncio.wait_for(task, _CLOSE_TIMEOUT_S)
        except TimeoutError:
            log.warning("MCP server %r did not shut down in time", self._server)
        except (Exception, asyncio.CancelledError):
            log.debug("MCP server %r shut down with an error", self._server, exc_info=True)

    async def _own(self, ready: asyncio.Future[Client], errlog: IO[str]) -> None:
        """Hold the connection open until ``_stop`` is set; listen for tool-list changes."""
        import anyio
        from mcp import Client, StdioServerParameters
        from mcp.client.stdio import stdio_client

        command, args, env, cwd = self._spawn
        command, args = spawn_command(command, args)
        params = StdioServerParameters(command=command, args=args, env=env, cwd=cwd)
        transport = stdio_client(params, errlog=errlog)  # type: ignore[arg-type]
        stop = self._stop
        assert stop is not None
        try:
            async with (
                Client(transport, cache=None, message_handler=self._on_message) as client,
                anyio.create_task_group() as group,
            ):
                group.start_soon(self._listen, client)
                ready.set_result(client)
                await stop.wait()
                group.cancel_scope.cancel()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc if isinstance(exc, Exception) else RuntimeError(exc))
            if not isinstance(exc, Exception):
                raise

    async def _listen(self, client: Client) -> None:
        """On the 2026 protocol, changes arrive on a ``subscriptions/listen`` stream."""
        from mcp_types.version import MODERN_PROTOCOL_VERSIONS

        caps = client.server_capabilities.tools
        if client.protocol_version not in MODERN_PROTOCOL_VERSIONS:
            return
        if caps is None or not caps.list_changed:
            return
        with contextlib.suppress(Exception):
            async with client.listen(tools_list_changed=True) as subscription:
                async for _event in subscription:
                    self._on_tools_changed()

    async def _on_message(self, message: Any) -> None:
        """Before 2026, a server sends ``notifications/tools/list_changed``."""
        from mcp_types import ToolListChangedNotification

        if isinstance(message, ToolListChangedNotification):
            self._on_tools_changed()


def _leaf(exc: BaseException) -> BaseException:
    """The first real error inside (possibly nested) exception groups."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _quoted(tail: str) -> str:
    return f"; its stderr ends:\n{tail}" if tail else ""
