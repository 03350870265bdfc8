"""Shared adapter helpers, and the package's public surface."""

from __future__ import annotations

import subprocess
import sys

import pytest

import app_adapters
from app_adapters.base import diff_tools, jsonable, safe_tool_name
from assistant_sdk.errors import ToolError
from assistant_sdk.tools import TOOL_NAME
from assistant_sdk.types import Risk, Tool


def test_the_package_exports_exactly_its_public_names() -> None:
    assert sorted(app_adapters.__all__) == [
        "AppAdapter", "McpApp", "OpenApiApp", "PythonApp", "ToolChanges", "tool",
    ]  # fmt: skip


def test_importing_the_package_loads_neither_mcp_nor_httpx() -> None:
    code = (
        "import sys, app_adapters; print(sorted(m for m in ('mcp', 'httpx') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("notes.search", "notes_search"), ("a b/c", "a_b_c"), ("ok-name_1", "ok-name_1")],
)
def test_foreign_names_become_names_the_cloud_apis_accept(raw: str, expected: str) -> None:
    assert safe_tool_name(raw) == expected


def test_a_long_name_is_cut_to_64_characters_with_a_stable_digest() -> None:
    name = safe_tool_name("x" * 100)
    assert TOOL_NAME.match(name) and len(name) == 64
    assert name == safe_tool_name("x" * 100)


def test_a_sanitised_name_that_collides_gets_a_digest_of_the_original() -> None:
    first = safe_tool_name("notes.search")
    second = safe_tool_name("notes/search", {first})
    assert second != first and second.startswith("notes_search_")


def test_diff_reports_added_removed_and_changed_tools() -> None:
    a = Tool(name="a", description="A.", app="x")
    b = Tool(name="b", description="B.", app="x")
    b2 = Tool(name="b", description="B.", app="x", risk=Risk.WRITE)
    c = Tool(name="c", description="C.", app="x")
    changes = diff_tools([a, b], [b2, c])
    assert changes.added == (c,) and changes.removed == ("a",) and changes.changed == (b2,)
    assert not diff_tools([a], [a])


def test_jsonable_names_the_tool_and_the_type_it_could_not_convert() -> None:
    with pytest.raises(ToolError, match="ping returned a object, which is not JSON"):
        jsonable(object(), tool="ping")
