"""Serve registered tools as an MCP server over stdio, so any MCP client can call them.

    python -m app_adapters.mcp serve --apps sample            # the sample apps
    python -m app_adapters.mcp serve --apps mypackage.apps:build

Risk becomes tool annotations (read → ``readOnlyHint``, destructive → ``destructiveHint``);
examples, data classes and capability travel in the tool's ``_meta`` so that an ``McpApp``
on the other side recovers the same ``Tool``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant_sdk.errors import ConfigurationError, ToolError
from assistant_sdk.tools import AppAdapter, ToolRegistry
from assistant_sdk.types import Risk, Tool

from ._mcp_link import require_mcp

if TYPE_CHECKING:
    import mcp_types
    from mcp.server import Server

__all__ = ["build_server", "main", "serve"]

_META = "assistant-sdk/"
#: The output schema of every served tool: the result is wrapped as ``{"result": ...}``.
_WRAPPED = {"type": "object", "properties": {"result": {}}, "required": ["result"]}


def build_server(
    source: ToolRegistry | Iterable[AppAdapter], *, name: str = "assistant-sdk"
) -> Server[Any]:
    """An MCP ``Server`` exposing every tool of ``source``; run it on any transport."""
    require_mcp()
    import mcp_types as types
    from mcp.server import Server

    registry = _registry(source)
    listing = [_mcp_tool(tool) for tool in registry]

    async def list_tools(_ctx: Any, _params: Any) -> mcp_types.ListToolsResult:
        return types.ListToolsResult(tools=listing)

    async def call_tool(_ctx: Any, params: mcp_types.CallToolRequestParams) -> Any:
        try:
            value = await _call(registry, params.name, dict(params.arguments or {}))
        except ToolError as exc:
            return types.CallToolResult(
                content=[types.TextContent(type="text", text=str(exc))], is_error=True
            )
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)],
            structured_content={"result": value},
        )

    return Server(name, on_list_tools=list_tools, on_call_tool=call_tool)


async def serve(
    source: ToolRegistry | Iterable[AppAdapter], *, name: str = "assistant-sdk"
) -> None:
    """Serve ``source`` over this process's stdin/stdout until the client disconnects."""
    server = build_server(source, name=name)
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


async def _call(registry: ToolRegistry, name: str, arguments: dict[str, Any]) -> Any:
    from jsonschema import Draft202012Validator

    tool = registry.get(name)
    adapter = registry.adapter_for(name)
    if tool is None or adapter is None:
        raise ToolError(f"Unknown tool {name!r}", tool=name)
    errors = sorted(Draft202012Validator(dict(tool.parameters)).iter_errors(arguments), key=str)
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "arguments"
        raise ToolError(f"Invalid arguments for {name}: {where}: {errors[0].message}", tool=name)
    try:
        return await adapter.call(name, arguments)
    except ToolError:
        raise
    except Exception as exc:
        raise ToolError(f"{name} failed: {type(exc).__name__}: {exc}", tool=name) from exc


def _mcp_tool(tool: Tool) -> mcp_types.Tool:
    import mcp_types as types

    meta: dict[str, Any] = {
        f"{_META}examples": list(tool.examples),
        f"{_META}data_classes": sorted(tool.data_classes),
    }
    if tool.capability:
        meta[f"{_META}capability"] = tool.capability
    return types.Tool(
        name=tool.name,
        description=tool.description,
        input_schema=dict(tool.parameters),
        output_schema=_WRAPPED,
        annotations=types.ToolAnnotations(
            read_only_hint=tool.risk is Risk.READ,
            destructive_hint=tool.risk is Risk.DESTRUCTIVE,
        ),
        _meta=meta,
    )


def _registry(source: ToolRegistry | Iterable[AppAdapter]) -> ToolRegistry:
    if isinstance(source, ToolRegistry):
        return source
    registry = ToolRegistry()
    for adapter in source:
        registry.add_app(adapter)
    return registry


def _load_apps(spec: str, data_dir: Path | None) -> ToolRegistry | Iterable[AppAdapter]:
    if spec == "sample":
        try:
            from app_adapters.apps import load_sample_apps
        except ImportError as exc:
            raise ConfigurationError(f"The sample apps are not available: {exc}") from None
        from assistant_sdk.settings import load_settings

        apps: Iterable[AppAdapter] = load_sample_apps(data_dir or load_settings().data_dir / "apps")
        return apps
    module, _, attr = spec.partition(":")
    if not attr:
        raise ConfigurationError(f"--apps takes 'sample' or 'module:function', got {spec!r}")
    factory = getattr(importlib.import_module(module), attr)
    built: ToolRegistry | Iterable[AppAdapter] = factory()
    return built


def main(argv: Sequence[str] | None = None) -> int:
    import asyncio

    parser = argparse.ArgumentParser(prog="python -m app_adapters.mcp")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve apps' tools as an MCP server over stdio")
    run.add_argument("--apps", default="sample", help="'sample' or 'module:function'")
    run.add_argument("--data-dir", type=Path, help="where the sample apps keep their data")
    run.add_argument("--name", default="assistant-sdk", help="the server name MCP clients see")
    args = parser.parse_args(argv)
    try:
        apps = _load_apps(args.apps, args.data_dir)
        asyncio.run(serve(apps, name=args.name))
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
