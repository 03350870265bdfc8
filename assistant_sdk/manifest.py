"""Tool catalogues as JSON: index and evaluate tools without importing their code.

    {"format": "assistant-sdk.tools/1",
     "tools": [{"name": "book_ride", "description": "Book a ride.", "app": "rides",
                "parameters": {"type": "object", "properties": {...}},
                "examples": ["get me a car home"], "risk": "write",
                "data_classes": ["location"], "capability": "ride.book"}]}

A plain JSON list of tool objects is accepted too. Only ``name`` and ``description`` are
required. The format is described in ``docs/manifest.md``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ToolDefinitionError
from .resolve._meta_checks import entry_lines
from .tools import validate_tool
from .types import Inverse, Risk, Tool

__all__ = ["MANIFEST_FORMAT", "dump_manifest", "load_manifest"]

MANIFEST_FORMAT = "assistant-sdk.tools/1"


class _InverseEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    tool: str
    arguments: dict[str, str] = Field(default_factory=dict)


class _ToolEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str
    description: str
    app: str | None = None
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    examples: list[str] = Field(default_factory=list)
    risk: Literal["read", "write", "destructive"] = "read"
    data_classes: list[str] = Field(default_factory=list)
    capability: str | None = None
    confirm: bool = False
    inverse: str | _InverseEntry | None = None

    def inverse_value(self) -> Inverse | None:
        if isinstance(self.inverse, str):
            return Inverse(self.inverse)
        if self.inverse is None:
            return None
        return Inverse(self.inverse.tool, dict(self.inverse.arguments))


def load_manifest(
    source: Path | str | list[Any] | dict[str, Any],
    *,
    default_app: str = "catalogue",
    trusted: bool | None = None,
) -> list[Tool]:
    """Read a catalogue (a file path, or the already-parsed JSON) into validated tools.

    ``trusted=False``, or ``"trusted": false`` at the top of the document, marks every tool as
    written by a third party (``Tool.trusted``); the argument wins over the document.

    Raises ``ToolDefinitionError`` naming the entry (index and name) and the field at fault.
    """
    where, lines = "manifest", list[int]()
    if isinstance(source, str | Path):
        where = str(source)
        source, lines = _read_json(Path(source))
    entries = _entries(source, where)
    if trusted is None:
        trusted = not (isinstance(source, dict) and source.get("trusted") is False)
    tools: list[Tool] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(entries):
        label = _label(index, raw)
        if index < len(lines):
            label = f"line {lines[index]}: {label}"
        try:
            entry = _ToolEntry.model_validate(raw)
        except ValidationError as exc:
            raise ToolDefinitionError(f"{where}: {label}: {_brief(exc)}") from None
        if entry.name in seen:
            raise ToolDefinitionError(
                f"{where}: {label}: duplicate name (also tools[{seen[entry.name]}])"
            )
        seen[entry.name] = index
        tool = Tool(
            name=entry.name,
            description=entry.description,
            app=entry.app or default_app,
            parameters=entry.parameters,
            examples=tuple(entry.examples),
            risk=Risk(entry.risk),
            data_classes=frozenset(entry.data_classes),
            capability=entry.capability,
            confirm=entry.confirm,
            trusted=trusted,
            inverse=entry.inverse_value(),
        )
        try:
            tools.append(validate_tool(tool))
        except ToolDefinitionError as exc:
            raise ToolDefinitionError(f"{where}: {label}: {exc}") from None
    return tools


def dump_manifest(tools: Iterable[Tool], path: Path | str | None = None) -> dict[str, Any]:
    """The manifest of ``tools`` as a JSON-able dict; also written atomically to ``path``."""
    document = {"format": MANIFEST_FORMAT, "tools": [_entry(tool) for tool in tools]}
    if path is not None:
        _write_atomic(Path(path), json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return document


def _entry(tool: Tool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": tool.name,
        "description": tool.description,
        "app": tool.app,
        "parameters": _plain(tool.parameters),
        "examples": list(tool.examples),
        "risk": tool.risk.value,
        "data_classes": sorted(tool.data_classes),
    }
    if tool.capability is not None:
        entry["capability"] = tool.capability
    if tool.confirm:
        entry["confirm"] = True
    if tool.inverse is not None:
        entry["inverse"] = {"tool": tool.inverse.tool, "arguments": dict(tool.inverse.arguments)}
    return entry


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _read_json(path: Path) -> tuple[Any, list[int]]:
    """The parsed file, and the line each tool entry starts on."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ToolDefinitionError(f"Cannot read manifest {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ToolDefinitionError(f"{path}, line {line}: not UTF-8 (byte {exc.start})") from None
    try:
        return json.loads(text), entry_lines(text)
    except json.JSONDecodeError as exc:
        raise ToolDefinitionError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise ToolDefinitionError(f"{path}: nested too deeply to be a manifest") from None


def _entries(document: Any, where: str) -> list[Any]:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise ToolDefinitionError(
            f"{where}: a manifest is a JSON object with a 'tools' list, or a list of tools"
        )
    fmt = document.get("format", MANIFEST_FORMAT)
    if fmt != MANIFEST_FORMAT:
        raise ToolDefinitionError(f"{where}: unknown format {fmt!r}; expected {MANIFEST_FORMAT!r}")
    unknown = set(document) - {"format", "tools", "trusted"}
    if unknown:
        raise ToolDefinitionError(f"{where}: unknown top-level keys {sorted(unknown)}")
    if not isinstance(document.get("trusted", True), bool):
        raise ToolDefinitionError(f"{where}: 'trusted' must be true or false")
    tools = document.get("tools")
    if not isinstance(tools, list):
        raise ToolDefinitionError(f"{where}: 'tools' must be a list of tool objects")
    return tools


def _label(index: int, raw: Any) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return f"tools[{index}] ({name!r})" if isinstance(name, str) else f"tools[{index}]"


def _brief(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "entry"
        parts.append(f"field {field!r}: {err['msg']}")
    return "; ".join(parts)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
