"""PythonApp and @tool: plain functions become tools; their failures become tool errors."""

from __future__ import annotations

import asyncio
import threading
from datetime import date
from typing import Literal

import pytest
from pydantic import BaseModel

from app_adapters.python import PythonApp, tool
from assistant_sdk.errors import ToolDefinitionError, ToolError
from assistant_sdk.types import Risk


class Stop(BaseModel):
    place: str
    minutes: int = 0


def test_tool_without_parentheses_raises_a_type_error_that_says_how_to_fix_it() -> None:
    with pytest.raises(TypeError, match=r"write @tool\(\)"):

        @tool
        def ping() -> str:
            """Ping."""
            return "pong"


def test_the_decorator_returns_the_function_unchanged() -> None:
    def ping() -> str:
        """Ping."""
        return "pong"

    assert tool()(ping) is ping
    assert ping() == "pong"


def test_a_duplicate_tool_name_raises() -> None:
    app = PythonApp("clock")

    @app.tool()
    def now() -> str:
        """The time."""
        return "noon"

    with pytest.raises(ToolDefinitionError, match="already has a tool named 'now'"):

        @app.tool(name="now")
        def other() -> str:
            """Another time."""
            return "midnight"


def test_the_schema_comes_from_type_hints_and_the_docstring() -> None:
    app = PythonApp("rides")

    @app.tool(examples=["ride home"], risk="write", data_classes=["location"], capability="ride")
    def book_ride(destination: str, seats: int = 1, kind: Literal["x", "xl"] = "x") -> str:
        """Book a ride to a destination.

        Args:
            destination: Where to go.
            seats: How many seats
                are needed.
        """
        return destination

    (built,) = app.tools()
    assert built.description == "Book a ride to a destination."
    assert built.required == ("destination",)
    props = built.parameters["properties"]
    assert props["destination"] == {"type": "string", "description": "Where to go."}
    assert props["seats"]["type"] == "integer"
    assert props["seats"]["description"] == "How many seats are needed."
    assert props["kind"]["enum"] == ["x", "xl"]
    assert built.risk is Risk.WRITE
    assert built.examples == ("ride home",)
    assert built.data_classes == {"location"}
    assert built.capability == "ride"


async def test_a_pydantic_model_parameter_is_described_and_validated() -> None:
    app = PythonApp("rides")

    @app.tool()
    def plan(stops: list[Stop], day: date) -> int:
        """Plan a trip with stops."""
        assert all(isinstance(s, Stop) for s in stops)
        return sum(s.minutes for s in stops)

    schema = app.tools()[0].parameters
    assert "Stop" in str(schema)
    assert (
        await app.call("plan", {"stops": [{"place": "a", "minutes": 3}], "day": "2026-01-02"}) == 3
    )
    with pytest.raises(ToolError, match=r"Invalid arguments for plan: stops\.0\.place"):
        await app.call("plan", {"stops": [{"minutes": 3}], "day": "2026-01-02"})


def test_a_function_without_a_docstring_or_description_is_rejected() -> None:
    def mystery(x: int) -> int:
        return x

    with pytest.raises(ToolDefinitionError, match="needs a description"):
        PythonApp("m", [mystery])


def test_a_parameter_without_a_type_hint_is_rejected() -> None:
    def vague(x) -> int:  # type: ignore[no-untyped-def]
        """Vague."""
        return 1

    with pytest.raises(ToolDefinitionError, match="'x' needs a type annotation"):
        PythonApp("m", [vague])


async def test_a_tool_that_raises_gives_a_tool_error_naming_the_tool_and_the_cause() -> None:
    def explode() -> str:
        """Explode."""
        raise RuntimeError("disk full")

    with pytest.raises(ToolError, match="explode failed: RuntimeError: disk full") as caught:
        await PythonApp("m", [explode]).call("explode", {})
    assert caught.value.tool == "explode"


async def test_a_result_that_is_not_json_serialisable_gives_a_tool_error() -> None:
    def handle() -> object:
        """Return a lock."""
        return threading.Lock()

    with pytest.raises(ToolError, match="not JSON-serialisable"):
        await PythonApp("m", [handle]).call("handle", {})


async def test_a_tool_that_hangs_gives_a_tool_error_after_its_timeout() -> None:
    @tool(timeout=0.1)
    async def hang() -> str:
        """Never answers."""
        await asyncio.sleep(30)
        return "late"

    with pytest.raises(ToolError, match=r"did not finish within 0\.1 s"):
        await PythonApp("m", [hang]).call("hang", {})


async def test_a_sync_tool_that_hangs_gives_a_tool_error_too() -> None:
    release = threading.Event()

    @tool(timeout=0.1)
    def block() -> str:
        """Blocks."""
        release.wait(5)
        return "late"

    try:
        with pytest.raises(ToolError, match="did not finish"):
            await PythonApp("m", [block]).call("block", {})
    finally:
        release.set()


async def test_results_are_returned_as_plain_json_types() -> None:
    def trip() -> Stop:
        """A stop."""
        return Stop(place="cafe", minutes=2)

    assert await PythonApp("m", [trip]).call("trip", {}) == {"place": "cafe", "minutes": 2}


async def test_an_unknown_tool_or_extra_argument_is_a_tool_error() -> None:
    def ping() -> str:
        """Ping."""
        return "pong"

    app = PythonApp("m", [ping])
    with pytest.raises(ToolError, match="no tool 'pong'"):
        await app.call("pong", {})
    with pytest.raises(ToolError, match="Invalid arguments"):
        await app.call("ping", {"loud": True})


def test_an_invalid_risk_is_a_definition_error() -> None:
    with pytest.raises(ToolDefinitionError, match="risk must be one of"):
        tool(risk="dangerous")
