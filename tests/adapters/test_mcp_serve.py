"""``serve`` runs registered tools as an MCP server: spawned as a real process, called by the
real mcp client and by our own ``McpApp`` (the round trip)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from app_adapters.mcp import McpApp
from assistant_sdk.errors import ToolError

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
ARGS = ["-m", "app_adapters.mcp", "serve", "--apps", "served_apps:build", "--name", "phone"]
ENV = {"PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])}


def originals() -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    try:
        from served_apps import build
    finally:
        sys.path.remove(str(HERE))
    return {tool.name: (app, tool) for app in build() for tool in app.tools()}


def connect() -> Client:
    """The mcp client, entered in each test's own task (its task groups cannot cross tasks)."""
    params = StdioServerParameters(command=sys.executable, args=ARGS, env=ENV, cwd=str(ROOT))
    return Client(params, cache=None)


async def test_an_mcp_client_sees_every_tool_with_annotations_from_our_risk() -> None:
    async with connect() as client:
        assert client.server_info is not None and client.server_info.name == "phone"
        listed = {t.name: t for t in (await client.list_tools()).tools}
        assert set(listed) == {"book_ride", "cancel_ride", "now"}
        assert listed["now"].annotations.read_only_hint is True  # type: ignore[union-attr]
        book = listed["book_ride"].annotations
        assert book is not None and not book.read_only_hint and not book.destructive_hint
        assert listed["cancel_ride"].annotations.destructive_hint is True  # type: ignore[union-attr]
        assert listed["book_ride"].input_schema["required"] == ["destination"]


async def test_an_mcp_client_calls_a_tool_and_gets_text_and_structured_content() -> None:
    async with connect() as client:
        result = await client.call_tool("book_ride", {"destination": "home", "seats": 2})
        assert not result.is_error
        expected = {"destination": "home", "seats": 2, "stops": 0}
        assert result.structured_content == {"result": expected}
        assert result.content[0].type == "text" and '"seats": 2' in result.content[0].text


async def test_invalid_arguments_come_back_as_an_error_result_without_running_the_tool() -> None:
    async with connect() as client:
        result = await client.call_tool("book_ride", {"seats": "two"})
        assert result.is_error
        assert "Invalid arguments for book_ride" in result.content[0].text  # type: ignore[union-attr]


async def test_a_tool_error_comes_back_as_an_error_result() -> None:
    async with connect() as client:
        result = await client.call_tool("cancel_ride", {"ride_id": "r9"})
        assert result.is_error
        assert result.content[0].text == "No ride r9"  # type: ignore[union-attr]


async def test_an_unknown_tool_comes_back_as_an_error_result() -> None:
    async with connect() as client:
        result = await client.call_tool("teleport", {})
        assert result.is_error and "Unknown tool" in result.content[0].text  # type: ignore[union-attr]


async def test_mcp_app_on_a_served_registry_recovers_the_same_tools(tmp_path: Path) -> None:
    served = McpApp.stdio("phone", sys.executable, ARGS, ENV, cwd=str(ROOT))
    async with served:
        tools = {t.name: t for t in served.tools()}
    for name, (_app, original) in originals().items():
        assert tools[name].description == original.description
        assert tools[name].parameters == original.parameters
        assert tools[name].examples == original.examples
        assert tools[name].risk is original.risk
        assert tools[name].data_classes == original.data_classes
        assert tools[name].capability == original.capability
        assert tools[name].app == "phone"


async def test_mcp_app_on_a_served_registry_returns_what_the_python_call_returns() -> None:
    direct = originals()
    arguments = {"destination": "work", "stops": [{"place": "cafe", "minutes": 5}]}
    async with McpApp.stdio("phone", sys.executable, ARGS, ENV, cwd=str(ROOT)) as served:
        for name, args in [("book_ride", arguments), ("now", {})]:
            app, _ = direct[name]
            assert await served.call(name, args) == await app.call(name, args)
        with pytest.raises(ToolError, match="No ride r1"):
            await served.call("cancel_ride", {"ride_id": "r1"})


def test_the_serve_command_explains_a_bad_apps_argument_and_exits_2() -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "app_adapters.mcp", "serve", "--apps", "nonsense"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
    )
    assert done.returncode == 2
    assert "'sample' or 'module:function'" in done.stderr
    assert "RuntimeWarning" not in done.stderr
