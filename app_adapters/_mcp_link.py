"""One live connection to an MCP server over stdio, owned by a background task.

The mcp client is built on anyio task groups, which must be entered and left by the same
task; a dedicated task owns the connection so that ``start``, ``call`` and ``close`` may be
awaited from any task. A dead server is noticed on the call that fails, and restarted on the
next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from assistant_sdk.errors import MissingDependencyError, ToolError, ToolTimeoutError

if TYPE_CHECKING:
    import mcp_types
    from mcp import Client

__all__ = ["Link", "require_mcp"]

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
        errlog: TextIO | None,
        on_tools_changed: Callable[[], None],
    ) -> None:
        self._server = server
        self._spawn = (command, args, env, cwd)
        self._connect_timeout = connect_timeout
        self._errlog = errlog
        self._on_tools_changed = on_tools_changed
        self._client: Client | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._lock = asyncio.Lock()
        self.started = False

    async def connect(self) -> Client:
        async with self._lock:
            if self._client is not None:
                return self._client
            ready: asyncio.Future[Client] = asyncio.get_running_loop().create_future()
            self._stop = asyncio.Event()
            self._task = asyncio.create_task(self._own(ready), name=f"mcp:{self._server}")
            try:
                self._client = await asyncio.wait_for(asyncio.shield(ready), self._connect_timeout)
            except TimeoutError:
                self._task.cancel()
                await self._end()
                raise ToolError(
                    f"MCP server {self._server!r} did not start within {self._connect_timeout:g} s",
                    retryable=True,
                ) from None
            except Exception as exc:
                await self._end()
                raise ToolError(
                    f"MCP server {self._server!r} could not be started: "
                    f"{type(exc).__name__}: {exc}",
                    retryable=True,
                ) from exc
            self.started = True
            return self._client

    async def close(self) -> None:
        async with self._lock:
            await self._end()

    async def list_tools(self) -> list[mcp_types.Tool]:
        from mcp import MCPError

        client = await self.connect()
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

    async def call(
        self, tool: str, remote: str, arguments: dict[str, Any], timeout: float
    ) -> mcp_types.CallToolResult:
        from mcp import MCPError
        from mcp_types import CONNECTION_CLOSED, REQUEST_TIMEOUT
        from pydantic import ValidationError

        client = await self.connect()
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
        async with self._lock:
            if self._client is client:
                await self._end()

    async def _end(self) -> None:
        self._client = None
        task, self._task = self._task, None
        if task is None:
            return
        self._stop.set()
        try:
            await asyncio.wait_for(task, _CLOSE_TIMEOUT_S)
        except TimeoutError:
            log.warning("MCP server %r did not shut down in time", self._server)
        except (Exception, asyncio.CancelledError):
            log.debug("MCP server %r shut down with an error", self._server, exc_info=True)

    async def _own(self, ready: asyncio.Future[Client]) -> None:
        """Hold the connection open until ``_stop`` is set; listen for tool-list changes."""
        import anyio
        from mcp import Client, StdioServerParameters
        from mcp.client.stdio import stdio_client

        command, args, env, cwd = self._spawn
        params = StdioServerParameters(command=command, args=args, env=env, cwd=cwd)
        transport = stdio_client(params, errlog=self._errlog or sys.stderr)
        try:
            async with (
                Client(transport, cache=None, message_handler=self._on_message) as client,
                anyio.create_task_group() as group,
            ):
                group.start_soon(self._listen, client)
                ready.set_result(client)
                await self._stop.wait()
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
