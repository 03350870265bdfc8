"""Resolver behaviour on a small phone catalogue, with the real on-device embedder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant_sdk import Decision, Fact, FactKind, InvalidRequestError, Risk, Tool, ToolRegistry
from assistant_sdk.facts import FactStore
from assistant_sdk.resolve.index_store import load_resolver, save_resolver
from assistant_sdk.resolve.resolver import Resolver
from embeddings.base import Embedder

pytestmark = pytest.mark.slow

PLACE = {"type": "object", "properties": {"destination": {"type": "string"}}}


def catalogue() -> list[Tool]:
    def ride(app: str) -> Tool:
        return Tool(
            f"{app}_book_ride",
            f"Book a {app.title()} ride to a destination.",
            app,
            PLACE,
            ("book me a ride home", "get me a car to the airport", "i need a taxi"),
            Risk.WRITE,
            capability="ride.book",
        )

    return [
        ride("uber"),
        ride("lyft"),
        Tool(
            "set_alarm",
            "Set an alarm at a time.",
            "clock",
            {"type": "object", "properties": {"time": {"type": "string"}}},
            ("wake me up at 7", "set an alarm for 6:30 tomorrow"),
            Risk.WRITE,
        ),
        Tool(
            "send_message",
            "Send a text message to a contact.",
            "messages",
            {"type": "object", "properties": {"recipient": {}, "body": {}}},
            ("text mom I'm running late", "send a message to John"),
            Risk.WRITE,
        ),
        Tool(
            "get_weather",
            "Get the weather forecast for a place.",
            "weather",
            {"type": "object", "properties": {"location": {}}},
            ("what's the weather like", "will it rain tomorrow"),
        ),
    ]


@pytest.fixture
def facts() -> FactStore:
    store = FactStore(":memory:")
    store.remember(Fact("rides", "Lyft", FactKind.PREFERENCE))
    store.remember(Fact("mom", "Jane Doe", FactKind.ALIAS, "contacts"))
    return store


@pytest.fixture
def resolver(embedder: Embedder, facts: FactStore) -> Resolver:
    r = Resolver(embedder, ToolRegistry(catalogue()), facts)
    r.build()
    return r


def test_a_request_resolves_to_the_tool_that_does_it(resolver: Resolver) -> None:
    top = resolver.resolve("wake me up at six thirty").top
    assert top is not None and top.tool.name == "set_alarm"


def test_the_users_preference_decides_between_apps_with_the_same_capability(
    resolver: Resolver,
) -> None:
    res = resolver.resolve("book me a ride to the station")
    assert res.top is not None and res.top.tool.name == "lyft_book_ride"
    assert res.top.steered_by is not None and res.top.steered_by.key == "rides"
    assert "rides" in [m.fact.key for m in res.facts]


def test_naming_an_app_in_the_request_beats_the_stored_preference(resolver: Resolver) -> None:
    top = resolver.resolve("book an uber to the airport").top
    assert top is not None and top.tool.name == "uber_book_ride"


def test_a_changed_preference_changes_the_outcome(resolver: Resolver, facts: FactStore) -> None:
    facts.remember(Fact("rides", "Uber", FactKind.PREFERENCE))
    resolver.build()
    top = resolver.resolve("get me a car home").top
    assert top is not None and top.tool.name == "uber_book_ride"


def test_aliases_named_in_the_request_come_back_as_relevant_facts(resolver: Resolver) -> None:
    res = resolver.resolve("text mom that I'm on my way")
    assert res.top is not None and res.top.tool.name == "send_message"
    assert res.facts[0].fact.value == "Jane Doe"


def test_empty_and_non_utf8_requests_raise_a_clear_error(resolver: Resolver) -> None:
    with pytest.raises(InvalidRequestError, match="empty"):
        resolver.resolve("   \n ")
    with pytest.raises(InvalidRequestError, match="UTF-8"):
        resolver.resolve(b"set an alarm \xff\xfe")


def test_very_long_requests_are_truncated_not_rejected(resolver: Resolver) -> None:
    res = resolver.resolve("please set an alarm " * 500)
    assert res.truncated and res.top is not None


def test_building_again_embeds_only_what_changed(embedder: Embedder, facts: FactStore) -> None:
    registry = ToolRegistry(catalogue())
    r = Resolver(embedder, registry, facts)
    first = r.build()
    assert r.build() == 0
    registry.add(Tool("play_music", "Play a song.", "music", examples=("play some jazz",)))
    assert r.build() == 2  # its card and its one example
    registry.remove("get_weather")
    r.build()
    assert all(c.tool.name != "get_weather" for c in r.resolve("weather tomorrow").candidates)
    assert first > 2


def test_fit_calibrates_abstention_from_labelled_requests(resolver: Resolver) -> None:
    rows: list[tuple[str, str | None]] = [
        ("set an alarm for 8", "set_alarm"),
        ("wake me at noon", "set_alarm"),
        ("text John hello", "send_message"),
        ("message sis I'm home", "send_message"),
        ("is it sunny outside", "get_weather"),
        ("forecast for the weekend", "get_weather"),
        ("what is the capital of peru", None),
        ("translate cat into german", None),
        ("who won the football match", None),
    ]
    calibration = resolver.fit(rows)
    assert calibration.fitted
    assert resolver.resolve("how tall is mount everest").decision is Decision.OUT_OF_SCOPE
    assert resolver.resolve("wake me up at 9").decision is not Decision.OUT_OF_SCOPE


FIT_ROWS: list[tuple[str, str | None]] = [
    ("set an alarm for 8", "set_alarm"),
    ("wake me at noon", "set_alarm"),
    ("text John hello", "send_message"),
    ("message sis I'm home", "send_message"),
    ("is it sunny outside", "get_weather"),
    ("get me a cab to the office", "lyft_book_ride"),
    ("what is the capital of peru", None),
]


def test_a_fitted_calibration_carries_the_head_it_was_fitted_with(resolver: Resolver) -> None:
    calibration = resolver.fit(FIT_ROWS)
    assert calibration.head is not None and resolver.head is calibration.head


def test_a_calibration_that_weighs_a_head_it_does_not_carry_is_refused() -> None:
    from assistant_sdk import ConfigurationError
    from assistant_sdk.resolve.calibrate import Calibration
    from assistant_sdk.resolve.ranking import FusionWeights

    with pytest.raises(ConfigurationError, match="carries no head"):
        Calibration(weights=FusionWeights(head=0.2))


def test_a_shared_fit_gives_another_resolver_the_same_answers(
    resolver: Resolver, embedder: Embedder, facts: FactStore
) -> None:
    resolver.fit(FIT_ROWS)
    other = Resolver(embedder, ToolRegistry(catalogue()), facts)
    other.build()
    other.calibration = resolver.calibration
    for request in ("wake me up at 9", "text mom I'm late", "get me a car home"):
        a, b = resolver.resolve(request), other.resolve(request)
        assert a.decision is b.decision
        assert [(c.tool.name, round(c.probability, 6)) for c in a.candidates] == [
            (c.tool.name, round(c.probability, 6)) for c in b.candidates
        ]


def test_a_saved_fit_loads_with_its_head(
    resolver: Resolver, embedder: Embedder, facts: FactStore, tmp_path: Path
) -> None:
    calibration = resolver.fit(FIT_ROWS)
    save_resolver(resolver, tmp_path / "idx")
    loaded = load_resolver(tmp_path / "idx", embedder, ToolRegistry(catalogue()), facts)
    assert loaded.calibration == calibration and loaded.head is not None
    assert loaded.head.classes == calibration.head.classes  # type: ignore[union-attr]
    a, b = resolver.resolve("wake me up at 9"), loaded.resolve("wake me up at 9")
    assert a.decision is b.decision
    assert a.candidates[0].probability == pytest.approx(b.candidates[0].probability, abs=1e-5)


def test_search_returns_tools_for_a_free_text_query(resolver: Resolver) -> None:
    assert resolver.search("send a text", k=2)[0].name == "send_message"


def test_a_saved_resolver_loads_and_answers_the_same(
    resolver: Resolver, embedder: Embedder, facts: FactStore, tmp_path: Path
) -> None:
    save_resolver(resolver, tmp_path / "idx")
    loaded = load_resolver(tmp_path / "idx", embedder, ToolRegistry(catalogue()), facts)
    assert loaded.build() == 0
    a, b = resolver.resolve("set an alarm"), loaded.resolve("set an alarm")
    assert [c.tool.name for c in a.candidates] == [c.tool.name for c in b.candidates]


def test_a_corrupt_saved_resolver_gives_a_clear_error(
    resolver: Resolver, embedder: Embedder, tmp_path: Path
) -> None:
    from assistant_sdk import IndexStoreError

    folder = save_resolver(resolver, tmp_path / "idx")
    (folder / "head.npz").write_bytes(b"garbage")
    with pytest.raises(IndexStoreError, match="checksum"):
        load_resolver(folder, embedder, ToolRegistry(catalogue()))
    (folder / "resolver.json").write_text("{not json")
    with pytest.raises(IndexStoreError, match="corrupt"):
        load_resolver(folder, embedder, ToolRegistry(catalogue()))


def test_the_eval_command_prints_the_documented_json(tmp_path: Path) -> None:
    rows = []
    for intent, phrases in {
        "set_alarm": ["wake me at 7", "alarm for 6", "set an alarm at 9", "get me up at 5"],
        "playMusic": ["play jazz", "put on some music", "play my playlist", "play a song"],
        "get-weather": ["is it raining", "weather today", "forecast please", "how hot is it"],
    }.items():
        for n, text in enumerate(phrases):
            rows.append(
                {"text": text, "intent": intent, "split": ["train", "train", "val", "test"][n]}
            )
    rows.append({"text": "who is the president", "intent": "oos", "split": "test"})
    data = tmp_path / "set.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows))
    out = subprocess.run(
        [sys.executable, "-m", "assistant_sdk.cli", "eval", str(data), "--shots", "2", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(out.stdout)
    for key in (
        "n_tools",
        "n_queries",
        "top1",
        "recall_at_5",
        "accuracy",
        "oos_recall",
        "abstain_rate",
        "resolve_ms_p50",
        "resolve_ms_p99",
        "index_build_s",
    ):
        assert key in report
    assert report["n_tools"] == 3 and report["n_queries"] == 4
