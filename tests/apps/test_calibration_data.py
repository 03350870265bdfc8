"""The sample apps' calibration requests (app_adapters/apps/calibration.jsonl) are well formed.

Every line names a sample-app tool or none, and carries the arguments a correct assistant calls
that tool with: ones its JSON Schema accepts, in the formats its descriptions promise. A value
the request leaves unsaid is left out (it is asked for), so only ``required`` may go unmet.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from test_planning_data import FORMATS

from app_adapters.apps import load_sample_apps
from app_adapters.apps.calibration import CALIBRATION_FILE, calibration_calls, calibration_rows
from assistant_sdk.tools import ToolRegistry

LINES = [json.loads(line) for line in CALIBRATION_FILE.read_text("utf-8").splitlines()]
IN_SCOPE = [line for line in LINES if line["tool"] is not None]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> ToolRegistry:
    reg = ToolRegistry()
    for app in load_sample_apps(tmp_path_factory.mktemp("calibration")):
        reg.add_app(app)
    return reg


def test_every_line_has_a_text_a_tool_and_an_arguments_object() -> None:
    for line in LINES:
        assert set(line) == {"text", "tool", "arguments"}, line
        assert isinstance(line["arguments"], dict), line


def test_requests_no_app_handles_carry_no_arguments() -> None:
    assert [line["text"] for line in LINES if line["tool"] is None and line["arguments"]] == []


@pytest.mark.parametrize("line", IN_SCOPE, ids=[line["text"] for line in IN_SCOPE])
def test_the_arguments_fit_the_tools_schema(line: dict[str, Any], registry: ToolRegistry) -> None:
    tool = registry.get(line["tool"])
    assert tool is not None, f"{line['tool']!r} is not a sample-app tool"
    errors = [
        e.message
        for e in Draft202012Validator(tool.parameters).iter_errors(line["arguments"])
        if e.validator != "required"
    ]
    assert not errors, f"{line['text']!r}: rejected by {tool.name}: {errors}"
    properties = tool.parameters.get("properties", {})
    for key, value in line["arguments"].items():
        assert value is not None, f"{line['text']!r}: {key} is null; leave it out"
        description = str(properties[key].get("description", ""))
        for pattern, regex in FORMATS:
            if isinstance(value, str) and pattern in description:
                assert regex.fullmatch(value), f"{line['text']!r}: {key}={value!r} not {pattern}"
                break


def test_the_calls_are_keyed_by_the_in_scope_requests_the_rows_list() -> None:
    in_scope = {text for text, tool in calibration_rows() if tool is not None}
    assert set(calibration_calls()) == in_scope
    assert sum(1 for call in calibration_calls().values() if call) >= 60
