"""Turn an OpenAPI 3 document into operations: one tool and one request recipe each.

Unsupported constructs (non-JSON request bodies, parameter forms the specification leaves
undefined, unsupported security schemes, callbacks, external or recursive ``$ref``s) make
that one operation unsupported, never the whole app.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from assistant_sdk.errors import ToolDefinitionError
from assistant_sdk.tools import validate_tool
from assistant_sdk.types import Risk, Tool

from ._openapi_auth import Scheme, Unsupported, parse_security, server_url
from ._openapi_wire import STYLES, Param, check_form, shape_of
from .base import safe_tool_name

__all__ = ["Operation", "Unsupported", "parse_operations"]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_READ = {"get", "head", "options"}


@dataclass(frozen=True, slots=True)
class Operation:
    """How to turn a tool call into an HTTP request."""

    tool: Tool
    method: str
    path: str
    locations: Mapping[str, str]
    """Argument name → ``path`` / ``query`` / ``header`` / ``body`` (a body field) /
    ``body*`` (the whole body)."""
    wire_names: Mapping[str, str]
    """Argument name → the parameter's name on the wire."""
    params: Mapping[str, Param]
    """Argument name → how a path, query, header or cookie parameter is written."""
    server: str | None = None
    """The path's or operation's own server (variables filled in; may be relative)."""
    accept: str | None = None
    """The ``Accept`` header, from the success responses' media types."""
    security: tuple[tuple[Scheme, ...], ...] = ()
    """Alternative sets of security schemes; the first the app has credentials for is used."""


def parse_operations(
    app: str,
    document: Mapping[str, Any],
    prefix: str = "",
    server_variables: Mapping[str, str] | None = None,
) -> tuple[list[Operation], list[str]]:
    """The operations of ``document`` and, for each one skipped, ``"METHOD /path: reason"``."""
    version = str(document.get("openapi", ""))
    if not version.startswith("3."):
        raise ToolDefinitionError(f"App {app!r}: only OpenAPI 3.x documents are supported")
    operations: list[Operation] = []
    skipped: list[str] = []
    taken: set[str] = set()
    for path, item in (document.get("paths") or {}).items():
        try:
            item = _deref(item, document)
        except Unsupported as exc:
            skipped.append(f"{path}: {exc}")
            continue
        for method in METHODS:
            if method not in item:
                continue
            label = f"{method.upper()} {path}"
            try:
                op = _operation(app, document, path, method, item, prefix, taken)
                op = _with_server(op, item, document, server_variables or {})
            except (Unsupported, ToolDefinitionError) as exc:
                skipped.append(f"{label}: {exc}")
                continue
            taken.add(op.tool.name)
            operations.append(op)
    return operations, skipped


def _operation(
    app: str,
    doc: Mapping[str, Any],
    path: str,
    method: str,
    item: Mapping[str, Any],
    prefix: str,
    taken: set[str],
) -> Operation:
    spec = _deref(item[method], doc)
    if spec.get("callbacks"):
        raise Unsupported("callbacks are not supported")
    security = parse_security(spec, doc)
    raw_name = spec.get("operationId") or f"{method}_{path}"
    name = safe_tool_name(raw_name, taken, prefix=prefix)
    properties: dict[str, Any] = {}
    required: list[str] = []
    locations: dict[str, str] = {}
    wire: dict[str, str] = {}
    styled: dict[str, Param] = {}
    for param in _parameters(item, spec, doc, security):
        where = param.get("in")
        if where not in STYLES:
            raise Unsupported(f"{where} parameter {param.get('name')!r} is not supported")
        arg = safe_tool_name(param["name"], properties)
        schema, form = _param_form(param)
        if param.get("description"):
            schema.setdefault("description", param["description"])
        properties[arg], locations[arg], wire[arg] = schema, where, param["name"]
        styled[arg] = form
        if param.get("required") or where == "path":
            required.append(arg)
    _add_body(_resolve(spec.get("requestBody"), doc), properties, required, locations, wire)
    parameters: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        parameters["required"] = required
    tool = Tool(
        name=name,
        description=_description(spec, method, path),
        app=app,
        parameters=parameters,
        examples=tuple(spec.get("x-assistant-examples", ())),
        risk=_risk(spec, method),
        data_classes=frozenset(spec.get("x-assistant-data-classes", ())),
        capability=spec.get("x-assistant-capability"),
    )
    return Operation(
        validate_tool(tool),
        method.upper(),
        path,
        locations,
        wire,
        styled,
        accept=_accept(spec.get("responses") or {}, doc),
        security=security,
    )


def _param_form(param: Mapping[str, Any]) -> tuple[dict[str, Any], Param]:
    """The parameter's argument schema and its wire form; Unsupported when the form is
    one the specification leaves undefined."""
    where, name = str(param["in"]), str(param["name"])
    if "schema" not in param and "content" in param:
        content = param["content"] or {}
        media = next(iter(content), "")
        if media != "application/json" and not media.endswith("+json"):
            raise Unsupported(f"parameter {name!r} has content {media!r}, not JSON")
        schema = dict(content[media].get("schema") or {})
        return schema, Param(name, where, STYLES[where][0], False, "json")
    schema = dict(param.get("schema") or {})
    style = str(param.get("style") or STYLES[where][0])
    form = Param(
        name,
        where,
        style,
        bool(param.get("explode", style == "form")),
        shape_of(schema),
        allow_reserved=bool(param.get("allowReserved", False)),
        allow_empty=bool(param.get("allowEmptyValue", False)),
    )
    problem = check_form(form, schema)
    if problem:
        raise Unsupported(problem)
    return schema, form


def _accept(responses: Mapping[str, Any], doc: Mapping[str, Any]) -> str | None:
    """JSON media types of the success (2XX, default) responses, else all of them."""
    kinds: list[str] = []
    for status, response in responses.items():
        if str(status).startswith("2") or status == "default":
            for media in _deref(response, doc).get("content") or {}:
                if media not in kinds:
                    kinds.append(str(media))
    json_kinds = [k for k in kinds if k == "application/json" or k.endswith("+json")]
    chosen = json_kinds or kinds
    return ", ".join(chosen) if chosen else None


def _with_server(
    op: Operation, item: Mapping[str, Any], doc: Mapping[str, Any], variables: Mapping[str, str]
) -> Operation:
    spec = _deref(item[op.method.lower()], doc)
    servers = spec.get("servers") or item.get("servers")
    if not servers:
        return op
    return replace(op, server=server_url(servers[0], variables))


def _parameters(
    item: Mapping[str, Any],
    spec: Mapping[str, Any],
    doc: Mapping[str, Any],
    security: tuple[tuple[Scheme, ...], ...],
) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    supplied = _app_headers(doc)
    keys = {(s.where, s.name.lower()) for alt in security for s in alt if s.kind == "apiKey"}
    for raw in [*item.get("parameters", ()), *spec.get("parameters", ())]:
        param = _resolve(raw, doc)
        where, name = param.get("in"), str(param.get("name", "")).lower()
        if (where == "header" and name in supplied) or (where, name) in keys:
            continue  # sent by the app (auth) or by httpx, never chosen by the model
        merged[(param.get("name", ""), param.get("in", ""))] = param
    return list(merged.values())


def _add_body(
    body: Any,
    properties: dict[str, Any],
    required: list[str],
    locations: dict[str, str],
    wire: dict[str, str],
) -> None:
    if not body:
        return
    content = body.get("content") or {}
    media = next((m for m in content if m == "application/json" or m.endswith("+json")), None)
    if media is None:
        raise Unsupported(f"request body {sorted(content) or '(none)'} is not JSON")
    schema = content[media].get("schema") or {}
    fields = schema.get("properties")
    if schema.get("type", "object") == "object" and fields and not set(fields) & set(properties):
        for field, sub in fields.items():
            properties[field], locations[field], wire[field] = sub, "body", field
        if body.get("required"):
            required.extend(schema.get("required", ()))
        return
    properties["body"], locations["body"], wire["body"] = schema, "body*", "body"
    if body.get("required"):
        required.append("body")


def _app_headers(doc: Mapping[str, Any]) -> set[str]:
    """Header names the app or httpx supplies: auth, and those OpenAPI says to ignore."""
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    names = {"authorization", "accept", "content-type"}
    for scheme in schemes.values():
        if isinstance(scheme, Mapping) and scheme.get("in") == "header" and scheme.get("name"):
            names.add(str(scheme["name"]).lower())
    return names


def _description(spec: Mapping[str, Any], method: str, path: str) -> str:
    summary = " ".join(str(spec.get("summary") or "").split())
    details = str(spec.get("description") or "").strip().split("\n\n")[0]
    details = " ".join(details.split())
    if summary and details and details != summary:
        return f"{summary.rstrip('.')}. {details}"
    return summary or details or f"{method.upper()} {path}"


def _risk(spec: Mapping[str, Any], method: str) -> Risk:
    declared = spec.get("x-assistant-risk")
    if declared is not None:
        try:
            return Risk(declared)
        except ValueError:
            raise Unsupported(
                f"x-assistant-risk {declared!r} is not read/write/destructive"
            ) from None
    if method in _READ:
        return Risk.READ
    return Risk.DESTRUCTIVE if method == "delete" else Risk.WRITE


def _deref(node: Any, doc: Mapping[str, Any]) -> Any:
    """Follow a top-level ``$ref`` only."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise Unsupported(f"recursive $ref {ref!r}")
        seen.add(ref)
        node = _lookup(ref, doc)
    return node


def _resolve(node: Any, doc: Mapping[str, Any], stack: tuple[str, ...] = ()) -> Any:
    """``node`` with every local ``$ref`` inlined and OpenAPI 3.0 schema quirks converted."""
    if isinstance(node, list):
        return [_resolve(v, doc, stack) for v in node]
    if not isinstance(node, Mapping):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in stack:
            raise Unsupported(f"recursive $ref {ref!r}")
        return _resolve(_lookup(ref, doc), doc, (*stack, ref))
    out = {k: _resolve(v, doc, stack) for k, v in node.items()}
    if out.pop("nullable", False) is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), bool):
            flag = out.pop(bound)
            if flag and limit in out:
                out[bound] = out.pop(limit)
    return out


def _lookup(ref: str, doc: Mapping[str, Any]) -> Any:
    if not ref.startswith("#/"):
        raise Unsupported(f"external $ref {ref!r} is not supported")
    node: Any = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            raise Unsupported(f"$ref {ref!r} points nowhere")
        node = node[part]
    return copy.deepcopy(node)
