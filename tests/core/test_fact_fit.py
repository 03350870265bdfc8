"""The similarity at which a fact answers a request is fitted with the resolver, on generated
fact questions against the tools' own example requests, and saved with its calibration."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app_adapters import PythonApp
from assistant_sdk import Assistant, Fact, FactKind, FactStore, Resolver, ToolRegistry
from assistant_sdk.engines import ScriptedEngine
from assistant_sdk.resolve.calibrate import Calibration
from assistant_sdk.resolve.fact_fit import (
    fact_commands,
    fact_questions,
    fit_fact_threshold,
)
from assistant_sdk.resolve.index_store import load_resolver, save_resolver
from embeddings.base import Embedder

FACTS = [
    Fact("boss", "Alex Kim", FactKind.ALIAS, "contacts"),
    Fact("home", "12 Oak Street, Springfield", FactKind.PLACE, "location"),
    Fact("blood type", "O negative", FactKind.NOTE, "health"),
]


def phone() -> PythonApp:
    app = PythonApp("phone")

    @app.tool(examples=["text {recipient} {body}", "message my boss", "tell mom {body}"])
    def send_message(recipient: str, body: str) -> str:
        """Send a text message to a contact."""
        return f"sent {body} to {recipient}"

    @app.tool(examples=["how do I get to {destination}", "directions home"])
    def get_directions(destination: str) -> str:
        """Get directions to a place."""
        return f"go to {destination}"

    @app.tool(examples=["call {name}", "ring my sister"])
    def call_contact(name: str) -> str:
        """Call a contact."""
        return f"calling {name}"

    return app


def with_fact_threshold(calibration: Calibration, value: float) -> Calibration:
    return replace(calibration, thresholds=replace(calibration.thresholds, fact_answer=value))


@pytest.fixture
def fitted(embedder: Embedder) -> Resolver:
    registry = ToolRegistry()
    registry.add_app(phone())
    facts = FactStore(":memory:")
    for fact in FACTS:
        facts.remember(fact)
    resolver = Resolver(embedder, registry, facts)
    resolver.build()
    resolver.fit([])
    return resolver


def test_the_threshold_is_the_lowest_score_whose_answers_meet_the_precision() -> None:
    scores = [0.95, 0.9, 0.85, 0.8, 0.78, 0.7, 0.6, 0.5]
    right = [True, True, True, True, True, False, True, False]
    assert fit_fact_threshold(scores, right, 0.8) == 0.6
    assert fit_fact_threshold(scores, right, 0.9) == 0.78


def test_a_precision_no_cut_reaches_answers_nothing() -> None:
    scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    right = [False, True, True, True, True, True]
    assert fit_fact_threshold(scores, right, 0.99) > max(scores)


def test_too_few_answers_are_not_enough_to_trust_a_cut() -> None:
    assert fit_fact_threshold([0.9, 0.8, 0.3], [True, True, False], 0.9) > 0.9


def test_questions_are_asked_of_the_users_facts_and_of_generic_ones() -> None:
    targets, asked = fact_questions(FACTS)
    assert targets[:3] == FACTS
    assert ("who's my boss", 0) in asked and ("what's my home address", 1) in asked
    assert any(targets[n].key == "dentist" for _, n in asked)  # a key the user has not saved


def test_commands_name_the_users_people_and_places_in_the_tools_own_phrasings() -> None:
    commands = fact_commands(phone().tools(), FACTS)
    tools = {tool for _, tool in commands}
    assert tools == {"send_message", "get_directions", "call_contact"}
    said = " | ".join(text for text, _ in commands)
    assert "my boss" in said and "home" in said


@pytest.mark.slow
def test_after_fitting_questions_get_their_fact_and_commands_their_tool(fitted: Resolver) -> None:
    engine = ScriptedEngine(lambda *_: pytest.fail("the engine was asked"))
    assistant = Assistant(fitted.registry, fitted, engine)
    for asked in ("who's my boss", "what's my home address", "tell me my blood type"):
        reply = assistant.handle(asked)
        assert any(s.kind == "answer" for s in reply.steps) and not reply.tool_runs, asked
    for told in ("text my boss I'm late", "call my boss", "directions home"):
        reply = assistant.handle(told)
        assert reply.tool_runs and not any(s.kind == "answer" for s in reply.steps), told
    assert 0.0 < fitted.calibration.thresholds.fact_answer < 1.0


@pytest.mark.slow
def test_the_fitted_threshold_is_saved_and_loaded_with_the_index(
    fitted: Resolver, embedder: Embedder, tmp_path: Path
) -> None:
    fitted.calibration = with_fact_threshold(fitted.calibration, 0.6543)
    save_resolver(fitted, tmp_path / "index")
    loaded = load_resolver(tmp_path / "index", embedder, fitted.registry, fitted.facts)
    assert loaded.calibration.thresholds.fact_answer == 0.6543


@pytest.mark.slow
def test_the_assistant_answers_by_its_resolvers_fitted_threshold(fitted: Resolver) -> None:
    engine = ScriptedEngine(lambda *_: pytest.fail("the engine was asked"))
    assistant = Assistant(fitted.registry, fitted, engine)
    assert assistant.handle("who is my boss").text == "Your boss is Alex Kim."
    fitted.calibration = with_fact_threshold(fitted.calibration, 1.01)
    reply = Assistant(fitted.registry, fitted, None).handle("who is my boss")
    assert not any(step.kind == "answer" for step in reply.steps)
