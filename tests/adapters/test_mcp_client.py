"""McpApp against a real MCP server process (tests/adapters/mcp_notes_server.py) over stdio."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from app_adapters.mcp import McpApp
from assistant_sdk.errors import ConfigurationError, ToolError
from assistant_sdk.tools import ToolRegistry
from assistant_sdk.types import Risk

SERVER = str(Path(__file__).with_name("mcp_notes_server.py"))


def notes_app(tmp_path: Path, **options: Any) -> McpApp:
    errlog = (tmp_path / "server.log").open("w")
    return McpApp.stdio("notes", sys.executable, [SERVER], errlog=errlog, **options)


@pytest.fixture
async def notes(tmp_path: Path) -> AsyncIterator[McpApp]:
    async with notes_app(tmp_path, timeout=2.0) as app:
        yield app


async def test_listed_tools_carry_the_servers_descriptions_and_input_schemas(notes: McpApp) -> None:
    add = {t.name: t for t in notes.tools()}["add"]
    assert add.description == "Add two numbers."
    assert add.app == "notes"
    assert add.parameters["required"] == ["a", "b"]
    assert add.parameters["properties"]["a"] == {"type": "integer"}


async def test_annotations_become_risk_levels(notes: McpApp) -> None:
    risks = {t.name: t.risk for t in notes.tools()}
    assert risks["add"] is Risk.READ
    assert risks["delete_note"] is Risk.DESTRUCTIVE
    assert risks["save_note"] is Risk.WRITE  # no annotations: not read-only, so it writes


async def test_a_name_the_cloud_apis_reject_is_sanitised_and_still_callable(notes: McpApp) -> None:
    assert "notes_search" in {t.name for t in notes.tools()}
    assert notes.original_name("notes_search") == "notes.search"
    assert await notes.call("notes_search", {"query": "milk"}) == {"matches": ["buy milk"]}


async def test_a_plain_value_comes_back_unwrapped(notes: McpApp) -> None:
    assert await notes.call("add", {"a": 2, "b": 3}) == 5


async def test_a_tool_error_on_the_server_is_a_tool_error_naming_tool_and_server(
    notes: McpApp,
) -> None:
    with pytest.raises(ToolError, match="fail failed on MCP server 'notes'") as caught:
        await notes.call("fail", {})
    assert caught.value.tool == "fail"


async def test_an_unknown_tool_is_a_tool_error(notes: McpApp) -> None:
    with pytest.raises(ToolError, match="no tool 'teleport'"):
        await notes.call("teleport", {})


async def test_a_slow_server_times_out_and_the_connection_stays_usable(tmp_path: Path) -> None:
    loop = asyncio.get_running_loop()
    async with notes_app(tmp_path, timeout=0.5) as app:
        started = loop.time()
        with pytest.raises(ToolError, match=r"did not answer within 0\.5 s") as caught:
            await app.call("slow", {"seconds": 30})
        assert loop.time() - started < 3
        assert caught.value.retryable
        assert await app.call("add", {"a": 1, "b": 1}) == 2


async def test_a_server_that_dies_mid_call_is_named_and_restarted_on_the_next_call(
    notes: McpApp,
) -> None:
    await notes.call("save_note", {"text": "state only this process knows"})
    with pytest.raises(ToolError, match="MCP server 'notes' exited during crash") as caught:
        await notes.call("crash", {})
    assert caught.value.retryable
    assert await notes.call("add", {"a": 20, "b": 22}) == 42
    found = await notes.call("notes_search", {"query": "state only"})
    assert found == {"matches": []}  # a fresh process


async def test_a_tool_list_change_marks_the_app_stale_and_refresh_returns_only_the_difference(
    notes: McpApp,
) -> None:
    registry = ToolRegistry()
    registry.add_app(notes)
    assert await notes.call("grow", {}) == "grown"
    for _ in range(100):
        if notes.stale:
            break
        await asyncio.sleep(0.02)
    assert notes.stale
    changes = await notes.refresh()
    assert [t.name for t in changes.added] == ["shout"]
    assert changes.removed == ("fail",)
    assert changes.changed == ()
    assert not notes.stale
    changes.apply(registry, notes)
    assert "shout" in registry and "fail" not in registry
    assert await registry.adapter_for("shout").call("shout", {"text": "hi"}) == "HI"


async def test_refresh_without_changes_is_empty(notes: McpApp) -> None:
    assert not await notes.refresh()


async def test_the_app_supplies_data_classes_examples_and_capabilities(tmp_path: Path) -> None:
    app = notes_app(
        tmp_path,
        data_classes={"notes.search": ["notes"]},
        examples={"notes.search": ["find my note about milk"]},
        capabilities={"notes.search": "notes.search"},
    )
    async with app:
        search = {t.name: t for t in app.tools()}["notes_search"]
    assert search.data_classes == {"notes"}
    assert search.examples == ("find my note about milk",)
    assert search.capability == "notes.search"


async def test_a_prefix_keeps_names_apart_from_other_apps(tmp_path: Path) -> None:
    async with notes_app(tmp_path, prefix="notes_") as app:
        assert "notes_add" in {t.name for t in app.tools()}
        assert await app.call("notes_add", {"a": 1, "b": 2}) == 3


async def test_calls_from_several_tasks_share_one_connection(notes: McpApp) -> None:
    results = await asyncio.gather(*(notes.call("add", {"a": i, "b": i}) for i in range(20)))
    assert results == [2 * i for i in range(20)]


async def test_tools_before_start_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="start"):
        notes_app(tmp_path).tools()


async def test_a_server_that_cannot_start_is_a_tool_error_naming_it(tmp_path: Path) -> None:
    app = McpApp.stdio("ghost", str(tmp_path / "no-such-server"))
    with pytest.raises(ToolError, match="MCP server 'ghost' could not be started"):
        await app.start()


async def test_start_and_close_may_be_awaited_from_different_tasks(tmp_path: Path) -> None:
    app = notes_app(tmp_path)
    await asyncio.create_task(app.start())
    assert await app.call("add", {"a": 1, "b": 2}) == 3
    await asyncio.create_task(app.close())
