"""Parameter serialisation as OpenAPI 3 defines it (``style`` and ``explode``, RFC 6570).

Pure functions: a parameter's declared form, checked once at load (``check_form``), and one
value turned into the text that goes on the wire (``serialise``). Forms the specification
leaves undefined (nested arrays or objects, ``deepObject`` on an array, ...) are refused at
load, so a call never goes out in a shape the service did not document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote

__all__ = ["STYLES", "Param", "check_form", "serialise", "shape_of"]

STYLES = {
    "path": ("simple", {"simple", "label", "matrix"}),
    "query": ("form", {"form", "spaceDelimited", "pipeDelimited", "deepObject"}),
    "header": ("simple", {"simple"}),
    "cookie": ("form", {"form"}),
}
"""Location → (default style, the styles allowed there)."""

_RESERVED = ":/?#[]@!$&'()*+,;="


@dataclass(frozen=True, slots=True)
class Param:
    """One non-body parameter: where it goes and how its value is written."""

    name: str
    where: str
    style: str
    explode: bool
    shape: str  # "primitive" | "array" | "object" | "any" | "json" (a content parameter)
    allow_reserved: bool = False
    allow_empty: bool = False


def shape_of(schema: Mapping[str, Any]) -> str:
    kinds = schema.get("type")
    kinds = [k for k in kinds if k != "null"] if isinstance(kinds, list) else [kinds]
    if len(kinds) != 1 or kinds[0] is None:
        return "any"
    return {"array": "array", "object": "object"}.get(str(kinds[0]), "primitive")


def check_form(param: Param, schema: Mapping[str, Any]) -> str | None:
    """Why this parameter's form cannot be sent faithfully, or None when it can."""
    default, allowed = STYLES[param.where]
    label = f"{param.where} parameter {param.name!r}"
    if param.style not in allowed:
        return f"{label} has style {param.style!r}, not allowed in {param.where}"
    if param.shape in ("any", "json", "primitive"):
        if param.shape == "any" and param.style != default:
            return f"{label} has style {param.style!r} but no single schema type"
        return None
    inner = schema.get("items") if param.shape == "array" else None
    members = [inner] if inner is not None else list((schema.get("properties") or {}).values())
    if any(isinstance(m, Mapping) and shape_of(m) in ("array", "object") for m in members):
        return f"{label} nests arrays or objects, which {param.style!r} cannot express"
    if param.style == "deepObject" and (param.shape != "object" or not param.explode):
        return f"{label}: deepObject needs an object with explode=true"
    if param.style in ("spaceDelimited", "pipeDelimited") and param.shape != "array":
        return f"{label}: {param.style} is defined here for arrays only"
    if param.where == "cookie" and param.explode:
        return f"{label}: an exploded {param.shape} has no cookie form"
    return None


def serialise(param: Param, value: Any) -> str:
    """The wire text for ``value``: a path segment, a query fragment (``a=1&a=2``), a header
    value or a cookie pair. Query and path text is percent-encoded; headers are not."""
    if param.shape == "json":
        return _single(param, json.dumps(value, separators=(",", ":")))
    if isinstance(value, Mapping):
        pairs = [(str(k), _scalar(v)) for k, v in value.items()]
        return _object(param, pairs)
    if isinstance(value, list | tuple):
        return _array(param, [_scalar(v) for v in value])
    return _single(param, _scalar(value))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _enc(param: Param, text: str) -> str:
    if param.where in ("header", "cookie"):
        return text if param.where == "header" else quote(text, safe="!#$&'()*+-./:<=>?@[]^_`{|}~")
    return quote(text, safe=_RESERVED if param.allow_reserved else "-._~")


def _array(param: Param, items: list[str]) -> str:
    name, style, enc = param.name, param.style, partial(_enc, param)
    if param.where == "query":
        if param.explode:
            return "&".join(f"{enc(name)}={enc(v)}" for v in items)
        sep = {"form": ",", "spaceDelimited": "%20", "pipeDelimited": "|"}[style]
        return f"{enc(name)}=" + sep.join(enc(v) for v in items)
    if style == "label":
        return "." + ("." if param.explode else ",").join(enc(v) for v in items)
    if style == "matrix":
        if param.explode:
            return "".join(f";{name}={enc(v)}" for v in items)
        return f";{name}=" + ",".join(enc(v) for v in items)
    joined = ",".join(enc(v) for v in items)
    return f"{name}={joined}" if param.where == "cookie" else joined


def _object(param: Param, pairs: list[tuple[str, str]]) -> str:
    name, style, enc = param.name, param.style, partial(_enc, param)
    if param.where == "query":
        if style == "deepObject":
            return "&".join(f"{enc(name)}%5B{enc(k)}%5D={enc(v)}" for k, v in pairs)
        if param.explode:
            return "&".join(f"{enc(k)}={enc(v)}" for k, v in pairs)
        return f"{enc(name)}=" + ",".join(f"{enc(k)},{enc(v)}" for k, v in pairs)
    flat = ",".join(f"{enc(k)},{enc(v)}" for k, v in pairs)
    if style == "label":
        return "." + (".".join(f"{enc(k)}={enc(v)}" for k, v in pairs) if param.explode else flat)
    if style == "matrix":
        if param.explode:
            return "".join(f";{enc(k)}={enc(v)}" for k, v in pairs)
        return f";{name}={flat}"
    if param.explode:
        return ",".join(f"{enc(k)}={enc(v)}" for k, v in pairs)
    return f"{name}={flat}" if param.where == "cookie" else flat


def _single(param: Param, text: str) -> str:
    """A single (primitive or JSON-text) value in its location's form."""
    name, enc = param.name, _enc(param, text)
    if param.where in ("query", "cookie"):
        return f"{_enc(param, name) if param.where == 'query' else name}={enc}"
    if param.style == "label":
        return f".{enc}"
    if param.style == "matrix":
        return f";{name}" if text == "" else f";{name}={enc}"
    return enc
