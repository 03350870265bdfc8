"""OpenApiApp against a real HTTP service on 127.0.0.1 (notes_http_service.py)."""

from __future__ import annotations

import json
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from notes_http_service import DOCUMENT, TOKEN, running_service

from app_adapters.openapi import HttpStatusError, OpenApiApp
from assistant_sdk.errors import ConfigurationError, ToolDefinitionError, ToolError
from assistant_sdk.tools import ToolRegistry
from assistant_sdk.types import Risk


def build(base_url: str, **options: object) -> OpenApiApp:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return OpenApiApp.from_document("notes", DOCUMENT, base_url, **options)  # type: ignore[arg-type]


@pytest.fixture
def base_url() -> Iterator[str]:
    with running_service() as url:
        yield url


@pytest.fixture
async def notes(base_url: str) -> AsyncIterator[OpenApiApp]:
    async with build(base_url, headers={"Authorization": TOKEN}) as app:
        yield app


def tools(app: OpenApiApp) -> dict[str, object]:
    return {t.name: t for t in app.tools()}


def test_each_supported_operation_becomes_a_tool_named_after_its_operation_id() -> None:
    app = build("http://127.0.0.1:9")
    assert set(tools(app)) == {
        "searchNotes", "createNote", "getNote", "deleteNote", "notes_export", "echo", "slow",
        "getPrefs", "setPrefs",
    }  # fmt: skip


def test_parameters_and_the_json_body_merge_into_one_schema() -> None:
    by_name = {t.name: t for t in build("http://127.0.0.1:9").tools()}
    create = by_name["createNote"]
    assert create.parameters["required"] == ["text"]
    assert create.parameters["properties"]["text"]["description"] == "What to remember."
    assert create.parameters["properties"]["pinned"]["type"] == ["boolean", "null"]
    echo = by_name["echo"].parameters
    assert set(echo["properties"]) == {"part", "flag", "tags", "X-Trace", "body"}
    assert echo["required"] == ["part"]
    assert by_name["getNote"].parameters["required"] == ["note_id"]
    limit = by_name["searchNotes"].parameters["properties"]["limit"]
    assert limit == {"type": "integer", "exclusiveMinimum": 0}


def test_descriptions_come_from_summary_and_the_first_paragraph_of_the_description() -> None:
    search = {t.name: t for t in build("http://127.0.0.1:9").tools()}["searchNotes"]
    assert search.description == "Search notes. Finds notes containing a word."


def test_risk_follows_the_method_unless_the_operation_declares_it() -> None:
    risks = {t.name: t.risk for t in build("http://127.0.0.1:9").tools()}
    assert risks["searchNotes"] is Risk.READ
    assert risks["createNote"] is Risk.WRITE
    assert risks["deleteNote"] is Risk.DESTRUCTIVE
    assert risks["echo"] is Risk.READ  # POST, but x-assistant-risk: read


def test_assistant_extensions_supply_examples_data_classes_and_capability() -> None:
    search = {t.name: t for t in build("http://127.0.0.1:9").tools()}["searchNotes"]
    assert search.examples == ("find my note about milk",)
    assert search.data_classes == {"notes"}
    assert search.capability == "notes.search"


def test_unsupported_operations_are_skipped_with_one_warning_naming_each_and_why() -> None:
    with pytest.warns(UserWarning) as caught:
        app = OpenApiApp.from_document("notes", DOCUMENT, "http://127.0.0.1:9")
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "skipped 3 operation(s)" in message
    for expected in (
        "PUT /import: request body ['application/xml'] is not JSON",
        "POST /subscribe: callbacks",
        "POST /folders: recursive $ref '#/components/schemas/Folder'",
    ):
        assert expected in message
    assert len(app.skipped) == 3


def test_every_tool_registers() -> None:
    registry = ToolRegistry()
    assert len(registry.add_app(build("http://127.0.0.1:9"))) == 9


async def test_a_query_call_sends_the_auth_headers_and_returns_json(notes: OpenApiApp) -> None:
    assert await notes.call("searchNotes", {"q": "milk"}) == [{"id": "n1", "text": "buy milk"}]


async def test_a_json_body_is_sent_and_path_parameters_are_templated(notes: OpenApiApp) -> None:
    created = await notes.call("createNote", {"text": "call mom", "tags": ["family"]})
    assert created == {"id": "n2", "text": "call mom", "tags": ["family"]}
    assert await notes.call("getNote", {"note_id": "n2"}) == created


async def test_path_query_header_and_body_values_reach_the_wire_as_written(
    notes: OpenApiApp,
) -> None:
    args = {"part": "a b/c", "flag": True, "tags": ["x", "y"], "X-Trace": "t1", "body": [1, 2]}
    echoed = await notes.call("echo", args)
    assert echoed == {
        "part": "a b/c",
        "query": {"flag": ["true"], "tags": ["x", "y"]},
        "trace": "t1",
        "body": [1, 2],
    }


async def test_an_http_error_is_a_tool_error_with_the_status_and_the_bodys_message(
    notes: OpenApiApp,
) -> None:
    with pytest.raises(HttpStatusError, match=r"HTTP 404 Not Found: no note 'n9'") as caught:
        await notes.call("deleteNote", {"note_id": "n9"})
    assert caught.value.status == 404
    assert not caught.value.retryable


async def test_a_delete_without_content_returns_none(notes: OpenApiApp) -> None:
    assert await notes.call("deleteNote", {"note_id": "n1"}) is None
    with pytest.raises(HttpStatusError):
        await notes.call("getNote", {"note_id": "n1"})


async def test_a_non_json_response_comes_back_as_text(notes: OpenApiApp) -> None:
    assert await notes.call("notes_export", {"note_id": "n1"}) == "buy milk"


async def test_auth_headers_may_come_from_an_async_function(base_url: str) -> None:
    calls = []

    async def fresh_token() -> dict[str, str]:
        calls.append(1)
        return {"Authorization": TOKEN}

    async with build(base_url, headers=fresh_token) as app:
        await app.call("searchNotes", {"q": "milk"})
        await app.call("searchNotes", {"q": "milk"})
    assert len(calls) == 2


def test_an_auth_header_parameter_is_left_to_the_app_not_to_the_model() -> None:
    search = {t.name: t for t in build("http://127.0.0.1:9").tools()}["searchNotes"]
    assert set(search.parameters["properties"]) == {"q", "limit"}
    assert search.parameters["required"] == ["q"]


async def test_an_auth_supplier_that_fails_is_a_tool_error(base_url: str) -> None:
    def expired() -> dict[str, str]:
        raise RuntimeError("token expired")

    async with build(base_url, headers=expired) as app:
        with pytest.raises(ToolError, match=r"could not supply its auth headers.*token expired"):
            await app.call("searchNotes", {"q": "milk"})


async def test_missing_auth_is_a_tool_error_with_the_services_message(base_url: str) -> None:
    async with build(base_url) as app:
        with pytest.raises(ToolError, match="HTTP 401 Unauthorized: bad token"):
            await app.call("searchNotes", {"q": "milk"})


async def test_a_slow_service_times_out_as_a_retryable_tool_error(base_url: str) -> None:
    async with build(base_url, timeout=0.3) as app:
        with pytest.raises(ToolError, match=r"did not answer within 0\.3 s") as caught:
            await app.call("slow", {})
    assert caught.value.retryable


async def test_an_unreachable_service_is_a_tool_error_naming_it() -> None:
    with running_service() as url:
        pass  # the port is free again
    async with build(url) as app:
        with pytest.raises(ToolError, match="cannot reach 'notes'"):
            await app.call("slow", {})


async def test_an_injected_client_is_used_and_left_open(base_url: str) -> None:
    async with httpx.AsyncClient() as client:
        async with build(base_url, client=client, headers={"Authorization": TOKEN}) as app:
            assert await app.call("getNote", {"note_id": "n1"}) == {"id": "n1", "text": "buy milk"}
        assert not client.is_closed


async def test_an_argument_the_operation_does_not_take_is_a_tool_error(notes: OpenApiApp) -> None:
    with pytest.raises(ToolError, match="takes no argument 'colour'"):
        await notes.call("getNote", {"note_id": "n1", "colour": "red"})


def test_a_document_is_read_from_a_json_or_yaml_file(tmp_path: Path) -> None:
    import yaml

    (tmp_path / "notes.json").write_text(json.dumps(DOCUMENT))
    (tmp_path / "notes.yaml").write_text(yaml.safe_dump(DOCUMENT))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ("notes.json", "notes.yaml"):
            app = OpenApiApp.from_document("notes", tmp_path / name, "http://127.0.0.1:9")
            assert len(app.tools()) == 9


def test_a_relative_server_url_without_base_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="pass base_url="), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        OpenApiApp.from_document("notes", DOCUMENT)


def test_a_swagger_2_document_is_rejected() -> None:
    with pytest.raises(ToolDefinitionError, match="OpenAPI 3"):
        OpenApiApp.from_document("old", {"swagger": "2.0", "paths": {}}, "http://x")
