"""McpApp against PyPI's ``mcp-server-git``, one process for the module, working on a
temporary git repository; writes go through the real dispatcher and its risk gate, and what
they did is read back with git itself."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from third_party import engine_calls, refused_by_engines, register

from app_adapters.mcp import McpApp
from assistant_sdk.errors import ToolError
from assistant_sdk.tools import ToolRegistry
from assistant_sdk.types import Risk


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("repo")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Ada")
    git(repo, "config", "user.email", "ada@example.org")
    (repo / "README.md").write_text("tide tables\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "Start the tide tables")
    return repo


@pytest.fixture(scope="module")
def app(repo: Path) -> Iterator[McpApp]:
    args = ["-m", "mcp_server_git", "--repository", str(repo)]
    with McpApp.stdio("git", sys.executable, args) as app:
        yield app


@pytest.fixture(scope="module")
def registered(app: McpApp) -> tuple[ToolRegistry, list[str]]:
    return register(app)


def test_the_git_servers_annotations_become_read_write_and_destructive_risks(
    app: McpApp,
) -> None:
    risks = {t.name: t.risk for t in app.tools()}
    assert {risks["git_status"], risks["git_log"], risks["git_diff"]} == {Risk.READ}
    assert risks["git_add"] is Risk.WRITE and risks["git_commit"] is Risk.WRITE
    assert risks["git_reset"] is Risk.DESTRUCTIVE


def test_every_engine_takes_the_git_servers_schemas_without_a_warning(
    registered: tuple[ToolRegistry, list[str]],
) -> None:
    registry, warned = registered
    assert len(registry) == 12 and warned == []
    assert refused_by_engines(list(registry)) == []


async def test_a_read_tool_reports_the_real_repositorys_history(
    registered: tuple[ToolRegistry, list[str]], repo: Path
) -> None:
    (run,) = await engine_calls(registered[0], ("git_log", {"repo_path": str(repo)}))
    assert not run.is_error and "Start the tide tables" in run.result


async def test_a_write_an_engine_planned_after_reading_results_is_not_run_when_declined(
    registered: tuple[ToolRegistry, list[str]], repo: Path
) -> None:
    (repo / "draft.md").write_text("not yet\n")
    asked: list[str] = []

    def decline(tool: object, arguments: object) -> bool:
        asked.append(getattr(tool, "name", ""))
        return False

    add = ("git_add", {"repo_path": str(repo), "files": ["draft.md"]})
    (run,) = await engine_calls(registered[0], add, confirm=decline, tainted=True)
    assert asked == ["git_add"] and run.is_error and "did not confirm" in run.result
    assert git(repo, "status", "--porcelain", "draft.md") == "?? draft.md\n"


async def test_confirmed_writes_stage_and_commit_in_the_real_repository(
    registered: tuple[ToolRegistry, list[str]], repo: Path
) -> None:
    (repo / "brest.md").write_text("high tide 6:42\n")
    add = ("git_add", {"repo_path": str(repo), "files": ["brest.md"]})
    commit = ("git_commit", {"repo_path": str(repo), "message": "Add Brest"})
    runs = await engine_calls(registered[0], add, commit, confirm=lambda t, a: True, tainted=True)
    assert [r.is_error for r in runs] == [False, False], [r.result for r in runs]
    assert git(repo, "log", "-1", "--format=%s") == "Add Brest\n"
    assert git(repo, "show", "--name-only", "--format=", "HEAD") == "brest.md\n"


async def test_a_server_side_failure_comes_back_as_an_error_result(
    registered: tuple[ToolRegistry, list[str]], repo: Path
) -> None:
    show = ("git_show", {"repo_path": str(repo), "revision": "no-such-branch"})
    (run,) = await engine_calls(registered[0], show)
    assert run.is_error and "git_show failed on MCP server 'git'" in run.result


def test_a_folder_that_is_not_a_repository_is_named_when_the_server_will_not_start(
    tmp_path: Path,
) -> None:
    # the server logs the problem and returns: a clean exit before it ever answers
    args = ["-m", "mcp_server_git", "--repository", str(tmp_path)]
    with pytest.raises(ToolError) as caught, McpApp.stdio("git", sys.executable, args):
        pass
    message = str(caught.value)
    assert f"could not be started ({sys.executable} -m mcp_server_git --repository" in message
    assert "it exited with status 0" in message
    assert f"{tmp_path} is not a valid Git repository" in message
