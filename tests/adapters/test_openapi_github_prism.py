"""OpenApiApp against GitHub's published REST description (npm ``@octokit/openapi``, as it
ships), served by a real Prism mock on 127.0.0.1: a handful of everyday operations taken
whole from the document with the components they refer to (path and query parameters,
enums, integers, date-times, JSON bodies). Prism checks each request against GitHub's own
schemas, so its 2xx is a real check."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from prism_mock import prism_mock
from third_party import ROOT, refused_by_engines

from app_adapters.openapi import HttpStatusError, OpenApiApp

GITHUB = ROOT / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"
OPERATIONS = {
    "repos/get",
    "repos/list-commits",
    "issues/list-for-repo",
    "issues/create",
    "issues/update",
    "pulls/list",
    "search/repos",
}


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _components(document: dict[str, Any], paths: dict[str, Any]) -> dict[str, Any]:
    """Every component the chosen operations refer to, directly or through others."""
    kept: dict[str, Any] = {}
    todo = list(_refs(paths))
    while todo:
        _, _, section, name = todo.pop().split("/", 3)
        if name not in kept.setdefault(section, {}):
            kept[section][name] = document["components"][section][name]
            todo.extend(_refs(kept[section][name]))
    return kept


def github_subset() -> dict[str, Any]:
    """The chosen operations exactly as GitHub's document has them, with the components they
    refer to; GitHub's webhooks and the other operations (most of the file) are left out."""
    if not GITHUB.exists():
        pytest.fail(f"{GITHUB} is missing: run `make setup` (npm ci) first")
    document = json.loads(GITHUB.read_text())
    paths: dict[str, Any] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId") in OPERATIONS:
                paths.setdefault(path, {})[method] = operation
    head = {k: document[k] for k in ("openapi", "info", "servers")}
    return {**head, "paths": paths, "components": _components(document, paths)}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return github_subset()


@pytest.fixture(scope="module")
def base_url(document: dict[str, Any]) -> Iterator[str]:
    with prism_mock(document) as port:
        yield f"http://127.0.0.1:{port}"


def github(document: dict[str, Any], base_url: str) -> OpenApiApp:
    return OpenApiApp.from_document("github", document, base_url)


def test_every_chosen_operation_loads_and_every_engine_takes_its_schema(
    document: dict[str, Any],
) -> None:
    app = github(document, "http://127.0.0.1:9")
    assert len(app.tools()) == len(OPERATIONS) and app.skipped == ()
    assert refused_by_engines(app.tools()) == []


async def test_path_and_query_parameters_with_enums_and_integers_pass_githubs_schemas(
    document: dict[str, Any], base_url: str
) -> None:
    issues = {
        "owner": "octo",
        "repo": "tides",
        "state": "open",
        "labels": "bug,ui",
        "sort": "updated",
        "direction": "asc",
        "per_page": 5,
    }
    async with github(document, base_url) as app:
        found = await app.call("issues_list-for-repo", issues)
        pulls = await app.call("pulls_list", {"owner": "octo", "repo": "tides", "state": "all"})
        repo = await app.call("repos_get", {"owner": "octo", "repo": "tides"})
    assert isinstance(found, list) and "number" in found[0]
    assert isinstance(pulls, list) and isinstance(repo, dict) and "full_name" in repo


async def test_a_date_time_query_value_is_sent_in_the_form_github_documents(
    document: dict[str, Any], base_url: str
) -> None:
    since = {"owner": "octo", "repo": "tides", "since": "2026-11-01T08:00:00Z", "per_page": 2}
    async with github(document, base_url) as app:
        commits = await app.call("repos_list-commits", since)
    assert isinstance(commits, list) and "sha" in commits[0]


async def test_a_search_query_with_spaces_and_a_colon_arrives_intact(
    document: dict[str, Any], base_url: str
) -> None:
    query = {"q": "tides language:python stars:>10", "sort": "stars", "order": "desc"}
    async with github(document, base_url) as app:
        found = await app.call("search_repos", query)
    assert "total_count" in found


async def test_json_bodies_for_creating_and_updating_an_issue_are_accepted(
    document: dict[str, Any], base_url: str
) -> None:
    new = {"owner": "octo", "repo": "tides", "title": "Low tide is wrong", "labels": ["bug"]}
    edit = {"owner": "octo", "repo": "tides", "issue_number": 7, "state": "closed"}
    async with github(document, base_url) as app:
        created = await app.call("issues_create", new)
        updated = await app.call("issues_update", edit)
    assert "number" in created and "number" in updated


async def test_a_value_outside_githubs_enum_is_refused_by_the_mock(
    document: dict[str, Any], base_url: str
) -> None:
    wrong = {"owner": "octo", "repo": "tides", "state": "sideways"}
    async with github(document, base_url) as app:
        with pytest.raises(HttpStatusError) as caught:
            await app.call("pulls_list", wrong)
    assert caught.value.status == 422
