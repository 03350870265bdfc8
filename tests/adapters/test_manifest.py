"""The JSON manifest: tools can be indexed and evaluated without importing their code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant_sdk.errors import ConfigurationError, ToolDefinitionError
from assistant_sdk.manifest import MANIFEST_FORMAT, dump_manifest, load_manifest
from assistant_sdk.types import Risk, Tool

BOOK = Tool(
    name="book_ride",
    description="Book a ride to a destination.",
    app="rides",
    parameters={
        "type": "object",
        "properties": {"destination": {"type": "string"}, "seats": {"type": "integer"}},
        "required": ["destination"],
    },
    examples=("get me a car home", "book a ride to work"),
    risk=Risk.WRITE,
    data_classes=frozenset({"location"}),
    capability="ride.book",
)
FORECAST = Tool(name="forecast", description="Today's weather.", app="weather")


def test_a_dumped_manifest_loads_back_to_equal_tools(tmp_path: Path) -> None:
    path = tmp_path / "tools.json"
    dump_manifest([BOOK, FORECAST], path)
    assert load_manifest(path) == [BOOK, FORECAST]
    assert json.loads(path.read_text())["format"] == MANIFEST_FORMAT


def test_dump_without_a_path_returns_the_document() -> None:
    document = dump_manifest([BOOK])
    assert load_manifest(document) == [BOOK]


def test_a_plain_list_with_only_names_and_descriptions_gets_the_defaults() -> None:
    (tool,) = load_manifest([{"name": "ping", "description": "Check the line."}])
    assert tool.app == "catalogue"
    assert tool.risk is Risk.READ
    assert tool.parameters == {"type": "object", "properties": {}}
    assert tool.examples == ()


def test_the_default_app_names_entries_without_an_app() -> None:
    (tool,) = load_manifest([{"name": "ping", "description": "d"}], default_app="bench")
    assert tool.app == "bench"


def test_a_string_source_is_read_as_a_path(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps([{"name": "ping", "description": "d"}]))
    assert [t.name for t in load_manifest(str(path))] == ["ping"]


def test_an_invalid_field_names_the_entry_index_name_and_field() -> None:
    entries = [{"name": "ok", "description": "d"}, {"name": "bad", "description": "d", "risk": "x"}]
    with pytest.raises(ToolDefinitionError, match=r"tools\[1\] \('bad'\).*'risk'"):
        load_manifest(entries)


def test_a_missing_description_is_reported_as_a_missing_field() -> None:
    with pytest.raises(ToolDefinitionError, match=r"tools\[0\] \('x'\).*'description'.*required"):
        load_manifest([{"name": "x"}])


def test_an_unknown_field_is_rejected_rather_than_ignored() -> None:
    with pytest.raises(ToolDefinitionError, match="'risc'"):
        load_manifest([{"name": "x", "description": "d", "risc": "write"}])


def test_a_name_the_cloud_apis_reject_is_a_definition_error() -> None:
    with pytest.raises(ToolDefinitionError, match=r"tools\[0\] \('a.b'\).*not accepted"):
        load_manifest([{"name": "a.b", "description": "d"}])


def test_unknown_data_classes_are_rejected() -> None:
    with pytest.raises(ToolDefinitionError, match="unknown data classes"):
        load_manifest([{"name": "x", "description": "d", "data_classes": ["dna"]}])


def test_duplicate_names_name_both_entries() -> None:
    entries = [{"name": "x", "description": "d"}, {"name": "x", "description": "e"}]
    with pytest.raises(ToolDefinitionError, match=r"tools\[1\].*duplicate.*tools\[0\]"):
        load_manifest(entries)


def test_a_file_that_is_not_json_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"tools": [\n  {"name": }\n]}')
    with pytest.raises(ToolDefinitionError, match=r"broken\.json.*line 2"):
        load_manifest(path)


def test_a_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="Cannot read manifest"):
        load_manifest(tmp_path / "absent.json")


def test_an_unknown_format_version_is_rejected() -> None:
    with pytest.raises(ToolDefinitionError, match="unknown format"):
        load_manifest({"format": "assistant-sdk.tools/9", "tools": []})


def test_parameters_that_are_not_an_object_schema_are_rejected() -> None:
    with pytest.raises(ToolDefinitionError, match=r"tools\[0\].*\"type\": \"object\""):
        load_manifest([{"name": "x", "description": "d", "parameters": {"type": "string"}}])


def test_a_failed_dump_leaves_the_previous_file_intact(tmp_path: Path) -> None:
    path = tmp_path / "tools.json"
    dump_manifest([FORECAST], path)
    bad = Tool(name="x", description="d", app="a", parameters={"type": "object", "x": object()})
    with pytest.raises(TypeError):
        dump_manifest([bad], path)
    assert load_manifest(path) == [FORECAST]
    assert [p.name for p in tmp_path.iterdir()] == ["tools.json"]
