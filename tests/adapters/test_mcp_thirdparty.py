"""McpApp against MCP servers nobody here wrote, as real processes over stdio: PyPI's
``mcp-server-time`` and ``mcp-server-sqlite`` and npm's ``@modelcontextprotocol/server-memory``
and ``-everything`` (installed into node_modules by ``make setup``). The git, fetch and
filesystem servers have modules of their own."""

from __future__ import annotations

import asyncio
import sys
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from third_party import npm_server, refused_by_engines, register

from app_adapters.mcp import DEFAULT_CONNECT_TIMEOUT_S, McpApp
from assistant_sdk import Resolver, ToolRegistry
from assistant_sdk.assistant import Assistant
from assistant_sdk.engines import EngineTurn, Message, ScriptedEngine, ToolCall
from assistant_sdk.errors import ConfigurationError, ToolError
from assistant_sdk.types import Risk, Tool
from embeddings.base import Embedder

TIME = ["-m", "mcp_server_time", "--local-timezone", "UTC"]


def time_app(**options: Any) -> McpApp:
    return McpApp.stdio("clock", sys.executable, TIME, **options)


def test_an_app_started_in_one_event_loop_answers_calls_from_later_ones() -> None:
    app = time_app()
    asyncio.run(app.start())
    try:
        for _ in range(3):  # each Assistant.handle() runs a fresh asyncio.run like this
            now = asyncio.run(app.call("get_current_time", {"timezone": "Asia/Tokyo"}))
            assert now["timezone"] == "Asia/Tokyo"
    finally:
        asyncio.run(app.close())


def test_several_threads_each_with_its_own_loop_share_one_session() -> None:
    results: list[Any] = []
    with time_app() as app:

        def worker(zone: str) -> None:
            results.append(asyncio.run(app.call("get_current_time", {"timezone": zone})))

        zones = ["Europe/Paris", "America/Lima", "Asia/Tokyo", "Africa/Cairo"]
        threads = [threading.Thread(target=worker, args=(z,)) for z in zones]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert sorted(r["timezone"] for r in results) == sorted(zones)


def test_a_synchronous_with_block_starts_lists_and_closes_the_server() -> None:
    with time_app() as app:
        names = {t.name for t in app.tools()}
        converted = asyncio.run(
            app.call(
                "convert_time",
                {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"},
            )
        )
    assert names == {"get_current_time", "convert_time"}
    assert converted["target"]["timezone"] == "Asia/Tokyo"
    assert converted["target"]["datetime"].endswith("21:00:00+09:00")


def test_read_only_annotations_of_a_real_server_become_read_risk() -> None:
    with time_app() as app:
        assert {t.risk for t in app.tools()} == {Risk.READ}


def test_a_server_that_crashes_at_import_names_command_exit_status_and_stderr() -> None:
    crash = (
        "import sys; sys.stderr.write('ModuleNotFoundError: no module named tzplus\\n'); exit(3)"
    )
    app = McpApp.stdio("broken", sys.executable, ["-c", crash])
    with pytest.raises(ToolError) as caught:
        asyncio.run(app.start())
    message = str(caught.value)
    assert "MCP server 'broken' could not be started" in message
    assert sys.executable in message and "exited with status 3" in message
    assert "no module named tzplus" in message
    assert "ExceptionGroup" not in message and "TaskGroup" not in message


def test_the_published_sqlite_server_built_for_the_1x_sdk_fails_with_its_own_traceback(
    tmp_path: Path,
) -> None:
    # mcp-server-sqlite (archived upstream) still installs, but calls the 1.x low-level
    # Server API that mcp 2.x removed: a real start-up failure, reported as it happened.
    command = str(Path(sys.executable).with_name("mcp-server-sqlite"))
    app = McpApp.stdio("sqlite", command, ["--db-path", str(tmp_path / "shop.db")])
    with pytest.raises(ToolError) as caught:
        asyncio.run(app.start())
    message = str(caught.value)
    assert f"MCP server 'sqlite' could not be started ({command} --db-path" in message
    assert "exited with status 1" in message
    assert "AttributeError: 'Server' object has no attribute 'list_resources'" in message


def test_a_missing_executable_is_named_in_the_start_up_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-server")
    with pytest.raises(ToolError, match="could not be started") as caught:
        asyncio.run(McpApp.stdio("ghost", missing, ["--stdio"]).start())
    assert f"{missing} --stdio" in str(caught.value)


def test_a_start_slower_than_the_connect_timeout_says_which_setting_to_raise() -> None:
    slow = (
        "import sys, time; sys.stderr.write('downloading packages\\n'); sys.stderr.flush(); "
        "time.sleep(30)"
    )
    app = McpApp.stdio("sleepy", sys.executable, ["-c", slow], connect_timeout=1.0)
    with pytest.raises(
        ToolError, match=r"did not start within 1 s; raise connect_timeout"
    ) as caught:
        asyncio.run(app.start())
    assert caught.value.retryable and "downloading packages" in str(caught.value)


def test_the_default_connect_timeout_leaves_room_for_a_cold_npx_start() -> None:
    assert DEFAULT_CONNECT_TIMEOUT_S >= 60


def test_non_positive_timeouts_are_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="timeouts must be positive"):
        time_app(timeout=0)


def test_an_unknown_risk_override_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="risk for 'get_current_time' must be one of"):
        time_app(risks={"get_current_time": "harmless"})


def test_a_risk_override_in_the_apps_configuration_wins_over_annotations(tmp_path: Path) -> None:
    env = {"MEMORY_FILE_PATH": str(tmp_path / "memory.jsonl")}
    overrides = {"read_graph": "write", "create_entities": Risk.DESTRUCTIVE}
    with McpApp.stdio("memory", "node", [npm_server("server-memory")], env, risks=overrides) as app:
        risks = {t.name: t.risk for t in app.tools()}
    assert risks["read_graph"] is Risk.WRITE
    assert risks["create_entities"] is Risk.DESTRUCTIVE
    assert risks["search_nodes"] is Risk.READ  # annotated readOnlyHint, not overridden
    assert risks["delete_entities"] is Risk.DESTRUCTIVE


async def test_the_memory_server_keeps_what_it_was_told_across_calls(tmp_path: Path) -> None:
    env = {"MEMORY_FILE_PATH": str(tmp_path / "memory.jsonl")}
    entity = {"name": "Ada", "entityType": "person", "observations": ["likes tea"]}
    async with McpApp.stdio("memory", "node", [npm_server("server-memory")], env) as app:
        await app.call("create_entities", {"entities": [entity]})
        found = await app.call("search_nodes", {"query": "tea"})
    assert [e["name"] for e in found["entities"]] == ["Ada"]


async def test_task_only_tools_are_skipped_with_a_single_warning() -> None:
    app = McpApp.stdio("everything", "node", [npm_server("server-everything"), "stdio"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await app.start()
    try:
        names = {t.name for t in app.tools()}
        skipped = [w for w in caught if "MCP task" in str(w.message)]
        assert len(skipped) == 1 and "simulate-research-query" in str(skipped[0].message)
        assert "simulate-research-query" not in names and "echo" in names
        assert await app.call("get-sum", {"a": 2, "b": 40}) == "The sum of 2 and 40 is 42."
    finally:
        await app.close()


@pytest.mark.slow
def test_synchronous_assistant_handle_calls_an_mcp_tool_on_every_request(
    embedder: Embedder,
) -> None:
    def script(messages: Sequence[Message], tools: Sequence[Tool], facts: Sequence[str]) -> Any:
        last = messages[-1]
        if last.tool_results:
            return EngineTurn(text=last.tool_results[0].content)
        return EngineTurn(
            tool_calls=(ToolCall("c1", "get_current_time", {"timezone": "Asia/Tokyo"}),)
        )

    with time_app() as app:
        registry = ToolRegistry()
        registry.add_app(app)
        resolver = Resolver(embedder, registry)
        resolver.build()
        assistant = Assistant(registry, resolver, ScriptedEngine(script), plan_on_device=False)
        replies = [assistant.handle("what time is it in Tokyo") for _ in range(3)]
    assert all('"timezone": "Asia/Tokyo"' in r.text for r in replies), [r.text for r in replies]


@pytest.mark.parametrize("server", [["server-memory"], ["server-everything", "stdio"]])
def test_every_engine_is_sent_schemas_it_accepts_for_the_npm_servers(
    server: list[str], tmp_path: Path
) -> None:
    env = {"MEMORY_FILE_PATH": str(tmp_path / "memory.jsonl")}
    app = McpApp.stdio("npm", "node", [npm_server(server[0]), *server[1:]], env)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the everything server's task-only tool
        with app:
            registry, _ = register(app)
    assert len(registry) >= 9 and refused_by_engines(list(registry)) == []
