"""Tool validation, the registry, tool cards, and the ``AppAdapter`` protocol apps implement."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import warnings
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from ._schema_checks import reference_problem, shape_problem
from .errors import ToolDefinitionError
from .types import DATA_CLASSES, Inverse, Risk, Tool

__all__ = ["AppAdapter", "ToolRegistry", "split_identifier", "tool_card", "validate_tool"]

#: The tool-name grammar both the Anthropic and the OpenAI APIs accept.
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


@runtime_checkable
class AppAdapter(Protocol):
    """How an app exposes its tools to the harness.

    ``call`` receives arguments already validated against the tool's schema and returns a
    JSON-serialisable result, or raises ``ToolError``.

    Two optional attributes the registry reads: ``trusted`` (default True; adapters of
    third-party servers set it False, and their tools are marked untrusted) and ``receives``,
    the data classes whose placeholders the device may decode into this app's arguments
    (default: the classes its tools declare, or none for an untrusted app).
    """

    @property
    def name(self) -> str: ...

    def tools(self) -> Sequence[Tool]: ...

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> Any: ...


def validate_tool(tool: Tool) -> Tool:
    """Check a tool's name, schema and metadata; return it unchanged or raise."""
    if not TOOL_NAME.match(tool.name):
        raise ToolDefinitionError(
            f"Tool name {tool.name!r} is not accepted by cloud APIs: use 1-64 characters "
            "from letters, digits, '_' and '-'"
        )
    if not tool.description.strip():
        raise ToolDefinitionError(f"Tool {tool.name!r} needs a description")
    if not isinstance(tool.risk, Risk):
        raise ToolDefinitionError(f"Tool {tool.name!r}: risk must be a Risk, got {tool.risk!r}")
    unknown = set(tool.data_classes) - DATA_CLASSES
    if unknown:
        raise ToolDefinitionError(
            f"Tool {tool.name!r} declares unknown data classes {sorted(unknown)}; "
            f"known: {sorted(DATA_CLASSES)}"
        )
    _check_schema(tool.name, tool.parameters)
    if tool.inverse is not None:
        _check_inverse(tool)
    if any("{" in e or "}" in e for e in tool.examples):
        from .reading.examples import check_examples

        check_examples(tool)
    return tool


def _check_inverse(tool: Tool) -> None:
    inverse = tool.inverse
    if not isinstance(inverse, Inverse) or not TOOL_NAME.match(str(inverse.tool)):
        raise ToolDefinitionError(
            f"Tool {tool.name!r}: inverse must be Inverse(tool_name, arguments), got {inverse!r}"
        )
    if tool.risk is Risk.READ:
        raise ToolDefinitionError(f"Tool {tool.name!r} only reads: it has nothing to undo")
    for name, source in inverse.arguments.items():
        head = str(source).split(".")[0]
        if head != "result" and head not in tool.parameter_names:
            raise ToolDefinitionError(
                f"Tool {tool.name!r}: the inverse's {name!r} comes from {source!r}, which is "
                "neither a parameter of the tool nor a path into its result ('result.<key>')"
            )


def check_inverses(tools: Sequence[Tool], app: str) -> None:
    """Each inverse names a tool of the same app, and gives only parameters it takes."""
    by_name = {t.name: t for t in tools}
    for tool in tools:
        if tool.inverse is None:
            continue
        target = by_name.get(tool.inverse.tool)
        if target is None:
            raise ToolDefinitionError(
                f"Tool {tool.name!r}: its inverse {tool.inverse.tool!r} is not a tool of app "
                f"{app!r}"
            )
        unknown = set(tool.inverse.arguments) - set(target.parameter_names)
        if unknown:
            raise ToolDefinitionError(
                f"Tool {tool.name!r}: its inverse {target.name!r} takes no {sorted(unknown)}"
            )


def _check_schema(name: str, schema: Mapping[str, Any]) -> None:
    if not isinstance(schema, Mapping) or schema.get("type") != "object":
        raise ToolDefinitionError(
            f'Tool {name!r}: parameters must be a JSON Schema with "type": "object"'
        )
    problem = shape_problem(schema)
    if problem:
        raise ToolDefinitionError(f"Tool {name!r}: invalid JSON Schema: {problem}")
    try:
        key = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        raise ToolDefinitionError(f"Tool {name!r}: parameters are not JSON-serialisable") from None
    problem = _schema_problem(key) or (None if key in _SOUND else reference_problem(schema))
    if problem:
        raise ToolDefinitionError(f"Tool {name!r}: invalid JSON Schema: {problem}")
    if len(_SOUND) < 4096:
        _SOUND.add(key)
    props = schema.get("properties", {})
    missing = [r for r in schema.get("required", ()) if r not in props]
    if missing:
        raise ToolDefinitionError(f"Tool {name!r}: required parameters {missing} are not defined")


_SOUND: set[str] = set()
"""Schemas (as canonical JSON) whose references and patterns were already found sound:
catalogues repeat schemas, and loading a manifest checks each tool twice."""


@functools.lru_cache(maxsize=4096)
def _schema_problem(schema_json: str) -> str | None:
    """The first metaschema violation of a schema (cached: catalogues repeat schemas)."""
    from jsonschema.exceptions import best_match

    error = best_match(_metaschema_validator().iter_errors(json.loads(schema_json)))
    return None if error is None else error.message


@functools.cache
def _metaschema_validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(Draft202012Validator.META_SCHEMA)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _warn_engine_changes(tools: Sequence[Tool], app: str | None = None) -> None:
    """One warning for what the engines' APIs would refuse in these tools (rewritten for them
    on the way out, and mapped back on the way in)."""
    from .engines.schemas import EngineSchemaWarning, engine_changes

    notes = [f"{t.name}: {'; '.join(c)}" for t in tools if (c := engine_changes(t))]
    if notes:
        where = f"App {app!r}: " if app else ""
        warnings.warn(
            f"{where}{len(notes)} tool schema(s) rewritten for the engines: " + " | ".join(notes),
            EngineSchemaWarning,
            stacklevel=3,
        )


def split_identifier(name: str) -> str:
    """``"book_ride"``, ``"book-ride"`` and ``"bookRide"`` all become ``"book ride"``."""
    return " ".join(_CAMEL.sub(" ", name).replace("_", " ").replace("-", " ").split()).lower()


def tool_card(tool: Tool) -> str:
    """The text that stands for a tool in the index: name, description and parameter names."""
    params = ", ".join(split_identifier(p) for p in tool.parameter_names)
    card = f"{split_identifier(tool.name)}: {tool.description.strip()}"
    return f"{card} ({params})" if params else card


class ToolRegistry:
    """The tools the assistant may use, and the adapter that runs each one.

    A tool name belongs to the app that registered it first: no other app can replace or
    remove it, so a third-party server whose tool list changes cannot take over a name.
    """

    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        self._adapters: dict[str, AppAdapter] = {}
        self._receives: dict[str, frozenset[str]] = {}
        tools = list(tools)
        for tool in tools:
            self._insert(validate_tool(tool), None)
        for app in {t.app for t in tools}:
            check_inverses([t for t in tools if t.app == app], app)
        _warn_engine_changes(tools)

    def add(self, tool: Tool, adapter: AppAdapter | None = None) -> None:
        validate_tool(tool)
        self._insert(tool, adapter)
        _warn_engine_changes([tool])

    def _insert(self, tool: Tool, adapter: AppAdapter | None) -> None:
        if tool.name in self._tools:
            raise ToolDefinitionError(
                f"Duplicate tool name {tool.name!r} (apps {self._tools[tool.name].app!r} and "
                f"{tool.app!r}): tool names must be unique across apps"
            )
        self._tools[tool.name] = _stamped(tool, adapter)
        if adapter is not None:
            self._adapters[tool.name] = adapter
            self._declare(adapter)

    def add_app(self, adapter: AppAdapter) -> list[Tool]:
        """Register every tool of an app; nothing is added if any of them is invalid."""
        tools = list(adapter.tools())
        names = [t.name for t in tools]
        dupes = {n for n in names if names.count(n) > 1} | (set(names) & set(self._tools))
        if dupes:
            raise ToolDefinitionError(f"App {adapter.name!r}: duplicate tool names {sorted(dupes)}")
        for tool in tools:
            validate_tool(tool)
        check_inverses(tools, adapter.name)
        for tool in tools:
            self._insert(tool, adapter)
        _warn_engine_changes(tools, app=adapter.name)
        return [self._tools[name] for name in names]

    def replace(self, tool: Tool, adapter: AppAdapter | None = None) -> None:
        """Add or update a tool in place (used when an app's tool list changes). A name that
        another app owns is refused with ``ToolDefinitionError``."""
        validate_tool(tool)
        self.check_owner(tool.name, tool.app)
        _warn_engine_changes([tool])
        self._tools[tool.name] = _stamped(tool, adapter)
        if adapter is not None:
            self._adapters[tool.name] = adapter
            self._declare(adapter)

    def remove(self, name: str, *, app: str | None = None) -> Tool:
        """Remove a tool; with ``app``, only if that app owns it."""
        if app is not None:
            self.check_owner(name, app)
        self._adapters.pop(name, None)
        return self._tools.pop(name)

    def check_owner(self, name: str, app: str) -> None:
        """Raise ``ToolDefinitionError`` when ``name`` is registered by an app other than
        ``app``."""
        owner = self._tools.get(name)
        if owner is not None and owner.app != app:
            raise ToolDefinitionError(
                f"App {app!r} may not change the tool {name!r}: it belongs to app {owner.app!r}"
            )

    def receives(self, app: str) -> frozenset[str]:
        """The data classes whose placeholders may be decoded into ``app``'s arguments."""
        if app in self._receives:
            return self._receives[app]
        tools = [t for t in self._tools.values() if t.app == app]
        if not tools or not all(t.trusted for t in tools):
            return frozenset()
        return frozenset(c for t in tools for c in t.data_classes)

    def _declare(self, adapter: AppAdapter) -> None:
        declared: Collection[str] | None = getattr(adapter, "receives", None)
        if declared is None:
            return
        unknown = set(declared) - DATA_CLASSES
        if unknown:
            raise ToolDefinitionError(
                f"App {adapter.name!r} asks to receive unknown data classes {sorted(unknown)}"
            )
        self._receives[adapter.name] = frozenset(declared)

    def get(self, name: str) -> Tool | None:
        return self._tools.get(name)

    def __getitem__(self, name: str) -> Tool:
        return self._tools[name]

    def adapter_for(self, name: str) -> AppAdapter | None:
        return self._adapters.get(name)

    def by_capability(self, capability: str) -> list[Tool]:
        return [t for t in self._tools.values() if t.capability == capability]

    @property
    def apps(self) -> list[str]:
        return sorted({t.app for t in self._tools.values()})

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[Tool]:
        return iter(list(self._tools.values()))

    def __len__(self) -> int:
        return len(self._tools)


def _stamped(tool: Tool, adapter: AppAdapter | None) -> Tool:
    """``tool``, marked untrusted when its adapter says it speaks for a third party."""
    if adapter is not None and not getattr(adapter, "trusted", True) and tool.trusted:
        return dataclasses.replace(tool, trusted=False)
    return tool
