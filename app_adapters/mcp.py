"""Apps that already run an MCP server: use its tools (``McpApp``), or serve ours (``serve``).

    async with McpApp.stdio("files", "npx", ["-y", "@modelcontextprotocol/server-filesystem", "."],
                            data_classes={"read_file": ["device"]}) as files:
        registry.add_app(files)
        await files.call("read_file", {"path": "README.md"})

Annotations become risk levels: ``readOnlyHint`` → read, ``destructiveHint`` → destructive,
anything else (including no annotations) → write; ``risks={"tool": "read"}`` overrides one
tool's level. Names the cloud APIs would reject (``notes.search``) are sanitised
(``notes_search``); ``original_name`` maps them back. Tools the server runs only as MCP tasks
are skipped with a warning. The session runs on the app's own loop thread, so the app may be
started and called from synchronous code (``with McpApp.stdio(...) as app``), from any task,
and from several event loops. Needs the ``mcp`` extra: ``pip install 'assistant-sdk[mcp]'``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Self

from assistant_sdk.errors import ConfigurationError, ToolDefinitionError, ToolError
from assistant_sdk.tools import validate_tool
from assistant_sdk.types import Risk, Tool

from ._mcp_link import Link, require_mcp
from ._mcp_serve import build_server, main, serve
from .base import ToolChanges, diff_tools, jsonable, safe_tool_name

if TYPE_CHECKING:
    import mcp_types

__all__ = [
    "DEFAULT_CALL_TIMEOUT_S",
    "DEFAULT_CONNECT_TIMEOUT_S",
    "META_PREFIX",
    "McpApp",
    "build_server",
    "main",
    "serve",
]

DEFAULT_CONNECT_TIMEOUT_S = 90.0
"""Start-up and listing: ``npx -y`` and ``uvx`` fetch the server on a cold start (~20 s)."""
DEFAULT_CALL_TIMEOUT_S = 30.0

META_PREFIX = "assistant-sdk/"
"""Tools served by ``serve`` carry their examples, data classes and capability in ``_meta``."""


class McpApp:
    """An MCP server (started over stdio) seen as an app: its tools, and calls to them.

    ``start()`` spawns the server and lists its tools; a call on a server that died restarts
    it on the next call. When the server announces that its tools changed, ``stale`` turns
    true (and ``on_tools_changed`` is called); ``refresh()`` then returns what changed.

    ``connect_timeout`` bounds start-up and each tool listing: its default fits a cold
    ``npx -y``/``uvx`` start that downloads the server first. ``timeout`` bounds one call.
    The server's stderr goes to ``errlog`` (a temporary file by default); a failed start
    quotes its end, with the command and the exit status.
    """

    trusted = False
    """Its tool descriptions come from a third party: data for the engine, not instructions."""

    def __init__(
        self,
        name: str,
        command: str,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        *,
        cwd: str | None = None,
        timeout: float = DEFAULT_CALL_TIMEOUT_S,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_S,
        prefix: str = "",
        data_classes: Mapping[str, Iterable[str]] | None = None,
        examples: Mapping[str, Iterable[str]] | None = None,
        capabilities: Mapping[str, str] | None = None,
        risks: Mapping[str, Risk | str] | None = None,
        on_tools_changed: Callable[[McpApp], None] | None = None,
        errlog: IO[str] | None = None,
    ) -> None:
        if timeout <= 0 or connect_timeout <= 0:
            raise ConfigurationError(f"MCP app {name!r}: timeouts must be positive")
        self._name = name
        self._link = Link(
            name, command, list(args), dict(env or {}), cwd, connect_timeout, errlog, self._changed
        )
        self._timeout = timeout
        self._prefix = prefix
        self._data_classes = {k: frozenset(v) for k, v in (data_classes or {}).items()}
        self._examples = {k: tuple(v) for k, v in (examples or {}).items()}
        self._capabilities = dict(capabilities or {})
        self._risks = _risks(name, risks or {})
        self._on_tools_changed = on_tools_changed
        self._tools: dict[str, Tool] = {}
        self._remote: dict[str, str] = {}
        self._output_schemas: dict[str, Mapping[str, Any] | None] = {}
        self._stale = False

    @classmethod
    def stdio(
        cls,
        name: str,
        command: str,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        **options: Any,
    ) -> McpApp:
        """The server ``command args...``; ``env`` is added to a minimal safe environment."""
        return cls(name, command, args, env, **options)

    @property
    def name(self) -> str:
        return self._name

    @property
    def stale(self) -> bool:
        """True once the server said its tool list changed and ``refresh()`` has not run."""
        return self._stale

    def tools(self) -> Sequence[Tool]:
        if not self._link.started:
            raise ConfigurationError(f"MCP app {self._name!r}: call `await app.start()` first")
        return list(self._tools.values())

    def original_name(self, tool: str) -> str:
        """The server's own name for one of our (possibly sanitised) tool names."""
        return self._remote[tool]

    async def start(self) -> Sequence[Tool]:
        require_mcp()
        await self._link.connect()
        self._tools, self._remote, self._output_schemas = await self._list()
        return self.tools()

    async def close(self) -> None:
        await self._link.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    def __enter__(self) -> Self:
        """Start from synchronous code; the session lives on the app's own loop thread."""
        self._link.block(self.start())
        return self

    def __exit__(self, *_: object) -> None:
        self._link.close_sync()

    async def refresh(self) -> ToolChanges:
        """List the tools again; return what was added, removed or changed."""
        before = list(self._tools.values())
        self._stale = False
        self._tools, self._remote, self._output_schemas = await self._list()
        return diff_tools(before, list(self._tools.values()))

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> Any:
        remote = self._remote.get(tool)
        if remote is None:
            raise ToolError(f"MCP app {self._name!r} has no tool {tool!r}", tool=tool)
        result = await self._link.call(tool, remote, dict(arguments), self._timeout)
        text = _text(result)
        if result.is_error:
            raise ToolError(
                f"{tool} failed on MCP server {self._name!r}: {text or 'no details'}", tool=tool
            )
        return jsonable(_value(result, self._output_schemas.get(tool), text), tool=tool)

    async def _list(self) -> tuple[dict[str, Tool], dict[str, str], dict[str, Any]]:
        listed = await self._link.list_tools()
        tools: dict[str, Tool] = {}
        remote: dict[str, str] = {}
        schemas: dict[str, Any] = {}
        skipped: list[str] = []
        for item in listed:
            if item.execution is not None and item.execution.task_support == "required":
                skipped.append(f"{item.name}: runs only as an MCP task, which is not supported")
                continue
            local = safe_tool_name(item.name, tools, prefix=self._prefix)
            try:
                tools[local] = validate_tool(self._tool(local, item))
            except ToolDefinitionError as exc:
                skipped.append(f"{item.name}: {exc}")
                continue
            remote[local] = item.name
            schemas[local] = item.output_schema
        if skipped:
            warnings.warn(
                f"MCP app {self._name!r}: skipped {len(skipped)} tool(s): " + "; ".join(skipped),
                stacklevel=3,
            )
        return tools, remote, schemas

    def _tool(self, local: str, item: mcp_types.Tool) -> Tool:
        meta = item.meta or {}
        hints = item.annotations
        if item.name in self._risks:
            risk = self._risks[item.name]
        elif hints is not None and hints.read_only_hint:
            risk = Risk.READ
        elif hints is not None and hints.destructive_hint:
            risk = Risk.DESTRUCTIVE
        else:
            risk = Risk.WRITE
        schema = dict(item.input_schema or {})
        schema.pop("title", None)
        schema["properties"] = {
            key: {k: v for k, v in prop.items() if k != "title"} if isinstance(prop, dict) else prop
            for key, prop in schema.get("properties", {}).items()
        }
        return Tool(
            name=local,
            description=item.description or item.title or item.name.replace("_", " "),
            app=self._name,
            parameters=schema,
            examples=self._examples.get(item.name) or tuple(meta.get(f"{META_PREFIX}examples", ())),
            risk=risk,
            data_classes=self._data_classes.get(item.name)
            or frozenset(_strings(meta.get(f"{META_PREFIX}data_classes"))),
            capability=self._capabilities.get(item.name)
            or _string(meta.get(f"{META_PREFIX}capability")),
        )

    def _changed(self) -> None:
        self._stale = True
        if self._on_tools_changed is not None:
            self._on_tools_changed(self)


def _risks(app: str, given: Mapping[str, Risk | str]) -> dict[str, Risk]:
    """Per-tool risk levels from the app's configuration, keyed by the server's tool names."""
    levels = {r.value for r in Risk}
    out: dict[str, Risk] = {}
    for tool, level in given.items():
        if not isinstance(level, Risk) and level not in levels:
            raise ConfigurationError(
                f"MCP app {app!r}: risk for {tool!r} must be one of {sorted(levels)}, got {level!r}"
            )
        out[tool] = Risk(level)
    return out


def _strings(value: Any) -> tuple[str, ...]:
    """Strings from a ``_meta`` entry written by ``serve``; anything else is ignored."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return ()


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _text(result: mcp_types.CallToolResult) -> str:
    return "\n".join(b.text for b in result.content if b.type == "text")


def _value(result: mcp_types.CallToolResult, output_schema: Any, text: str) -> Any:
    """Structured content when there is some (unwrapped from ``{"result": ...}`` when the
    server wrapped a plain value), else JSON text parsed, else the content blocks."""
    structured = result.structured_content
    if structured is not None:
        props = (output_schema or {}).get("properties", {})
        if set(structured) == {"result"} and set(props) == {"result"}:
            return structured["result"]
        return structured
    if all(b.type == "text" for b in result.content):
        if text.lstrip()[:1] in ("{", "["):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                pass
        return text
    return [_block(b) for b in result.content]


def _block(block: Any) -> Any:
    if block.type == "text":
        return block.text
    if block.type in ("image", "audio"):
        return {"type": block.type, "mime_type": block.mime_type, "base64_chars": len(block.data)}
    if block.type == "resource":
        res = block.resource
        return getattr(res, "text", None) or {"type": "resource", "uri": str(res.uri)}
    return block.model_dump(mode="json", by_alias=True, exclude_none=True)


if __name__ == "__main__":
    raise SystemExit(main())
