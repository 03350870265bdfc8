"""Each engine's view of a tool's schema, and the way back for the arguments it returns.

Real schemas (OpenAPI documents, MCP servers) carry things an engine's API refuses: property
keys such as ``filter[id]`` or ``$top`` (the Claude API accepts only ``^[a-zA-Z0-9_.-]{1,64}$``
and rejects the *whole request* for one bad key), a ``$schema`` keyword, or ``anyOf``/``oneOf``/
``allOf`` at the top level. ``wire_tool`` rewrites what an engine would refuse (keys renamed
reversibly, ``$schema`` dropped, a top-level union flattened into one object) and
``KeyMap.restore`` maps the engine's arguments back to the tool's own names on the device,
where they are then validated against the original schema.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..types import Tool
from .base import EngineTurn, ToolCall

__all__ = [
    "ANTHROPIC",
    "ENGINE_RULES",
    "OPENAI",
    "EngineRules",
    "EngineSchemaWarning",
    "KeyMap",
    "WireTool",
    "engine_changes",
    "restore_calls",
    "wire_tool",
]

_COMBINATORS = ("anyOf", "oneOf", "allOf")


class EngineSchemaWarning(UserWarning):
    """A tool's schema holds something an engine's API refuses; it is rewritten for that engine."""


@dataclass(frozen=True, slots=True)
class EngineRules:
    """What one engine's API documents (or is known to enforce) about tool schemas."""

    name: str
    key_pattern: re.Pattern[str] | None = None
    drop_keywords: frozenset[str] = frozenset({"$schema"})
    flatten_top_level: bool = True
    max_description: int | None = None


ANTHROPIC = EngineRules("anthropic", re.compile(r"^[a-zA-Z0-9_.-]{1,64}$"))
OPENAI = EngineRules("openai", re.compile(r"^[a-zA-Z0-9_.-]{1,64}$"), max_description=1024)
ENGINE_RULES = (ANTHROPIC, OPENAI)


@dataclass(frozen=True, slots=True)
class KeyMap:
    """Renamed property keys of one schema node (wire → original), and of its children."""

    keys: Mapping[str, str] = field(default_factory=dict)
    props: Mapping[str, KeyMap] = field(default_factory=dict)
    items: KeyMap | None = None

    def __bool__(self) -> bool:
        return bool(self.keys or self.props or self.items)

    def restore(self, value: Any) -> Any:
        """Arguments in the engine's names → the tool's own names."""
        if isinstance(value, Mapping) and (self.keys or self.props):
            return {
                self.keys.get(k, k): self.props[k].restore(v) if k in self.props else v
                for k, v in value.items()
            }
        if isinstance(value, list) and self.items is not None:
            return [self.items.restore(v) for v in value]
        return value

    def to_wire(self, value: Any) -> Any:
        """Arguments in the tool's own names → the engine's (for calls already in history)."""
        if isinstance(value, Mapping) and (self.keys or self.props):
            wire: dict[str, str] = {original: key for key, original in self.keys.items()}
            out: dict[str, Any] = {}
            for k, v in value.items():
                key = wire.get(str(k), str(k))
                out[key] = self.props[key].to_wire(v) if key in self.props else v
            return out
        if isinstance(value, list) and self.items is not None:
            return [self.items.to_wire(v) for v in value]
        return value


@dataclass(frozen=True, slots=True)
class WireTool:
    """A tool as one engine receives it."""

    name: str
    description: str
    schema: Mapping[str, Any]
    keys: KeyMap
    changes: tuple[str, ...] = ()


def wire_tool(tool: Tool, rules: EngineRules) -> WireTool:
    """``tool`` rewritten to what ``rules`` accept; ``changes`` says what was rewritten."""
    changes: list[str] = []
    schema = dict(tool.parameters)
    if rules.flatten_top_level and any(c in schema for c in _COMBINATORS):
        schema = _flatten(schema, changes)
    node, keys = _walk(schema, rules, changes)
    description = tool.description
    if rules.max_description is not None and len(description) > rules.max_description:
        description = description[: rules.max_description - 1].rsplit(" ", 1)[0] + "…"
        changes.append(f"description shortened to {rules.max_description} characters")
    return WireTool(tool.name, description, node, keys, tuple(dict.fromkeys(changes)))


def _walk(node: Any, rules: EngineRules, changes: list[str]) -> tuple[Any, KeyMap]:
    if not isinstance(node, Mapping):
        return node, KeyMap()
    out: dict[str, Any] = {}
    keys: dict[str, str] = {}
    props: dict[str, KeyMap] = {}
    items: KeyMap | None = None
    for keyword, value in node.items():
        if keyword in rules.drop_keywords:
            changes.append(f"{keyword!r} dropped")
        elif keyword == "properties" and isinstance(value, Mapping):
            out[keyword] = {}
            for key, sub in value.items():
                wire = _safe_key(str(key), rules, out[keyword])
                if wire != key:
                    keys[wire] = key
                    changes.append(f"property {key!r} sent as {wire!r}")
                out[keyword][wire], child = _walk(sub, rules, changes)
                if child:
                    props[wire] = child
        elif keyword == "items" and isinstance(value, Mapping):
            out[keyword], child = _walk(value, rules, changes)
            items = child or None
        elif keyword in _COMBINATORS and isinstance(value, list):
            walked = [_walk(v, rules, changes) for v in value]
            out[keyword] = [v for v, _ in walked]
            for _, child in walked:  # a value matches one variant: their renames merge
                keys.update(child.keys)
                props.update(child.props)
                items = items or child.items
        else:
            out[keyword] = value
    if keys and isinstance(out.get("required"), list):
        wire_of = {original: wire for wire, original in keys.items()}
        out["required"] = [wire_of.get(r, r) for r in out["required"]]
    return out, KeyMap(keys, props, items)


def _safe_key(key: str, rules: EngineRules, taken: Iterable[str]) -> str:
    pattern = rules.key_pattern
    if pattern is None or (pattern.match(key) and key not in taken):
        return key
    base = re.sub(r"[^a-zA-Z0-9_.-]+", "_", key.replace("[", ".").replace("]", "")).strip("_.")
    base = base or "arg"
    taken = set(taken)
    if pattern.match(base) and base not in taken:
        return base
    digest = hashlib.sha1(key.encode()).hexdigest()
    return f"{base[:55]}_{digest[:8]}"


def _flatten(schema: dict[str, Any], changes: list[str]) -> dict[str, Any]:
    """A top-level union or intersection of objects as one object: every variant's
    properties; required are those every variant (``allOf``: any part) requires. The
    device still validates the arguments against the original schema."""
    out = {k: v for k, v in schema.items() if k not in _COMBINATORS}
    props = dict(out.get("properties") or {})
    required = list(out.get("required") or ())
    for keyword in _COMBINATORS:
        variants = [v for v in schema.get(keyword) or () if isinstance(v, Mapping)]
        if not variants:
            continue
        changes.append(f"top-level {keyword} flattened into one object")
        for variant in variants:
            for key, sub in (variant.get("properties") or {}).items():
                props.setdefault(key, sub)
        sets = [set(v.get("required") or ()) for v in variants]
        common = set.union(*sets) if keyword == "allOf" else set.intersection(*sets)
        required += sorted(common - set(required))
    out["type"], out["properties"] = "object", props
    if required:
        out["required"] = required
    return out


def restore_calls(turn: EngineTurn, wires: Mapping[str, WireTool]) -> EngineTurn:
    """The engine's tool calls with their arguments in the tools' own names."""
    if not any(c.name in wires and wires[c.name].keys for c in turn.tool_calls):
        return turn
    calls = tuple(
        ToolCall(c.id, c.name, wires[c.name].keys.restore(c.arguments), c.error)
        if c.name in wires and wires[c.name].keys
        else c
        for c in turn.tool_calls
    )
    return replace(turn, tool_calls=calls)


def engine_changes(tool: Tool) -> list[str]:
    """What each engine's API would refuse in ``tool`` and is rewritten for it, as
    ``"engine: change"`` lines (empty when every engine takes the tool as it is)."""
    seen: dict[str, list[str]] = {}
    for rules in ENGINE_RULES:
        for change in wire_tool(tool, rules).changes:
            seen.setdefault(change, []).append(rules.name)
    return [f"{', '.join(names)}: {change}" for change, names in seen.items()]
