"""McpApp against npm's ``@modelcontextprotocol/server-filesystem`` (from node_modules), one
process for the module, allowed one temporary folder. Its schemas carry a draft-07
``$schema``, which every engine is sent without; its writes are annotated destructive, so
the risk gate always asks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from third_party import engine_calls, npm_server, refused_by_engines, register

from app_adapters.mcp import McpApp
from assistant_sdk.tools import ToolRegistry
from assistant_sdk.types import Risk, Tool


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("files")
    (folder / "shopping.txt").write_text("milk\neggs\n")
    return folder.resolve()


@pytest.fixture(scope="module")
def app(folder: Path) -> Iterator[McpApp]:
    with McpApp.stdio("files", "node", [npm_server("server-filesystem"), str(folder)]) as app:
        yield app


@pytest.fixture(scope="module")
def registered(app: McpApp) -> tuple[ToolRegistry, list[str]]:
    return register(app)


def test_the_servers_draft_07_schema_marker_is_dropped_for_every_engine(
    app: McpApp, registered: tuple[ToolRegistry, list[str]]
) -> None:
    registry, warned = registered
    assert all("$schema" in t.parameters for t in app.tools())  # as the server sent them
    (warning,) = warned  # one for the registration, naming every rewritten tool
    assert warning.count("'$schema' dropped") == len(registry) >= 10
    assert refused_by_engines(list(registry)) == []


def test_reads_writes_and_destructive_tools_are_told_apart(app: McpApp) -> None:
    risks = {t.name: t.risk for t in app.tools()}
    assert risks["read_text_file"] is Risk.READ and risks["list_directory"] is Risk.READ
    assert risks["create_directory"] is Risk.WRITE
    assert risks["write_file"] is Risk.DESTRUCTIVE and risks["move_file"] is Risk.DESTRUCTIVE


async def test_a_read_tool_reads_a_file_in_the_allowed_folder(
    registered: tuple[ToolRegistry, list[str]], folder: Path
) -> None:
    read = ("read_text_file", {"path": str(folder / "shopping.txt")})
    (run,) = await engine_calls(registered[0], read)
    assert not run.is_error and "milk\\neggs" in run.result


async def test_a_destructive_write_without_anyone_to_confirm_it_is_refused(
    registered: tuple[ToolRegistry, list[str]], folder: Path
) -> None:
    write = ("write_file", {"path": str(folder / "unasked.txt"), "content": "x"})
    (run,) = await engine_calls(registered[0], write)
    assert run.is_error and "needs the user's confirmation" in run.result
    assert not (folder / "unasked.txt").exists()


async def test_a_confirmed_write_lands_on_disk(
    registered: tuple[ToolRegistry, list[str]], folder: Path
) -> None:
    asked: list[tuple[str, Mapping[str, Any]]] = []

    def confirm(tool: Tool, arguments: Mapping[str, Any]) -> bool:
        asked.append((tool.name, arguments))
        return True

    target = folder / "todo.txt"
    write = ("write_file", {"path": str(target), "content": "call the harbour\n"})
    (run,) = await engine_calls(registered[0], write, confirm=confirm)
    assert not run.is_error, run.result
    assert [name for name, _ in asked] == ["write_file"]
    assert target.read_text() == "call the harbour\n"


async def test_a_path_outside_the_allowed_folder_is_the_servers_error_result(
    registered: tuple[ToolRegistry, list[str]], folder: Path
) -> None:
    outside = folder.parent / "elsewhere.txt"
    (run,) = await engine_calls(registered[0], ("read_text_file", {"path": str(outside)}))
    assert run.is_error and "outside allowed directories" in run.result
