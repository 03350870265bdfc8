"""A write tool may declare the tool that reverses it, and where that tool's arguments come from."""

from __future__ import annotations

import pytest

from app_adapters import PythonApp
from assistant_sdk import Inverse, ToolDefinitionError, ToolRegistry
from assistant_sdk.manifest import dump_manifest, load_manifest


def alarms(inverse: str | Inverse | None) -> PythonApp:
    app = PythonApp("clock")

    @app.tool(risk="write", inverse=inverse)
    def set_alarm(time: str, label: str | None = None) -> dict[str, object]:
        """Set an alarm."""
        return {"alarm_set": {"time": time, "label": label}}

    @app.tool(risk="destructive")
    def delete_alarm(time: str | None = None, label: str | None = None) -> str:
        """Delete an alarm."""
        return "deleted"

    return app


def test_an_inverse_named_by_a_string_takes_the_writes_arguments_of_the_same_names() -> None:
    (tool, _) = ToolRegistry().add_app(alarms("delete_alarm"))
    assert tool.inverse == Inverse("delete_alarm")
    got = tool.inverse.arguments_for({"time": "07:00", "snooze": 5}, None, ("time", "label"))
    assert got == {"time": "07:00"}


def test_an_inverse_argument_can_come_from_a_path_into_the_writes_result() -> None:
    inverse = Inverse("delete_alarm", {"time": "result.alarm_set.time", "label": "label"})
    result = {"alarm_set": {"time": "07:00", "label": None}}
    assert inverse.arguments_for({"time": "7am"}, result, ("time", "label")) == {"time": "07:00"}


def test_an_inverse_that_is_not_a_tool_of_the_same_app_is_refused_and_nothing_is_added() -> None:
    registry = ToolRegistry()
    with pytest.raises(ToolDefinitionError, match="'remove_alarm' is not a tool of app 'clock'"):
        registry.add_app(alarms("remove_alarm"))
    assert len(registry) == 0


def test_an_inverse_given_a_parameter_it_does_not_take_is_refused() -> None:
    with pytest.raises(ToolDefinitionError, match=r"takes no \['when'\]"):
        ToolRegistry().add_app(alarms(Inverse("delete_alarm", {"when": "time"})))


def test_an_inverse_argument_from_neither_a_parameter_nor_the_result_is_refused() -> None:
    with pytest.raises(ToolDefinitionError, match="neither a parameter"):
        ToolRegistry().add_app(alarms(Inverse("delete_alarm", {"time": "output.time"})))


def test_a_tool_that_only_reads_cannot_declare_an_inverse() -> None:
    app = PythonApp("clock")
    with pytest.raises(ToolDefinitionError, match="nothing to undo"):

        @app.tool(inverse="delete_alarm")
        def list_alarms() -> list[str]:
            """List the alarms."""
            return []


def test_a_manifest_keeps_the_inverse_and_its_argument_mapping() -> None:
    tools = ToolRegistry().add_app(
        alarms(Inverse("delete_alarm", {"time": "result.alarm_set.time"}))
    )
    loaded = load_manifest(dump_manifest(tools))
    assert loaded[0].inverse == Inverse("delete_alarm", {"time": "result.alarm_set.time"})
    assert ToolRegistry(loaded)["set_alarm"].inverse == loaded[0].inverse


def test_a_manifest_inverse_naming_no_tool_of_its_app_is_refused() -> None:
    entries = [
        {"name": "set_alarm", "description": "Set an alarm.", "risk": "write", "inverse": "undo_it"}
    ]
    with pytest.raises(ToolDefinitionError, match="'undo_it' is not a tool of app 'catalogue'"):
        ToolRegistry(load_manifest(entries))
