"""OpenApiApp against a real Prism mock (``@stoplight/prism-cli``) on 127.0.0.1. Prism checks
each request against the document, parameters in their ``style``/``explode`` form included,
and answers 422 (or 401 for missing credentials) when it does not match: its 2xx is the check.

Two documents, served by one Prism process for the module: every parameter form Prism can read,
with schemas tight enough (enums, exact item counts, required integer fields, no extra
properties) that a wrongly serialised value fails; and a petstore-like API with a templated
server, a JSON-or-XML response, a JSON body and security schemes.

Prism 5.16 cannot judge some forms the specification defines (checked, with the rest, against
the specification's examples on our echo service in test_openapi_wire.py): a comma in a path
value crashes its request handler (``uri-template-lite`` splits it before the style is read),
it splits exploded ``label`` objects on ``,`` and ``spaceDelimited`` arrays on a literal
``%20``, it lower-cases object keys, and it does not read cookie parameters."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prism_mock import prism_mock
from test_openapi_wire import SPEC_EXAMPLES, op_id

from app_adapters.openapi import HttpStatusError, OpenApiApp

VALUES: dict[str, Any] = {
    "string": "blue",
    "array": ["blue", "black", "brown"],
    "object": {"r": 100, "g": 200, "b": 150},
}
COLOURS = {"type": "string", "enum": ["blue", "black", "brown"]}
SCHEMAS: dict[str, Any] = {
    "string": {"type": "string", "enum": ["blue"]},
    "array": {"type": "array", "minItems": 3, "maxItems": 3, "items": COLOURS},
    "object": {
        "type": "object",
        "required": ["r", "g", "b"],
        "additionalProperties": False,
        "properties": {k: {"type": "integer"} for k in "rgb"},
    },
}
Form = tuple[str, str, bool, str]
PRISM_CANNOT_READ: dict[Form, str] = {
    **{
        form: "a comma in a path value crashes Prism"
        for form, example in SPEC_EXAMPLES.items()
        if form[0] == "path" and "," in example
    },
    ("path", "label", True, "object"): "Prism splits exploded label objects on ','",
    ("query", "spaceDelimited", False, "array"): "Prism splits on a literal '%20'",
    **{form: "Prism does not read cookies" for form in SPEC_EXAMPLES if form[0] == "cookie"},
}
PRISM_FORMS = [form for form in SPEC_EXAMPLES if form not in PRISM_CANNOT_READ]
# The same value written in another form of the same place, which Prism must refuse (forms
# whose every alternative crashes Prism, such as a path label without its '.', have none).
WRONG_FORM: dict[Form, tuple[str, bool]] = {
    ("path", "simple", False, "string"): ("label", False),
    ("query", "form", True, "array"): ("form", False),
    ("query", "form", True, "object"): ("deepObject", True),
    ("query", "form", False, "array"): ("pipeDelimited", False),
    ("query", "form", False, "object"): ("form", True),
    ("query", "pipeDelimited", False, "array"): ("form", False),
    ("query", "deepObject", True, "object"): ("form", False),
    ("header", "simple", False, "object"): ("simple", True),
    ("header", "simple", True, "object"): ("simple", False),
}
OK = {
    "200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"type": "object"}, "example": {"ok": True}}},
    }
}


def _param_name(where: str) -> str:
    return "X-Color" if where == "header" else "color"


def styled_document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for where, style, explode, kind in PRISM_FORMS:
        name = op_id(where, style, explode, kind)
        param = {
            "name": _param_name(where),
            "in": where,
            "required": True,
            "style": style,
            "explode": explode,
            "schema": SCHEMAS[kind],
        }
        url = f"/{name}/{{color}}" if where == "path" else f"/{name}"
        paths[url] = {
            "get": {"operationId": name, "summary": name, "parameters": [param], "responses": OK}
        }
    return {"openapi": "3.1.0", "info": {"title": "styles", "version": "1"}, "paths": paths}


@pytest.fixture(scope="module")
def styled(mock_port: int) -> str:
    return f"http://127.0.0.1:{mock_port}"


def _wire(form: Form) -> str:
    """The specification's example of ``form``, with the object keys Prism can read."""
    example = SPEC_EXAMPLES[form]
    return example.replace("R", "r").replace("G", "g").replace("B", "b")


def test_prism_can_read_most_of_the_forms_the_adapter_supports() -> None:
    assert len(PRISM_FORMS) == 17 and len(SPEC_EXAMPLES) == 30


@pytest.mark.parametrize("form", PRISM_FORMS, ids=lambda f: op_id(*f))
async def test_each_form_prism_can_read_is_sent_so_that_prism_accepts_it(
    styled: str, form: Form
) -> None:
    async with OpenApiApp.from_document("styles", styled_document(), styled) as app:
        answer = await app.call(op_id(*form), {_param_name(form[0]): VALUES[form[3]]})
    assert answer == {"ok": True}


@pytest.mark.parametrize("form", WRONG_FORM, ids=lambda f: op_id(*f))
def test_prism_refuses_the_same_value_serialised_in_another_form(styled: str, form: Form) -> None:
    where, _, _, kind = form
    wrong = _wire((where, *WRONG_FORM[form], kind))
    name = op_id(*form)
    with httpx.Client(base_url=styled) as client:
        if where == "path":
            status = client.get(f"/{name}/{wrong}").status_code
        elif where == "query":
            status = client.get(f"/{name}?{wrong}").status_code
        else:
            status = client.get(f"/{name}", headers={"X-Color": wrong}).status_code
    assert status == 422


SCHEMES = {
    "api_key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
    "query_key": {"type": "apiKey", "in": "query", "name": "key"},
    "session": {"type": "apiKey", "in": "cookie", "name": "sid"},
    "bearer": {"type": "http", "scheme": "bearer"},
    "basic": {"type": "http", "scheme": "basic"},
}
CREDENTIALS = {
    "api_key": "k-123",
    "query_key": "q-456",
    "session": "s-789",
    "bearer": "t-0",
    "basic": ("ada", "pw"),
}
PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer", "format": "int64"},
        "name": {"type": "string"},
        "tag": {"type": "string"},
        "status": {"type": "string", "enum": ["available", "pending", "sold"]},
    },
}
NEW_PET = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {"name": {"type": "string", "minLength": 1}, "tag": {"type": "string"}},
}
FIDO = {"id": 1, "name": "Fido", "tag": "dog", "status": "available"}


def _answer(schema: dict[str, Any], example: Any, code: str = "200") -> dict[str, Any]:
    both = {"application/xml": {"schema": schema}, "application/json": {"schema": schema}}
    both["application/json"]["example"] = example
    return {code: {"description": "ok", "content": both}}


def petstore_document() -> dict[str, Any]:
    pet_id = {
        "name": "petId",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
    listing = [
        {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}},
        {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "X-Request-Id", "in": "header", "schema": {"type": "string", "format": "uuid"}},
    ]
    new_pet = {"required": True, "content": {"application/json": {"schema": NEW_PET}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "petstore", "version": "1"},
        "servers": [{"url": "http://127.0.0.1:{port}", "variables": {"port": {"default": "9"}}}],
        "components": {"securitySchemes": SCHEMES},
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "summary": "List pets.",
                    "parameters": listing,
                    "security": [{"query_key": []}],
                    "responses": _answer({"type": "array", "items": PET}, [FIDO]),
                },
                "post": {
                    "operationId": "addPet",
                    "summary": "Add a pet.",
                    "requestBody": new_pet,
                    "security": [{"bearer": []}],
                    "responses": _answer(PET, {**FIDO, "id": 2}, "201"),
                },
            },
            "/pets/{petId}": {
                "get": {
                    "operationId": "getPet",
                    "summary": "One pet.",
                    "parameters": [pet_id],
                    "security": [{"session": []}, {"basic": []}],
                    "responses": _answer(PET, FIDO),
                },
                "delete": {
                    "operationId": "deletePet",
                    "summary": "Delete a pet.",
                    "parameters": [pet_id],
                    "security": [{"api_key": []}],
                    "responses": {"204": {"description": "deleted"}},
                },
            },
        },
    }


@pytest.fixture(scope="module")
def mock_port() -> Iterator[int]:
    """One Prism process for the module, serving both documents' paths."""
    pets = petstore_document()
    with prism_mock({**pets, "paths": {**pets["paths"], **styled_document()["paths"]}}) as port:
        yield port


@pytest.fixture(scope="module")
def petstore_port(mock_port: int) -> int:
    return mock_port


def petstore(port: int, **options: Any) -> OpenApiApp:
    options.setdefault("credentials", CREDENTIALS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every operation of this document is supported
        return OpenApiApp.from_document(
            "pets", petstore_document(), server_variables={"port": str(port)}, **options
        )


async def test_a_templated_server_with_the_apps_variable_reaches_the_mock(
    petstore_port: int,
) -> None:
    async with petstore(petstore_port) as app:
        assert await app.call("listPets", {}) == [FIDO]


async def test_a_service_that_also_speaks_xml_answers_json(petstore_port: int) -> None:
    async with petstore(petstore_port) as app:
        pet = await app.call("getPet", {"petId": 1})
    assert pet == FIDO


async def test_query_arrays_integers_and_headers_pass_the_mocks_validation(
    petstore_port: int,
) -> None:
    request_id = "0b7e4b02-2a5e-4a43-9b0c-1c9fa1b2c3d4"
    args = {"limit": 7, "tags": ["dog", "cat"], "X-Request-Id": request_id}
    async with petstore(petstore_port) as app:
        assert await app.call("listPets", args) == [FIDO]


async def test_a_null_optional_integer_is_left_out_rather_than_sent_as_text(
    petstore_port: int,
) -> None:
    async with petstore(petstore_port) as app:
        assert await app.call("listPets", {"limit": None, "tags": None}) == [FIDO]


async def test_a_value_the_document_forbids_comes_back_as_the_mocks_422(
    petstore_port: int,
) -> None:
    async with petstore(petstore_port) as app:
        with pytest.raises(HttpStatusError) as caught:
            await app.call("listPets", {"limit": 1000})
    assert caught.value.status == 422 and not caught.value.retryable


async def test_a_json_body_is_sent_as_the_document_describes(petstore_port: int) -> None:
    async with petstore(petstore_port) as app:
        created = await app.call("addPet", {"name": "Rex", "tag": "dog"})
    assert created["id"] == 2


async def test_each_security_scheme_satisfies_the_mocks_check(petstore_port: int) -> None:
    async with petstore(petstore_port) as app:
        assert await app.call("listPets", {}) == [FIDO]  # API key in the query
        assert (await app.call("addPet", {"name": "Rex"}))["id"] == 2  # bearer
        assert await app.call("getPet", {"petId": 1}) == FIDO  # API key in a cookie
        assert await app.call("deletePet", {"petId": 1}) is None  # API key in a header
    basic_only = {"basic": ("ada", "pw")}
    async with petstore(petstore_port, credentials=basic_only) as app:
        assert await app.call("getPet", {"petId": 1}) == FIDO  # the basic alternative


async def test_without_the_apps_credentials_the_mock_answers_401(petstore_port: int) -> None:
    async with petstore(petstore_port, credentials={}) as app:
        with pytest.raises(HttpStatusError) as caught:
            await app.call("deletePet", {"petId": 1})
    assert caught.value.status == 401
