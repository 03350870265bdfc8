"""Bad files and bad text end to end: a hand-edited resolver.json, a corrupt contact card and a
request with lone surrogates each get a library error or a warning, never a crash."""

from __future__ import annotations

import json
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app_adapters import PythonApp
from app_adapters.apps import AppDisabledWarning, load_sample_apps, seed_demo_profile
from app_adapters.apps.contacts import ContactBook
from assistant_sdk import (
    Assistant,
    FactStore,
    IndexStoreError,
    InvalidRequestError,
    Resolver,
    ToolRegistry,
    load_resolver,
    save_resolver,
)
from embeddings.base import Embedder

pytestmark = pytest.mark.slow


def small_registry() -> ToolRegistry:
    app = PythonApp("weather")

    @app.tool(examples=["what's the weather", "will it rain tomorrow"])
    def get_weather(city: str = "here") -> str:
        """Get the weather forecast."""
        return f"sunny in {city}"

    @app.tool(examples=["set an alarm for 7", "wake me up at 6"], risk="write")
    def set_alarm(time: str) -> str:
        """Set an alarm."""
        return f"alarm at {time}"

    registry = ToolRegistry()
    registry.add_app(app)
    return registry


@pytest.fixture(scope="module")
def saved(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    resolver = Resolver(embedder, small_registry(), FactStore(":memory:"))
    resolver.build()
    folder = save_resolver(resolver, tmp_path_factory.mktemp("index") / "resolver")
    yield folder


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
KEYS = st.sampled_from(["format", "fingerprint", "entries", "calibration", "sha256"])


def edited(meta: dict[str, Any], key: str, value: Any, nested: bool) -> dict[str, Any]:
    """``meta`` with one field replaced, or removed when ``value`` is None."""
    copy = json.loads(json.dumps(meta))
    target = copy["calibration"] if nested and key in copy["calibration"] else copy
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value
    return copy


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(KEYS | st.sampled_from(["weights", "thresholds", "fitted"]), JSON, st.booleans())
def test_a_hand_edited_resolver_json_loads_or_raises_an_index_store_error(
    saved: Path, embedder: Embedder, key: str, value: Any, nested: bool
) -> None:
    meta = json.loads((saved / "resolver.json").read_text())
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "resolver"
        shutil.copytree(saved, folder)
        text = json.dumps(edited(meta, key, value, nested), indent=1)
        (folder / "resolver.json").write_text(text)
        try:
            resolver = load_resolver(folder, embedder, small_registry())
        except IndexStoreError as exc:
            assert "resolver.json" in str(exc) or "vectors.index" in str(exc)
            return
        resolver.resolve("will it rain tomorrow")


def test_a_resolver_json_with_a_wrong_type_names_its_line(saved: Path, embedder: Embedder) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "resolver"
        shutil.copytree(saved, folder)
        meta = json.loads((folder / "resolver.json").read_text())
        meta["calibration"]["thresholds"]["local"] = "high"
        text = json.dumps(meta, indent=1)
        (folder / "resolver.json").write_text(text)
        line = text[: text.index('"thresholds"')].count("\n") + 1
        with pytest.raises(IndexStoreError, match=rf"resolver\.json, line {line}: .*thresholds"):
            load_resolver(folder, embedder, small_registry())


def test_a_corrupt_contact_card_disables_contacts_and_the_weather_still_answers(
    embedder: Embedder, tmp_path: Path
) -> None:
    seed_demo_profile(tmp_path)
    (tmp_path / "contacts" / "broken.vcf").write_text("BEGIN:VCARD\nthis is not a card\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        apps = load_sample_apps(tmp_path)
    assert "contacts" not in {app.name for app in apps}
    assert any(issubclass(w.category, AppDisabledWarning) and "broken.vcf" in str(w.message)
               for w in caught)  # fmt: skip
    registry = ToolRegistry()
    for app in apps:
        registry.add_app(app)
    resolver = Resolver(embedder, registry, FactStore(":memory:"))
    resolver.build()
    book = ContactBook(tmp_path / "contacts")
    reply = Assistant(registry, resolver, people=book.all).handle("what's the weather tomorrow")
    assert any(s.kind == "warning" and "broken.vcf" in s.detail["error"] for s in reply.steps)
    assert [run.tool for run in reply.tool_runs] == ["get_weather"]


@pytest.mark.parametrize(
    "request_text", ["what's the weather\ud800", "\udfff will it rain", "\ud83d"]
)
def test_a_request_with_lone_surrogates_is_cleaned_and_answered(
    embedder: Embedder, request_text: str
) -> None:
    registry = small_registry()
    resolver = Resolver(embedder, registry, FactStore(":memory:"))
    resolver.build()
    try:
        reply = Assistant(registry, resolver).handle(request_text)
    except InvalidRequestError:
        return  # nothing but the replaced character: an empty request, said in a library error
    assert reply.resolution.request.encode("utf-8")
