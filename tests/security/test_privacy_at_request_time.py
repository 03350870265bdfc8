"""Facts are read from the store when a request is made: forgetting a fact or moving it to a
data class the cloud may not see acts on the very next request, with no index rebuild. The
ledger of each engine call is read from the bytes the fake Messages API server received."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from app_adapters import PythonApp
from assistant_sdk import Assistant, Fact, FactKind, FactStore, Resolver, ToolRegistry
from assistant_sdk.engines.anthropic import AnthropicEngine
from embeddings.base import Embedder
from tests.engine.fake_anthropic import FakeAnthropic

pytestmark = pytest.mark.slow
HOME = Fact("home", "12 Oak Street", FactKind.PLACE, "location")
CLINIC = Fact("clinic", "the Elm Road sexual health clinic", FactKind.NOTE, "notes")


@pytest.fixture
def assistant(embedder: Embedder, fake: FakeAnthropic) -> Iterator[Assistant]:
    from anthropic import AsyncAnthropic

    app = PythonApp("rides")

    @app.tool(examples=["book me a ride home"], risk="write", data_classes=["location"])
    def book_ride(destination: str) -> str:
        """Book a ride to a destination."""
        return "booked"

    registry = ToolRegistry()
    registry.add_app(app)
    facts = FactStore(":memory:")
    facts.remember(HOME)
    facts.remember(CLINIC)
    resolver = Resolver(embedder, registry, facts)
    resolver.build()
    client = AsyncAnthropic(base_url=fake.url, api_key="test-key")
    engine = AnthropicEngine(client, timeout=3.0, max_retries=0)
    yield Assistant(registry, resolver, engine, plan_on_device=False)
    facts.close()


def sent_text(fake: FakeAnthropic) -> str:
    return json.dumps(fake.requests()[-1], ensure_ascii=False)


async def test_a_forgotten_fact_is_not_sent_on_the_next_request(
    assistant: Assistant, fake: FakeAnthropic
) -> None:
    await assistant.ahandle("book me a ride to my clinic")
    assert "clinic:" in sent_text(fake)
    assert assistant.resolver.facts is not None
    assistant.resolver.facts.forget("clinic")
    reply = await assistant.ahandle("book me a ride to my clinic")
    assert "Elm Road" not in sent_text(fake) and "clinic:" not in sent_text(fake)
    assert "clinic" not in reply.ledger[0].facts_sent


async def test_a_fact_moved_to_health_is_withheld_on_the_next_request(
    assistant: Assistant, fake: FakeAnthropic
) -> None:
    assert assistant.resolver.facts is not None
    assistant.resolver.facts.remember(
        Fact(CLINIC.key, CLINIC.value, CLINIC.kind, "health")  # re-classified, no rebuild
    )
    reply = await assistant.ahandle("book me a ride to my clinic")
    assert "Elm Road" not in sent_text(fake) and "sexual health" not in sent_text(fake)
    assert "clinic" in reply.ledger[0].facts_withheld


async def test_the_ledger_lists_exactly_the_facts_and_placeholders_the_server_received(
    assistant: Assistant, fake: FakeAnthropic
) -> None:
    reply = await assistant.ahandle("book me a ride home")
    (entry,) = reply.ledger
    body = sent_text(fake)
    for key in entry.facts_sent:
        assert f"{key}:" in body
    for placeholder in entry.placeholders:
        assert placeholder in body
    assert "PLACE_HOME" in body and entry.placeholders == ("PLACE_HOME",)
    assert "12 Oak Street" not in body and entry.bytes_sent > 0


async def test_an_assistant_set_to_refuse_sends_nothing_when_a_value_would_leak(
    embedder: Embedder, fake: FakeAnthropic
) -> None:
    from anthropic import AsyncAnthropic

    from assistant_sdk import PrivacyLeakError

    registry = ToolRegistry()
    facts = FactStore(":memory:")
    facts.remember(Fact("diagnosis", "type 2 diabetes", FactKind.NOTE, "health"))
    app = PythonApp("notes")

    @app.tool(examples=["read my notes"])
    def read_notes() -> str:
        """Read my notes."""
        return "x"

    registry.add_app(app)
    resolver = Resolver(embedder, registry, facts)
    resolver.build()
    client = AsyncAnthropic(base_url=fake.url, api_key="test-key")
    engine = AnthropicEngine(client, timeout=3.0, max_retries=0)
    assistant = Assistant(registry, resolver, engine, plan_on_device=False, refuse_leaks=True)
    with pytest.raises(PrivacyLeakError) as caught:
        await assistant.ahandle("tell the doctor about my type 2 diabetes")
    assert caught.value.kinds == ("text",) and fake.bodies == []
