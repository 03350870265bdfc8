"""The span reader fitted on the sample apps' annotated examples, as ``Resolver.fit`` does."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from app_adapters.apps import DEMO_FACTS, load_sample_apps
from assistant_sdk.plan import (
    Clarification,
    LocalPlan,
    PartialPlan,
    answer_clarification,
    plan_locally,
)
from assistant_sdk.reading.reader import SpanReader, fit_reader
from assistant_sdk.reading.store import read_reader_npz, reader_npz
from assistant_sdk.reading.values import Vocabulary
from assistant_sdk.types import Candidate, Decision, Resolution, Tool
from embeddings.base import Embedder

pytestmark = pytest.mark.slow
NOW = datetime(2026, 3, 4, 10, 0)
CONTACTS = ["Jane Doe", "Sam Lee", "John Park", "John Smith"]


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Tool]:
    folder = tmp_path_factory.mktemp("apps")
    return {t.name: t for app in load_sample_apps(folder, now=lambda: NOW) for t in app.tools()}


@pytest.fixture(scope="module")
def reader(tools: dict[str, Tool], embedder: Embedder) -> SpanReader:
    fitted = fit_reader(list(tools.values()), embedder.embed_tokens, Vocabulary(("mom",)))  # type: ignore[attr-defined]
    assert fitted is not None
    return fitted


def _local(tool: Tool, request: str) -> Resolution:
    return Resolution(request, (Candidate(tool, 1.0, 0.99),), (), Decision.LOCAL)


def test_the_act_threshold_is_fitted_for_the_target_precision(reader: SpanReader) -> None:
    assert reader.precision == 0.98 and 0.0 < reader.threshold <= 1.01


def test_a_condition_sends_the_request_to_the_engine_instead_of_acting_now(
    reader: SpanReader, tools: dict[str, Tool], embedder: Embedder
) -> None:
    request = "remind me to call the bank before my meeting"
    resolution = _local(tools["add_reminder"], request)
    without = plan_locally(resolution, DEMO_FACTS, now=NOW, contacts=CONTACTS)
    assert isinstance(without, LocalPlan)  # the rules alone would keep the trigger as text
    plan = _plan(resolution, reader, embedder)
    assert isinstance(plan, PartialPlan) and "before my meeting" in plan.reason


def test_a_plain_request_is_still_planned_on_the_device(
    reader: SpanReader, tools: dict[str, Tool], embedder: Embedder
) -> None:
    request = "text mom I'm running late"
    resolution = _local(tools["send_message"], request)
    plan = _plan(resolution, reader, embedder)
    assert isinstance(plan, LocalPlan)


def test_a_saved_reader_reads_exactly_as_the_fitted_one(
    reader: SpanReader, tools: dict[str, Tool], embedder: Embedder, tmp_path: Path
) -> None:
    (tokens,) = embedder.embed_tokens(["wake me at half six"])  # type: ignore[attr-defined]
    (tmp_path / "reader.npz").write_bytes(reader_npz(reader))
    loaded = read_reader_npz(tmp_path / "reader.npz")
    assert loaded is not None and loaded.threshold == reader.threshold
    assert loaded.read(tools["set_alarm"], tokens) == reader.read(tools["set_alarm"], tokens)


def test_a_saved_resolver_keeps_its_reader_and_act_threshold(
    reader: SpanReader, tools: dict[str, Tool], embedder: Embedder, tmp_path: Path
) -> None:
    from assistant_sdk import Resolver, ToolRegistry
    from assistant_sdk.resolve.index_store import load_resolver, save_resolver

    registry = ToolRegistry(tools.values())
    resolver = Resolver(embedder, registry)
    resolver.build()
    resolver.reader = reader
    save_resolver(resolver, tmp_path / "index")
    loaded = load_resolver(tmp_path / "index", embedder, registry)
    assert loaded.reader is not None and loaded.reader.threshold == reader.threshold


def test_a_reader_saved_by_another_tagger_is_refused_with_a_rebuild_hint(
    reader: SpanReader, tmp_path: Path
) -> None:
    import io

    import numpy as np

    from assistant_sdk.errors import IndexStoreError
    from assistant_sdk.reading.reader import reader_arrays

    arrays = {k: v for k, v in reader_arrays(reader).items() if k != "scheme"}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    (tmp_path / "reader.npz").write_bytes(buffer.getvalue())
    with pytest.raises(IndexStoreError, match="rebuild the index"):
        read_reader_npz(tmp_path / "reader.npz")


def test_a_reader_saved_with_the_earlier_feature_hashing_is_refused(
    reader: SpanReader, tmp_path: Path
) -> None:
    import io

    import numpy as np

    from assistant_sdk.errors import IndexStoreError
    from assistant_sdk.reading.reader import reader_arrays

    arrays = {**reader_arrays(reader), "scheme": np.array(["crf-context-1"])}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    (tmp_path / "reader.npz").write_bytes(buffer.getvalue())
    with pytest.raises(IndexStoreError, match="crf-context-1"):
        read_reader_npz(tmp_path / "reader.npz")


def _far(request: str, *ranked: tuple[Tool, float]) -> Resolution:
    candidates = tuple(Candidate(tool, p, p) for tool, p in ranked)
    return Resolution(request, candidates, (), Decision.OUT_OF_SCOPE)


def _plan(resolution: Resolution, reader: SpanReader, embedder: Embedder) -> object:
    """``plan_locally`` for the request with the span reader, on its own token states."""
    (tokens,) = embedder.embed_tokens([resolution.request])  # type: ignore[attr-defined]
    return plan_locally(
        resolution, DEMO_FACTS, now=NOW, contacts=CONTACTS, reader=reader, tokens=tokens
    )


def test_a_request_far_from_every_tool_is_planned_when_both_readings_agree(
    reader: SpanReader, tools: dict[str, Tool], embedder: Embedder
) -> None:
    request = "stick on some Miles Davis would you"
    resolution = _far(request, (tools["play_music"], 0.84), (tools["add_to_playlist"], 0.09))
    without = plan_locally(resolution, DEMO_FACTS, now=NOW, contacts=CONTACTS)
    assert without is None  # with no span reader there is no second reading to agree
    plan = _plan(resolution, reader, embedder)
    assert isinstance(plan, LocalPlan) and plan.arguments == {"query": "Miles Davis"}


def test_a_request_far_from_every_tool_is_not_planned_when_the_readings_differ(
    reader: SpanReader, tools: dict[str, Tool], embedder: Embedder
) -> None:
    request = "make a note titled Ideas: a podcast about birds"
    resolution = _far(request, (tools["create_note"], 0.59), (tools["search_notes"], 0.25))
    plan = _plan(resolution, reader, embedder)
    assert plan is None


def test_a_condition_is_asked_about_first_and_the_answer_goes_to_the_engine(
    reader: SpanReader, tools: dict[str, Tool], embedder: Embedder
) -> None:
    request = "call john when I get home"
    resolution = _local(tools["call_contact"], request)
    plan = _plan(resolution, reader, embedder)
    assert isinstance(plan, Clarification) and "when I get home" in plan.refused
    made = answer_clarification(plan, "John Park", DEMO_FACTS, now=NOW, contacts=CONTACTS)
    assert isinstance(made, PartialPlan) and made.arguments == {"name": "John Park"}
