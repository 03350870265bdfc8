"""Learning from use: a request the engine settled is resolved on the device the next time."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant_sdk import FactStore, Resolver, ToolRegistry
from assistant_sdk.assistant import Assistant
from assistant_sdk.engines import EngineTurn, Message, ScriptedEngine, ToolCall
from assistant_sdk.errors import IndexStoreError
from assistant_sdk.privacy import Destination, PrivacyPolicy
from assistant_sdk.resolve.calibrate import Calibration, Thresholds
from assistant_sdk.resolve.index_store import load_resolver, save_resolver
from assistant_sdk.resolve.learning import HISTORY, UsageMemory
from assistant_sdk.resolve.trust import FEATURES, TrustModel
from assistant_sdk.types import Decision, FactKind, Tool
from embeddings.base import Embedder

pytestmark = pytest.mark.slow

SCHEMA = {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]}
TOOLS = [
    Tool("get_current_time", "Get current time in a specific timezone.", "clock", SCHEMA),
    Tool("convert_time", "Convert time between timezones.", "clock", SCHEMA),
    Tool("get_weather", "Get the weather forecast for a city.", "weather", SCHEMA),
    Tool("book_ride", "Book a ride to a destination.", "rides", SCHEMA),
]


class Clock:
    name = "clock"

    def tools(self) -> Sequence[Tool]:
        return TOOLS

    async def call(self, tool: str, arguments: Any) -> Any:
        return {"tool": tool, **arguments}


def engine_calls(tool: str) -> ScriptedEngine:
    def script(messages: Sequence[Message], tools: Sequence[Tool], facts: Sequence[str]) -> Any:
        if messages[-1].tool_results:
            return EngineTurn(text="done")
        return EngineTurn(tool_calls=(ToolCall("c1", tool, {"zone": "Asia/Tokyo"}),))

    return ScriptedEngine(script)


@pytest.fixture
def setup(embedder: Embedder, tmp_path: Path) -> tuple[Assistant, UsageMemory, ScriptedEngine]:
    registry = ToolRegistry()
    registry.add_app(Clock())
    facts = FactStore(tmp_path / "facts.db")
    resolver = Resolver(embedder, registry, facts)
    resolver.build()
    engine = engine_calls("get_current_time")
    return Assistant(registry, resolver, engine), UsageMemory(facts, resolver), engine


def test_a_request_the_engine_settled_is_resolved_on_the_device_next_time(
    setup: tuple[Assistant, UsageMemory, ScriptedEngine],
) -> None:
    assistant, memory, engine = setup
    first = assistant.handle("what's the hour over in Tokyo right now")
    assert first.planned_by != "device" and len(engine.calls) == 2
    learned = memory.learn_from(first)
    assert learned is not None and learned.tool == "get_current_time"
    again = assistant.resolver.resolve("what's the hour over in Lima right now")
    assert again.decision is Decision.LOCAL and again.top is not None
    assert again.top.tool.name == "get_current_time"


def test_a_learned_example_is_personal_history_kept_on_the_device(
    setup: tuple[Assistant, UsageMemory, ScriptedEngine],
) -> None:
    assistant, memory, _ = setup
    memory.learn("what's the hour over in Tokyo", "get_current_time")
    (fact,) = memory.facts.of_kind(FactKind.EXAMPLE)
    assert fact.data_class == HISTORY
    assert not PrivacyPolicy().allows(HISTORY, Destination.CLOUD)
    resolution = assistant.resolver.resolve("what's the hour over in Tokyo")
    assert all(m.fact.kind is not FactKind.EXAMPLE for m in resolution.facts)


def test_forgetting_the_examples_of_a_tool_undoes_what_was_learned(
    setup: tuple[Assistant, UsageMemory, ScriptedEngine],
) -> None:
    assistant, memory, _ = setup
    memory.learn("what's the hour over in Tokyo", "get_current_time")
    (fact,) = memory.facts.of_kind(FactKind.EXAMPLE)
    entry = f"u:get_current_time:{fact.key.rsplit(':', 1)[1]}"
    assert entry in assistant.resolver.index
    assert memory.forget("get_current_time") == 1
    assert memory.examples() == [] and entry not in assistant.resolver.index


def test_a_request_the_device_already_resolved_teaches_nothing(
    setup: tuple[Assistant, UsageMemory, ScriptedEngine],
) -> None:
    assistant, memory, _ = setup
    memory.learn("what's the hour over in Tokyo", "get_current_time")
    reply = assistant.handle("what's the hour over in Tokyo")
    assert reply.resolution.decision is Decision.LOCAL and reply.tool_runs
    assert memory.learn_from(reply) is None and len(memory.examples()) == 1


def test_learning_for_a_tool_that_is_not_registered_is_refused(
    setup: tuple[Assistant, UsageMemory, ScriptedEngine],
) -> None:
    _, memory, _ = setup
    with pytest.raises(ValueError, match="unknown tool 'teleport'"):
        memory.learn("beam me up", "teleport")


def trusting_only_confirmed(resolver: Resolver, similarity: float) -> None:
    """A device that acts on nothing but a confirmed neighbour (at ``similarity``)."""
    never = Thresholds(abstain=-1.0, local=1.01, learned=1.01, personal=1.01)
    resolver.calibration = Calibration(thresholds=replace(never, confirmed=similarity))


def test_a_neighbour_of_a_request_whose_ranking_the_engine_confirmed_runs_on_the_device(
    setup: tuple[Assistant, UsageMemory, ScriptedEngine],
) -> None:
    assistant, memory, _ = setup
    trusting_only_confirmed(assistant.resolver, 0.5)
    asked = "what's the hour over in Tokyo right now"
    assert assistant.resolver.resolve(asked).decision is not Decision.LOCAL
    memory.learn(asked, "get_current_time", {"zone": "Tokyo"})
    again = assistant.resolver.resolve("what is the hour over in Lima right now")
    assert again.decision is Decision.LOCAL and again.top is not None
    assert again.top.tool.name == "get_current_time"


def test_a_tool_the_ranking_did_not_put_first_is_no_confirmation(
    setup: tuple[Assistant, UsageMemory, ScriptedEngine],
) -> None:
    assistant, memory, _ = setup
    trusting_only_confirmed(assistant.resolver, 0.5)
    memory.learn("what's the hour over in Tokyo right now", "book_ride", {"zone": "Tokyo"})
    again = assistant.resolver.resolve("what is the hour over in Lima right now")
    assert again.decision is not Decision.LOCAL


def trusting_by_model(resolver: Resolver, similarity: float) -> None:
    """A device that acts on nothing but its trust model, here one that trusts a first
    candidate whose nearest learned example is at least ``similarity`` away."""
    n = len(FEATURES)
    coefficients = tuple(50.0 if f == "nearest_mine" else 0.0 for f in FEATURES)
    model = TrustModel(coefficients, -50.0 * similarity, (0.0,) * n, (1.0,) * n, 0.5)
    never = Thresholds(abstain=-1.0, local=1.01, learned=1.01, personal=1.01)
    resolver.calibration = Calibration(thresholds=never, trust=model)


def test_the_trust_model_decides_on_the_device_from_a_learned_neighbour(
    setup: tuple[Assistant, UsageMemory, ScriptedEngine],
) -> None:
    assistant, memory, _ = setup
    trusting_by_model(assistant.resolver, 0.5)
    asked = "what's the hour over in Tokyo right now"
    assert assistant.resolver.resolve(asked).decision is not Decision.LOCAL
    memory.learn(asked, "convert_time", {"zone": "Tokyo"})
    again = assistant.resolver.resolve("what is the hour over in Lima right now")
    assert again.decision is Decision.LOCAL and again.top is not None
    assert again.top.tool.name == "convert_time"
    assert assistant.resolver.resolve("book me a ride to the airport").decision is not (
        Decision.LOCAL
    )


def trusting_a_whole_template(resolver: Resolver) -> None:
    """A device that acts on nothing but its trust model, here one that trusts a first
    candidate only when the request says one of its learned templates whole."""
    n = len(FEATURES)
    coefficients = tuple(50.0 if f == "template_said" else 0.0 for f in FEATURES)
    model = TrustModel(coefficients, -25.0, (0.0,) * n, (1.0,) * n, 0.5)
    never = Thresholds(abstain=-1.0, local=1.01, learned=1.01, personal=1.01)
    resolver.calibration = Calibration(thresholds=never, trust=model)


def test_a_request_that_says_a_learned_template_whole_with_other_values_is_trusted(
    setup: tuple[Assistant, UsageMemory, ScriptedEngine],
) -> None:
    assistant, memory, _ = setup
    trusting_a_whole_template(assistant.resolver)
    memory.learn("what's the hour over in Tokyo right now", "convert_time", {"zone": "Tokyo"})
    again = assistant.resolver.resolve("what's the hour over in Lima right now")
    assert again.decision is Decision.LOCAL and again.top is not None
    assert again.top.tool.name == "convert_time"
    other_words = assistant.resolver.resolve("what is the hour in Lima")
    assert other_words.decision is not Decision.LOCAL


def test_a_saved_trust_model_is_loaded_with_the_index(
    setup: tuple[Assistant, UsageMemory, ScriptedEngine], embedder: Embedder, tmp_path: Path
) -> None:
    assistant, memory, _ = setup
    trusting_by_model(assistant.resolver, 0.5)
    folder = save_resolver(assistant.resolver, tmp_path / "index")
    loaded = load_resolver(folder, embedder, assistant.registry, memory.facts)
    assert loaded.calibration.trust == assistant.resolver.calibration.trust


def test_a_damaged_trust_model_in_a_saved_index_is_an_index_store_error(
    setup: tuple[Assistant, UsageMemory, ScriptedEngine], embedder: Embedder, tmp_path: Path
) -> None:
    assistant, memory, _ = setup
    trusting_by_model(assistant.resolver, 0.5)
    folder = save_resolver(assistant.resolver, tmp_path / "index")
    meta = json.loads((folder / "resolver.json").read_text())
    meta["calibration"]["trust"]["coefficients"] = [1.0]
    (folder / "resolver.json").write_text(json.dumps(meta))
    with pytest.raises(IndexStoreError, match="trust model"):
        load_resolver(folder, embedder, assistant.registry, memory.facts)


def test_a_request_learned_with_its_call_keeps_placeholders_not_values(
    setup: tuple[Assistant, UsageMemory, ScriptedEngine],
) -> None:
    assistant, memory, _ = setup
    reply = assistant.handle("what's the hour over in Asia/Tokyo right now")
    learned = memory.learn_from(reply)
    assert learned is not None and learned.request == "what's the hour over in {zone} right now"
    (fact,) = memory.facts.of_kind(FactKind.EXAMPLE)
    assert "Asia/Tokyo" not in fact.value
