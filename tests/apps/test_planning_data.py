"""The labelled planning benchmarks (benchmarks/data/planning.jsonl, and the held-out
planning_holdout.jsonl and planning_fresh.jsonl, each written separately in other voices) are
well formed.

Every line names a real sample-app tool, simple lines carry arguments that the tool's JSON Schema
accepts, and clarify lines ask about one of the demo profile's contacts.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from app_adapters.apps import load_sample_apps
from app_adapters.apps._demo import _PEOPLE
from assistant_sdk.tools import Tool, ToolRegistry

FOLDER = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
DATA = FOLDER / "planning.jsonl"
HOLDOUT = FOLDER / "planning_holdout.jsonl"
FRESH = FOLDER / "planning_fresh.jsonl"
KINDS = {"simple", "clarify", "engine"}
KEYS = {"id", "request", "kind", "tool", "arguments"}
CLARIFY_KEYS = KEYS | {"options", "parameter"}
CONTACT_NAMES = {person.name for person in _PEOPLE}
# Formats the tools' parameter descriptions promise, checked on simple lines.
FORMATS = [
    ("YYYY-MM-DDTHH:MM", re.compile(r"\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d")),
    ("YYYY-MM-DD", re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")),
    ("HH:MM", re.compile(r"([01]\d|2[0-3]):[0-5]\d")),
]
# The user prefers Lyft and Outlook: the other provider only when the request names it.
PROVIDERS = {"uber_": "uber", "gmail_": "gmail"}


def _load(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{number} is blank"
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name}:{number} is not a JSON object"
        rows.append(row)
    return rows


ROWS = _load(DATA)
HELD_OUT = _load(HOLDOUT)
FRESH_ROWS = _load(FRESH)
EVERY = ROWS + HELD_OUT + FRESH_ROWS
SIMPLE = [row for row in EVERY if row.get("kind") == "simple"]
CLARIFY = [row for row in EVERY if row.get("kind") == "clarify"]


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [str(row.get("id")) for row in rows]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> ToolRegistry:
    reg = ToolRegistry()
    for app in load_sample_apps(tmp_path_factory.mktemp("planning")):
        reg.add_app(app)
    return reg


def _tool(registry: ToolRegistry, row: dict[str, Any]) -> Tool:
    tool = registry.get(row["tool"])
    assert tool is not None, f"{row['id']}: {row['tool']!r} is not a sample-app tool"
    return tool


def test_the_file_is_large_enough_with_unique_ids() -> None:
    assert len(ROWS) >= 200, f"only {len(ROWS)} lines"
    assert len(HELD_OUT) >= 100, f"only {len(HELD_OUT)} held-out lines"
    assert len(FRESH_ROWS) >= 150, f"only {len(FRESH_ROWS)} fresh lines"
    counts = Counter(row.get("id") for row in EVERY)
    duplicates = sorted(str(i) for i, n in counts.items() if n > 1)
    assert not duplicates, f"duplicate ids: {duplicates}"


def test_the_kinds_are_in_proportion() -> None:
    kinds = Counter(row.get("kind") for row in ROWS)
    assert set(kinds) <= KINDS, f"unknown kinds: {set(kinds) - KINDS}"
    assert kinds["simple"] >= 130, kinds
    assert kinds["clarify"] >= 12, kinds
    assert kinds["engine"] >= 70, kinds
    share = kinds["engine"] / len(ROWS)
    assert 0.28 <= share <= 0.40, f"engine share {share:.2f}"


@pytest.mark.parametrize("row", EVERY, ids=_ids(EVERY))
def test_every_line_has_the_expected_keys(row: dict[str, Any], registry: ToolRegistry) -> None:
    name = row.get("id")
    assert isinstance(name, str) and name, f"line without an id: {row}"
    expected = CLARIFY_KEYS if row.get("kind") == "clarify" else KEYS
    assert set(row) == expected, f"{name}: keys {sorted(row)}, expected {sorted(expected)}"
    assert row["kind"] in KINDS, f"{name}: unknown kind {row['kind']!r}"
    assert isinstance(row["request"], str), f"{name}: request is not a string"
    assert row["request"].strip(), f"{name}: empty request"
    assert isinstance(row["arguments"], dict), f"{name}: arguments is not an object"
    if row["kind"] == "engine":
        assert row["arguments"] == {}, f"{name}: engine lines carry no arguments"
    else:
        assert row["tool"] is not None, f"{name}: a {row['kind']} line needs a tool"
    if row["tool"] is not None:
        _tool(registry, row)


@pytest.mark.parametrize("row", SIMPLE, ids=_ids(SIMPLE))
def test_simple_arguments_fit_the_tool(row: dict[str, Any], registry: ToolRegistry) -> None:
    tool = _tool(registry, row)
    arguments = row["arguments"]
    missing = [p for p in tool.required if p not in arguments]
    assert not missing, f"{row['id']}: {tool.name} needs {missing}"
    errors = [e.message for e in Draft202012Validator(tool.parameters).iter_errors(arguments)]
    assert not errors, f"{row['id']}: arguments rejected by {tool.name}: {errors}"
    properties = tool.parameters.get("properties", {})
    for key, value in arguments.items():
        assert value is not None, f"{row['id']}: {key} is null; leave optional parameters out"
        if not isinstance(value, str):
            continue
        assert value == value.strip(), f"{row['id']}: {key} has surrounding spaces"
        assert not value.endswith((".", "!", "?")), f"{row['id']}: {key} ends in punctuation"
        description = str(properties[key].get("description", ""))
        for pattern, regex in FORMATS:
            if pattern in description:
                assert regex.fullmatch(value), f"{row['id']}: {key}={value!r} is not {pattern}"
                break


@pytest.mark.parametrize("row", SIMPLE, ids=_ids(SIMPLE))
def test_simple_lines_use_the_preferred_provider(row: dict[str, Any]) -> None:
    request = row["request"].lower()
    for prefix, provider in PROVIDERS.items():
        named = provider in request
        chosen = row["tool"].startswith(prefix)
        assert named == chosen, (
            f"{row['id']}: {row['tool']} for {row['request']!r}; "
            f"use {provider} only when the request names it"
        )


@pytest.mark.parametrize("row", CLARIFY, ids=_ids(CLARIFY))
def test_clarify_lines_ask_between_contacts(row: dict[str, Any], registry: ToolRegistry) -> None:
    tool = _tool(registry, row)
    parameter = row["parameter"]
    assert parameter in tool.parameters.get("properties", {}), (
        f"{row['id']}: {parameter!r} is not a parameter of {tool.name}"
    )
    assert parameter not in row["arguments"], f"{row['id']}: {parameter!r} is the open question"
    options = row["options"]
    assert isinstance(options, list) and len(options) >= 2, f"{row['id']}: too few options"
    unknown = [o for o in options if o not in CONTACT_NAMES]
    assert not unknown, f"{row['id']}: options {unknown} are not demo contacts"
    errors = [
        e.message
        for e in Draft202012Validator(tool.parameters).iter_errors(row["arguments"])
        if e.validator != "required"
    ]
    assert not errors, f"{row['id']}: arguments rejected by {tool.name}: {errors}"


def test_simple_lines_cover_every_app(registry: ToolRegistry) -> None:
    covered = {_tool(registry, row).app for row in SIMPLE}
    missing = sorted(set(registry.apps) - covered)
    assert not missing, f"no simple line for the apps {missing}"
