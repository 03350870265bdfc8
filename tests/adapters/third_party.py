"""Helpers for the tests against MCP servers nobody here wrote: where the npm servers are,
what every engine must accept of a registered tool, and calls through the real dispatcher
(schema check and risk gate) as an engine's calls would go."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from assistant_sdk.acting import Dispatcher
from assistant_sdk.engines import ToolCall
from assistant_sdk.engines.schemas import ENGINE_RULES, EngineSchemaWarning, wire_tool
from assistant_sdk.tools import AppAdapter, ToolRegistry
from assistant_sdk.trace import ToolRun
from assistant_sdk.types import Tool

ROOT = Path(__file__).resolve().parents[2]


def npm_server(package: str) -> str:
    """The entry point of an npm test server; ``make setup`` installs them with ``npm ci``."""
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the npm MCP test servers need it")
    entry = ROOT / "node_modules" / "@modelcontextprotocol" / package / "dist" / "index.js"
    if not entry.exists():
        pytest.fail(f"{entry} is missing: run `make setup` (npm ci) first")
    return str(entry)


def register(app: AppAdapter) -> tuple[ToolRegistry, list[str]]:
    """A registry holding ``app``'s tools, and the engine-schema warnings registering gave."""
    registry = ToolRegistry()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        registry.add_app(app)
    return registry, [str(w.message) for w in caught if w.category is EngineSchemaWarning]


def _keys(node: Any) -> Iterable[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "properties" and isinstance(value, Mapping):
                yield from value
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


def _keywords(node: Any) -> Iterable[str]:
    if isinstance(node, Mapping):
        yield from (str(k) for k in node)
        for value in node.values():
            yield from _keywords(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keywords(value)


def refused_by_engines(tools: Sequence[Tool]) -> list[str]:
    """What each engine's API would refuse in the schemas the engines are sent for ``tools``
    (empty when all of them pass): illegal property keys, ``$schema``, a top level that is
    not one plain object."""
    problems: list[str] = []
    for tool in tools:
        for rules in ENGINE_RULES:
            schema = wire_tool(tool, rules).schema
            bad = [k for k in _keys(schema) if rules.key_pattern and not rules.key_pattern.match(k)]
            if bad:
                problems.append(f"{rules.name} {tool.name}: keys {bad}")
            if "$schema" in set(_keywords(schema)):
                problems.append(f"{rules.name} {tool.name}: $schema")
            if schema.get("type") != "object" or {"anyOf", "oneOf", "allOf"} & set(schema):
                problems.append(f"{rules.name} {tool.name}: top level is not one object")
    return problems


async def engine_calls(
    registry: ToolRegistry,
    *calls: tuple[str, dict[str, Any]],
    confirm: Callable[[Tool, Mapping[str, Any]], bool] | None = None,
    tainted: bool = False,
) -> list[ToolRun]:
    """Run ``calls`` as one engine turn would: through the schema check and the risk gate."""
    dispatcher = Dispatcher(registry, confirm=confirm)
    planned = [ToolCall(f"c{i}", name, args) for i, (name, args) in enumerate(calls)]
    return await dispatcher.run(
        planned, [t.name for t in registry], origin="engine", tainted=tainted
    )
