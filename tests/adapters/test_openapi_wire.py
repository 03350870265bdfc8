"""OpenApiApp sends what the OpenAPI 3 specification says, checked on the wire of a real HTTP
service on 127.0.0.1 (echo_http_service.py): every supported ``style``/``explode`` form in
path, query, header and cookie against the specification's own style examples, null and
absent values, server variables and path- and operation-level servers, ``Accept`` and the
security schemes. Forms the specification leaves undefined are refused at load."""

from __future__ import annotations

import base64
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
from echo_http_service import echo_service

from app_adapters.openapi import OpenApiApp
from assistant_sdk.errors import ConfigurationError, ToolError

VALUES: dict[str, Any] = {
    "string": "blue",
    "array": ["blue", "black", "brown"],
    "object": {"R": 100, "G": 200, "B": 150},
}
SCHEMAS: dict[str, Any] = {
    "string": {"type": "string"},
    "array": {"type": "array", "items": {"type": "string"}},
    "object": {"type": "object", "properties": {k: {"type": "integer"} for k in "RGB"}},
}
# (in, style, explode, value) → the specification's example (style examples table)
SPEC_EXAMPLES: dict[tuple[str, str, bool, str], str] = {
    ("path", "simple", False, "string"): "blue",
    ("path", "simple", False, "array"): "blue,black,brown",
    ("path", "simple", False, "object"): "R,100,G,200,B,150",
    ("path", "simple", True, "array"): "blue,black,brown",
    ("path", "simple", True, "object"): "R=100,G=200,B=150",
    ("path", "label", False, "string"): ".blue",
    ("path", "label", False, "array"): ".blue,black,brown",
    ("path", "label", False, "object"): ".R,100,G,200,B,150",
    ("path", "label", True, "array"): ".blue.black.brown",
    ("path", "label", True, "object"): ".R=100.G=200.B=150",
    ("path", "matrix", False, "string"): ";color=blue",
    ("path", "matrix", False, "array"): ";color=blue,black,brown",
    ("path", "matrix", False, "object"): ";color=R,100,G,200,B,150",
    ("path", "matrix", True, "array"): ";color=blue;color=black;color=brown",
    ("path", "matrix", True, "object"): ";R=100;G=200;B=150",
    ("query", "form", True, "string"): "color=blue",
    ("query", "form", True, "array"): "color=blue&color=black&color=brown",
    ("query", "form", True, "object"): "R=100&G=200&B=150",
    ("query", "form", False, "array"): "color=blue,black,brown",
    ("query", "form", False, "object"): "color=R,100,G,200,B,150",
    ("query", "spaceDelimited", False, "array"): "color=blue black brown",
    ("query", "pipeDelimited", False, "array"): "color=blue|black|brown",
    ("query", "deepObject", True, "object"): "color[R]=100&color[G]=200&color[B]=150",
    ("header", "simple", False, "string"): "blue",
    ("header", "simple", False, "array"): "blue,black,brown",
    ("header", "simple", False, "object"): "R,100,G,200,B,150",
    ("header", "simple", True, "object"): "R=100,G=200,B=150",
    ("cookie", "form", True, "string"): "color=blue",
    ("cookie", "form", False, "array"): "color=blue,black,brown",
    ("cookie", "form", False, "object"): "color=R,100,G,200,B,150",
}


RESPONSES = {
    "200": {"description": "ok", "content": {"application/xml": {}, "application/json": {}}}
}


def op_id(where: str, style: str, explode: bool, kind: str) -> str:
    return f"{where}_{style}_{'x' if explode else 'n'}_{kind}"


def styled_document(port: int) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for where, style, explode, kind in SPEC_EXAMPLES:
        name = op_id(where, style, explode, kind)
        param = {
            "name": "X-Color" if where == "header" else "color",
            "in": where,
            "required": True,
            "style": style,
            "explode": explode,
            "schema": SCHEMAS[kind],
        }
        url = f"/{name}/{{color}}" if where == "path" else f"/{name}"
        operation = {"operationId": name, "summary": name, "parameters": [param]}
        paths[url] = {"get": {**operation, "responses": RESPONSES}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "echo", "version": "1"},
        "servers": [{"url": f"http://127.0.0.1:{port}"}],
        "paths": paths,
    }


@pytest.fixture
def port() -> Iterator[int]:
    with echo_service() as port:
        yield port


def load(document: dict[str, Any], **options: Any) -> OpenApiApp:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return OpenApiApp.from_document("echo", document, **options)


async def seen(app: OpenApiApp, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    async with app:
        result = await app.call(tool, arguments)
    assert isinstance(result, dict)
    return result


@pytest.mark.parametrize(("form", "expected"), SPEC_EXAMPLES.items(), ids=lambda f: str(f))
async def test_each_supported_style_is_sent_as_the_specifications_example(
    port: int, form: tuple[str, str, bool, str], expected: str
) -> None:
    where, kind = form[0], form[3]
    name = op_id(*form)
    arg = "X-Color" if where == "header" else "color"
    wire = await seen(load(styled_document(port)), name, {arg: VALUES[kind]})
    if where == "path":
        assert unquote(wire["path"]) == f"/{name}/{expected}"
    elif where == "query":
        assert unquote(wire["query"]) == expected
    elif where == "header":
        assert wire["headers"]["x-color"] == expected
    else:
        assert wire["headers"]["cookie"] == expected


def one_op(port: int, params: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    operation = {"operationId": "probe", "summary": "Probe.", "parameters": params, **extra}
    operation.setdefault("responses", RESPONSES)
    return {
        "openapi": "3.0.3",
        "info": {"title": "echo", "version": "1"},
        "servers": [{"url": f"http://127.0.0.1:{port}"}],
        "paths": {"/probe": {"post": operation}},
    }


async def test_reserved_characters_in_a_query_value_are_percent_encoded(port: int) -> None:
    doc = one_op(port, [{"name": "q", "in": "query", "schema": {"type": "string"}}])
    wire = await seen(load(doc), "probe", {"q": "a&b=c d/é"})
    assert wire["query"] == "q=a%26b%3Dc%20d%2F%C3%A9"


async def test_allow_reserved_leaves_reserved_characters_as_they_are(port: int) -> None:
    param = {"name": "q", "in": "query", "allowReserved": True, "schema": {"type": "string"}}
    wire = await seen(load(one_op(port, [param])), "probe", {"q": "a/b:c"})
    assert wire["query"] == "q=a/b:c"


async def test_an_absent_or_null_optional_parameter_is_not_sent(port: int) -> None:
    doc = one_op(port, [{"name": "tag", "in": "query", "schema": {"type": ["string", "null"]}}])
    assert (await seen(load(doc), "probe", {}))["query"] == ""
    assert (await seen(load(doc), "probe", {"tag": None}))["query"] == ""


async def test_a_null_parameter_that_allows_empty_values_is_sent_empty(port: int) -> None:
    param = {"name": "tag", "in": "query", "allowEmptyValue": True, "schema": {"type": "string"}}
    assert (await seen(load(one_op(port, [param])), "probe", {"tag": None}))["query"] == "tag="


async def test_a_required_parameter_given_null_is_a_tool_error(port: int) -> None:
    param = {"name": "tag", "in": "query", "required": True, "schema": {"type": "string"}}
    async with load(one_op(port, [param])) as app:
        with pytest.raises(ToolError, match="'tag' is required and cannot be null"):
            await app.call("probe", {"tag": None})


async def test_null_in_a_json_body_stays_null_and_an_absent_field_stays_absent(port: int) -> None:
    schema = {"type": "object", "properties": {"a": {}, "b": {}}}
    body = {"content": {"application/json": {"schema": schema}}}
    wire = await seen(load(one_op(port, [], requestBody=body)), "probe", {"a": None})
    assert wire["body"] == {"a": None}


async def test_a_json_content_parameter_is_sent_as_json_text(port: int) -> None:
    content = {"application/json": {"schema": {"type": "object"}}}
    param = {"name": "filter", "in": "query", "content": content}
    wire = await seen(load(one_op(port, [param])), "probe", {"filter": {"a": [1, 2]}})
    assert unquote(wire["query"]) == 'filter={"a":[1,2]}'


def test_forms_the_specification_leaves_undefined_are_refused_at_load_and_listed() -> None:
    nested = {"type": "object", "properties": {"p": {"type": "object"}}}
    bad = [
        ("deepObject on an array", "query", "deepObject", True, SCHEMAS["array"]),
        ("a nested object", "query", "form", True, nested),
        ("label in a query", "query", "label", False, SCHEMAS["string"]),
        ("spaceDelimited object", "query", "spaceDelimited", False, SCHEMAS["object"]),
        ("an exploded cookie array", "cookie", "form", True, SCHEMAS["array"]),
        ("matrix in a header", "header", "matrix", False, SCHEMAS["string"]),
    ]
    paths = {
        f"/bad{i}": {
            "get": {
                "operationId": f"bad{i}",
                "summary": why,
                "parameters": [
                    {"name": "v", "in": where, "style": style, "explode": explode, "schema": schema}
                ],
            }
        }
        for i, (why, where, style, explode, schema) in enumerate(bad)
    }
    xml = {"name": "x", "in": "query", "content": {"application/xml": {}}}
    paths["/xml"] = {"get": {"operationId": "xml", "summary": "xml", "parameters": [xml]}}
    doc = {"openapi": "3.1.0", "info": {}, "servers": [{"url": "http://127.0.0.1:9"}]}
    with pytest.warns(UserWarning) as caught:
        app = OpenApiApp.from_document("bad", {**doc, "paths": paths})
    assert app.tools() == [] and len(app.skipped) == len(bad) + 1
    message = str(caught[0].message)
    for fragment in (
        "deepObject needs an object",
        "nests arrays or objects",
        "style 'label', not allowed in query",
        "spaceDelimited is defined here for arrays only",
        "an exploded array has no cookie form",
        "style 'matrix', not allowed in header",
        "content 'application/xml', not JSON",
    ):
        assert fragment in message


def served(port: int, servers: list[Any], path_servers: list[Any] | None = None) -> dict[str, Any]:
    operation = {"operationId": "where", "summary": "Where.", "responses": RESPONSES}
    own = {"own": {"operationId": "own", "summary": "Own.", "responses": RESPONSES}}
    return {
        "openapi": "3.1.0",
        "info": {},
        "servers": servers,
        "paths": {
            "/where": {"get": operation, **({"servers": path_servers} if path_servers else {})},
            "/own": {"get": {**own["own"], "servers": [{"url": "/op-level"}]}},
        },
    }


TEMPLATED = {
    "url": "http://127.0.0.1:{port}/{version}",
    "variables": {
        "port": {"default": "9"},
        "version": {"default": "v1", "enum": ["v1", "v2"]},
    },
}


async def test_server_variables_take_the_apps_values_then_the_defaults(port: int) -> None:
    app = load(served(port, [TEMPLATED]), server_variables={"port": str(port)})
    assert (await seen(app, "where", {}))["path"] == "/v1/where"


async def test_a_server_variable_outside_its_enum_is_a_configuration_error(port: int) -> None:
    with pytest.raises(ConfigurationError, match="'version' = 'v3' is not one of"):
        load(served(port, [TEMPLATED]), server_variables={"port": "1", "version": "v3"})


async def test_operation_level_servers_win_over_the_documents(port: int) -> None:
    app = load(served(port, [{"url": f"http://127.0.0.1:{port}/api"}]))
    assert (await seen(app, "own", {}))["path"] == "/op-level/own"
    assert (await seen(app, "where", {}))["path"] == "/api/where"


async def test_path_level_servers_win_over_the_documents(port: int) -> None:
    doc = served(port, [{"url": "http://127.0.0.1:9"}], [{"url": f"http://127.0.0.1:{port}/p"}])
    assert (await seen(load(doc), "where", {}))["path"] == "/p/where"


async def test_a_server_url_httpx_cannot_use_is_a_tool_error_not_a_crash() -> None:
    app = load(served(1, [TEMPLATED]), server_variables={"port": "99999999"})
    async with app:
        with pytest.raises(ToolError, match="cannot"):
            await app.call("where", {})


async def test_accept_names_the_json_response_type_so_the_service_answers_json(port: int) -> None:
    wire = await seen(load(served(port, [{"url": f"http://127.0.0.1:{port}"}])), "where", {})
    assert wire["headers"]["accept"] == "application/json"


SCHEMES = {
    "header_key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
    "query_key": {"type": "apiKey", "in": "query", "name": "api_key"},
    "cookie_key": {"type": "apiKey", "in": "cookie", "name": "sid"},
    "token": {"type": "http", "scheme": "bearer"},
    "login": {"type": "http", "scheme": "basic"},
    "digest": {"type": "http", "scheme": "digest"},
    "tls": {"type": "mutualTLS"},
}


def secured(port: int) -> dict[str, Any]:
    paths = {
        f"/{key}": {
            "get": {
                "operationId": key,
                "summary": key,
                "security": [{key: []}],
                "responses": RESPONSES,
                # the document also lists the query key as a parameter: it stays the app's
                "parameters": [{"name": "api_key", "in": "query", "schema": {"type": "string"}}],
            }
        }
        for key in SCHEMES
    }
    paths["/either"] = {
        "get": {
            "operationId": "either",
            "summary": "either",
            "security": [{"digest": []}, {"token": [], "header_key": []}],
            "responses": RESPONSES,
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {},
        "servers": [{"url": f"http://127.0.0.1:{port}"}],
        "components": {"securitySchemes": SCHEMES},
        "paths": paths,
    }


CREDENTIALS = {
    "header_key": "k1",
    "query_key": "k 2",
    "cookie_key": "s3",
    "token": "t4",
    "login": ("ada", "pw:5"),
}


async def test_each_supported_security_scheme_carries_the_apps_credential(port: int) -> None:
    app = load(secured(port), credentials=CREDENTIALS)
    assert (await seen(app, "header_key", {}))["headers"]["x-api-key"] == "k1"
    assert (await seen(app, "query_key", {}))["query"] == "api_key=k%202"
    assert (await seen(app, "cookie_key", {}))["headers"]["cookie"] == "sid=s3"
    assert (await seen(app, "token", {}))["headers"]["authorization"] == "Bearer t4"
    basic = (await seen(app, "login", {}))["headers"]["authorization"]
    assert base64.b64decode(basic.removeprefix("Basic ")) == b"ada:pw:5"


async def test_the_first_alternative_the_app_can_satisfy_is_used(port: int) -> None:
    wire = await seen(load(secured(port), credentials=CREDENTIALS), "either", {})
    assert wire["headers"]["authorization"] == "Bearer t4"
    assert wire["headers"]["x-api-key"] == "k1"


async def test_credentials_may_come_from_an_async_function(port: int) -> None:
    async def fresh() -> dict[str, Any]:
        return {"token": "refreshed"}

    wire = await seen(load(secured(port), credentials=fresh), "token", {})
    assert wire["headers"]["authorization"] == "Bearer refreshed"


def test_an_api_key_the_document_also_lists_as_a_parameter_is_left_to_the_app() -> None:
    tools = {t.name: t for t in load(secured(9)).tools()}
    assert "api_key" not in tools["query_key"].parameters["properties"]
    assert "api_key" in tools["token"].parameters["properties"]  # no scheme claims it there


def test_operations_needing_only_unsupported_schemes_are_skipped_and_named() -> None:
    with pytest.warns(UserWarning) as caught:
        app = OpenApiApp.from_document("secure", secured(9))
    assert {t.name for t in app.tools()} == {*CREDENTIALS, "either"}
    message = str(caught[0].message)
    assert "GET /digest: security scheme 'digest' (http digest) is not supported" in message
    assert "GET /tls: security scheme 'tls' (mutualTLS) is not supported" in message
