"""Learning from use inside the harness: ``Assistant(learn_from_use=True)`` keeps what the
engine or the user settled, withholds it like other personal data, and forgets on request."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from assistant_sdk import FactStore, Resolver, ToolRegistry
from assistant_sdk.assistant import Assistant
from assistant_sdk.engines import EngineTurn, Message, ScriptedEngine, ToolCall
from assistant_sdk.errors import ConfigurationError, FactStoreError
from assistant_sdk.resolve.calibrate import Calibration, Thresholds
from assistant_sdk.resolve.ranking import FusionWeights
from assistant_sdk.types import Decision, FactKind, Tool
from embeddings.base import Embedder

pytestmark = pytest.mark.slow

NONE: dict[str, Any] = {"type": "object", "properties": {}}
TOOLS = [
    Tool("get_current_time", "Get the current time.", "clock", NONE),
    Tool("get_weather", "Get today's weather forecast.", "weather", NONE),
    Tool("book_ride", "Book a ride to a destination.", "rides", NONE),
    Tool("play_music", "Play some music.", "music", NONE),
]
ASKED = "get me the current time please"
AGAIN = "get me the current time"


class Apps:
    name = "apps"

    def tools(self) -> Sequence[Tool]:
        return TOOLS

    async def call(self, tool: str, arguments: Any) -> Any:
        return {"ran": tool}


def engine_calls(tool: str) -> ScriptedEngine:
    def script(messages: Sequence[Message], tools: Sequence[Tool], facts: Sequence[str]) -> Any:
        if messages[-1].tool_results:
            return EngineTurn(text="done")
        return EngineTurn(tool_calls=(ToolCall("c1", tool, {}),))

    return ScriptedEngine(script)


def entry(tool: str, key: str) -> str:
    """The index entry of a learned example stored under ``key``."""
    return f"u:{tool}:{key.rsplit(':', 1)[1]}"


def unsure(resolver: Resolver) -> None:
    """A device that never trusts its zero-shot ranking alone (so the engine settles first)."""
    flat = FusionWeights(temperature=10.0)  # every tool about equally likely
    resolver.calibration = Calibration(flat, Thresholds(abstain=-1.0, local=1.01))


def assistant_with(
    embedder: Embedder, path: Path, engine: ScriptedEngine | None, *, learn: bool = True
) -> Assistant:
    registry = ToolRegistry()
    registry.add_app(Apps())
    resolver = Resolver(embedder, registry, FactStore(path))
    resolver.build()
    unsure(resolver)
    return Assistant(registry, resolver, engine, learn_from_use=learn)


def test_a_request_the_engine_settled_runs_on_the_device_next_time_with_no_tokens(
    embedder: Embedder, tmp_path: Path
) -> None:
    engine = engine_calls("get_current_time")
    assistant = assistant_with(embedder, tmp_path / "facts.db", engine)
    first = assistant.handle(ASKED)
    assert first.planned_by == "scripted" and first.steps[-1].kind == "learn"
    again = assistant.handle(AGAIN)
    assert again.resolution.decision is Decision.LOCAL
    assert again.planned_by == "device" and again.engine_calls == ()
    assert [r.tool for r in again.tool_runs] == ["get_current_time"]
    assert len(engine.calls) == 2 and len(assistant.memory.examples()) == 1  # type: ignore[union-attr]


def test_without_learning_from_use_nothing_is_kept(embedder: Embedder, tmp_path: Path) -> None:
    engine = engine_calls("get_current_time")
    assistant = assistant_with(embedder, tmp_path / "facts.db", engine, learn=False)
    assistant.handle(ASKED)
    assert assistant.memory is None
    assert assistant.resolver.facts is not None
    assert assistant.resolver.facts.of_kind(FactKind.EXAMPLE) == []
    assert assistant.handle(AGAIN).planned_by == "scripted"


def test_an_answered_clarification_teaches_the_tool_the_user_chose(
    embedder: Embedder, tmp_path: Path
) -> None:
    assistant = assistant_with(embedder, tmp_path / "facts.db", None)
    flat = FusionWeights(temperature=10.0)  # four tools about equally likely: ask
    thresholds = Thresholds(abstain=-1.0, local=0.4, clarify=0.01)
    assistant.resolver.calibration = Calibration(flat, thresholds)
    asked = assistant.handle("get it")
    assert asked.clarification is not None and assistant.memory is not None
    assert assistant.memory.examples() == []
    choice = asked.clarification.options[1]
    chosen = asked.clarification.tools[1].name
    answered = assistant.answer(asked, choice)
    assert [r.tool for r in answered.tool_runs] == [chosen]
    (learned,) = assistant.memory.examples()
    assert (learned.tool, learned.request) == (chosen, "get it")


def test_learned_examples_are_withheld_from_the_engine(embedder: Embedder, tmp_path: Path) -> None:
    engine = engine_calls("get_current_time")
    assistant = assistant_with(embedder, tmp_path / "facts.db", engine)
    assistant.handle(ASKED)
    unsure(assistant.resolver)  # the same tool again, but through the engine
    reply = assistant.handle("please take me to the airport")
    (messages, _, facts), *_ = engine.calls[2:]
    sent = " ".join([*facts, *(m.text for m in messages)])
    assert "please take me to the airport" in sent
    assert ASKED not in sent and "history" not in sent
    assert reply.ledger and all(e.facts_sent == () for e in reply.ledger)
    assert all("history" not in e.data_classes for e in reply.ledger)
    assert reply.resolution.facts == ()


def test_a_forgotten_example_no_longer_steers(embedder: Embedder, tmp_path: Path) -> None:
    engine = engine_calls("get_current_time")
    assistant = assistant_with(embedder, tmp_path / "facts.db", engine)
    assistant.handle(ASKED)
    memory = assistant.memory
    assert memory is not None
    (learned,) = memory.examples()
    assert assistant.resolver.resolve(AGAIN).decision is Decision.LOCAL
    assert memory.forget("get_current_time") == 1 and memory.examples() == []
    assert assistant.resolver.resolve(AGAIN).decision is not Decision.LOCAL
    assert entry(learned.tool, learned.key) not in assistant.resolver.index


def test_learning_from_use_needs_a_fact_store(embedder: Embedder) -> None:
    registry = ToolRegistry(TOOLS)
    resolver = Resolver(embedder, registry)
    with pytest.raises(ConfigurationError, match="FactStore"):
        Assistant(registry, resolver, learn_from_use=True)


def test_a_corrupt_learned_example_is_a_typed_error_and_nothing_is_lost(
    embedder: Embedder, tmp_path: Path
) -> None:
    path = tmp_path / "facts.db"
    assistant = assistant_with(embedder, path, engine_calls("get_current_time"))
    assistant.handle(ASKED)
    with sqlite3.connect(path) as db:  # another program broke one example's key
        db.execute("INSERT INTO facts (key, value, kind, data_class) VALUES "
                   "('example:', 'hello', 'example', 'history')")  # fmt: skip
    memory = assistant.memory
    assert memory is not None
    with pytest.raises(FactStoreError, match="names no tool"):
        memory.examples()
    with pytest.raises(FactStoreError, match="names no tool"):
        assistant.resolver.build()
    assert memory.forget_example("example:") and [e.request for e in memory.examples()] == [ASKED]


def test_examples_of_a_tool_no_longer_registered_are_kept_but_not_applied(
    embedder: Embedder, tmp_path: Path
) -> None:
    path = tmp_path / "facts.db"
    assistant = assistant_with(embedder, path, engine_calls("get_current_time"))
    assistant.handle(ASKED)
    assert assistant.resolver.facts is not None
    assistant.resolver.facts.close()
    fewer = ToolRegistry(TOOLS[1:])
    resolver = Resolver(embedder, fewer, FactStore(path))
    resolver.build()
    later = Assistant(fewer, resolver, learn_from_use=True)
    assert later.memory is not None
    (kept,) = later.memory.examples()
    assert kept.tool == "get_current_time" and entry(kept.tool, kept.key) not in resolver.index


def test_a_conversation_learns_what_its_turns_settled(embedder: Embedder, tmp_path: Path) -> None:
    engine = engine_calls("get_current_time")
    assistant = assistant_with(embedder, tmp_path / "facts.db", engine)
    conversation = assistant.conversation()
    conversation.handle(ASKED)
    again = conversation.handle(AGAIN)
    assert again.planned_by == "device" and again.engine_calls == ()
    assert [e.request for e in assistant.memory.examples()] == [ASKED]  # type: ignore[union-attr]
