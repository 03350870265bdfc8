"""What a tool's JSON Schema must satisfy beyond the metaschema, checked at registration so no
schema can fail later, at dispatch: bounded depth, local and resolvable ``$ref``s, no
``$ref`` cycle that validates nothing (it would recurse forever), and patterns that compile.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

__all__ = ["MAX_SCHEMA_DEPTH", "reference_problem", "shape_problem"]

MAX_SCHEMA_DEPTH = 32
"""The deepest nesting of objects and arrays a tool schema may have."""

# Keywords whose value is a schema, a list of schemas, or a name -> schema map.
_ONE = ("additionalProperties", "unevaluatedProperties", "unevaluatedItems", "contains",
        "propertyNames", "not", "if", "then", "else", "items", "additionalItems")  # fmt: skip
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
# Keywords that move the base a reference resolves against (``$id`` is allowed at the top).
_DYNAMIC = ("$id", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor")
# Keywords that apply their schema to the same value: a cycle through only these never ends.
_IN_PLACE = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas")


def shape_problem(schema: Any) -> str | None:
    """Too deep a schema (checked before anything recurses into it)."""
    stack: list[tuple[Any, int]] = [(schema, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_SCHEMA_DEPTH:
            return f"nested deeper than {MAX_SCHEMA_DEPTH} levels"
        if isinstance(value, Mapping):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list | tuple):
            stack.extend((v, depth + 1) for v in value)
    return None


def reference_problem(schema: Mapping[str, Any]) -> str | None:
    """A ``$ref`` that is not local or does not resolve, a cycle of ``$ref``s that never
    consumes any data, or a ``pattern`` that does not compile."""
    anchors = {
        str(s["$anchor"]): s
        for _, s in _subschemas(schema, "#")
        if isinstance(s.get("$anchor"), str)
    }
    for where, sub in _subschemas(schema, "#"):
        problem = _pattern_problem(where, sub)
        if problem:
            return problem
        dynamic = [k for k in _DYNAMIC if k in sub and (k != "$id" or sub is not schema)]
        if dynamic:
            return f"{where}: {dynamic[0]} is not supported in tool schemas"
        ref = sub.get("$ref")
        if ref is None:
            continue
        if not isinstance(ref, str) or not ref.startswith("#"):
            return f"{where}: $ref {ref!r} is not local (only '#...' references are allowed)"
        if _resolve(schema, ref, anchors) is None:
            return f"{where}: $ref {ref!r} does not resolve inside the schema"
    return _cycle(schema, anchors)


def _subschemas(schema: Any, where: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if not isinstance(schema, Mapping):
        return
    yield where, schema
    for key in _ONE:
        if key in schema:
            yield from _subschemas(schema[key], f"{where}/{key}")
    for key in (*_MANY, "items"):
        if isinstance(schema.get(key), list):
            for i, item in enumerate(schema[key]):
                yield from _subschemas(item, f"{where}/{key}/{i}")
    for key in _MAP:
        if isinstance(schema.get(key), Mapping):
            for name, item in schema[key].items():
                yield from _subschemas(item, f"{where}/{key}/{name}")


def _pattern_problem(where: str, sub: Mapping[str, Any]) -> str | None:
    patterns = [sub["pattern"]] if isinstance(sub.get("pattern"), str) else []
    if isinstance(sub.get("patternProperties"), Mapping):
        patterns += [str(p) for p in sub["patternProperties"]]
    for pattern in patterns:
        try:
            re.compile(pattern)
        except (re.error, RecursionError, OverflowError) as exc:
            return f"{where}: pattern {pattern!r} does not compile ({exc})"
    return None


def _resolve(schema: Mapping[str, Any], ref: str, anchors: Mapping[str, Any]) -> Any:
    fragment = unquote(ref[1:])
    if fragment and not fragment.startswith("/"):
        return anchors.get(fragment)
    target: Any = schema
    for token in fragment.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(target, Mapping) and token in target:
            target = target[token]
        elif isinstance(target, list) and token.isdigit() and int(token) < len(target):
            target = target[int(token)]
        else:
            return None
    return target if isinstance(target, Mapping) else None


def _cycle(schema: Mapping[str, Any], anchors: Mapping[str, Any]) -> str | None:
    """A chain of ``$ref``s and in-place keywords that comes back to where it started."""
    for _, start in _subschemas(schema, "#"):
        seen: set[int] = set()
        frontier = [start]
        while frontier:
            node = frontier.pop()
            for nxt in _in_place(schema, node, anchors):
                if nxt is start:
                    ref = start.get("$ref", "#")
                    return f"$ref {ref!r} refers back to itself without validating anything"
                if id(nxt) not in seen:
                    seen.add(id(nxt))
                    frontier.append(nxt)
    return None


def _in_place(
    schema: Mapping[str, Any], node: Mapping[str, Any], anchors: Mapping[str, Any]
) -> Iterator[Mapping[str, Any]]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        target = _resolve(schema, ref, anchors)
        if target is not None:
            yield target
    for key in _IN_PLACE:
        value = node.get(key)
        items = (
            value.values()
            if isinstance(value, Mapping) and key == "dependentSchemas"
            else (value if isinstance(value, list) else [value])
        )
        for item in items:
            if isinstance(item, Mapping):
                yield item
