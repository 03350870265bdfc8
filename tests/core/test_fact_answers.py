"""Questions about the user's own facts are answered on the device, from the facts."""

from __future__ import annotations

import json

import pytest

from app_adapters import PythonApp
from assistant_sdk import Assistant, Fact, FactKind, FactStore, Resolver, ToolRegistry
from assistant_sdk.engines import ScriptedEngine
from assistant_sdk.fact_answers import FactAnswerer, question
from assistant_sdk.privacy import Destination, PrivacyPolicy
from embeddings.base import Embedder
from tests.engine.fake_anthropic import FakeAnthropic, Respond, anthropic_engine, message

pytestmark = pytest.mark.slow

FACTS = [
    Fact("boss", "Alex Kim", FactKind.ALIAS, "contacts"),
    Fact("home", "12 Oak Street, Springfield", FactKind.PLACE, "location"),
    Fact("rides", "Lyft", FactKind.PREFERENCE, "preferences"),
    Fact("blood type", "O negative", FactKind.NOTE, "health"),
]


def phone() -> PythonApp:
    app = PythonApp("phone")

    @app.tool(examples=["text mom I'm late", "message my boss"], risk="write")
    def send_message(recipient: str, body: str) -> str:
        """Send a text message to a contact."""
        return f"sent {body} to {recipient}"

    @app.tool(examples=["how do I get to work", "directions home"])
    def get_directions(destination: str) -> str:
        """Get directions to a place."""
        return f"go to {destination}"

    return app


@pytest.fixture
def assistant(embedder: Embedder) -> Assistant:
    registry = ToolRegistry()
    registry.add_app(phone())
    facts = FactStore(":memory:")
    for fact in FACTS:
        facts.remember(fact)
    resolver = Resolver(embedder, registry, facts)
    resolver.build()
    engine = ScriptedEngine(lambda *_: pytest.fail("the engine was asked"))
    return Assistant(registry, resolver, engine, policy=PrivacyPolicy())


@pytest.mark.parametrize(
    ("request_", "answer"),
    [
        ("who is my boss", "Your boss is Alex Kim."),
        ("what's my home address", "Your home address is 12 Oak Street, Springfield."),
        ("which ride app do I use", "For rides you use Lyft."),
    ],
)
def test_a_question_about_a_fact_is_answered_on_the_device_at_zero_tokens(
    assistant: Assistant, request_: str, answer: str
) -> None:
    reply = assistant.handle(request_)
    assert reply.text == answer and reply.planned_by == "device"
    assert not reply.engine_calls and not reply.tool_runs and not reply.ledger


@pytest.mark.parametrize("request_", ["text my boss I'm running late", "directions home"])
def test_a_request_that_only_uses_a_fact_goes_to_its_tool(
    assistant: Assistant, request_: str
) -> None:
    reply = assistant.handle(request_)
    assert reply.tool_runs and not any(s.kind == "answer" for s in reply.steps)


def test_the_answer_records_the_facts_data_class_and_where_the_policy_lets_it_go(
    assistant: Assistant,
) -> None:
    reply = assistant.handle("what is my blood type")
    (step,) = [s for s in reply.steps if s.kind == "answer"]
    assert reply.text == "Your blood type: O negative."
    assert step.detail["data_class"] == "health" and step.detail["may_go"] == "device"
    assert not reply.ledger


def test_with_no_facts_nothing_is_answered_from_them(embedder: Embedder) -> None:
    registry = ToolRegistry()
    registry.add_app(phone())
    resolver = Resolver(embedder, registry)
    resolver.build()
    resolution = resolver.resolve("who is my boss")
    assert FactAnswerer(embedder).answer(resolution, [], PrivacyPolicy()) is None


def test_each_kind_of_fact_asks_its_own_question() -> None:
    assert [question(f) for f in FACTS] == [
        "who is my boss",
        "what is my home address",
        "which app do I use for rides",
        "what is my blood type",
    ]
    assert PrivacyPolicy().limit("health") is Destination.DEVICE


def test_a_request_kept_as_an_example_answers_no_question(embedder: Embedder) -> None:
    registry = ToolRegistry()
    registry.add_app(phone())
    resolver = Resolver(embedder, registry)
    resolver.build()
    kept = Fact("example:send_message:0123abcd", "who is my boss", FactKind.EXAMPLE, "history")
    resolution = resolver.resolve("who is my boss")
    assert FactAnswerer(embedder).answer(resolution, [kept], PrivacyPolicy()) is None


def test_a_fact_withheld_from_the_cloud_is_answered_on_the_device_and_never_sent_after(
    embedder: Embedder, fake: FakeAnthropic
) -> None:
    registry = ToolRegistry()
    registry.add_app(phone())
    facts = FactStore(":memory:")
    for fact in FACTS:
        facts.remember(fact)
    resolver = Resolver(embedder, registry, facts)
    resolver.build()
    conversation = Assistant(registry, resolver, anthropic_engine(fake)).conversation()
    assert conversation.handle("what is my blood type").text == "Your blood type: O negative."
    fake.script.append(Respond(message("Here is a short poem.")))
    conversation.handle("write me a short poem about the sea and my day so far")
    assert fake.bodies, "the second request went to the engine"
    sent = b"".join(fake.bodies)
    assert b"O negative" not in sent  # the earlier answer goes up with its value withheld
    assert "Your blood type: [withheld]." in json.dumps(fake.requests()[-1]["messages"])
