"""The growing history is cached: each call to Claude (a fake Messages API server that plays the
prompt cache, spoken to by the real anthropic client) marks the end of its messages, and the
next call reads back from the cache everything the one before it sent."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest

from assistant_sdk.engines.anthropic import AnthropicEngine
from tests.engine.fake_anthropic import (
    FakeAnthropic,
    PromptCache,
    Respond,
    anthropic_engine,
    message,
)

from .conftest import Phone
from .test_engine_history import unmarked

pytestmark = pytest.mark.slow

TURNS = ("what's the weather in Paris", "and the weather in Rome?", "weather in Oslo tomorrow")


@pytest.fixture
def cached() -> Iterator[FakeAnthropic]:
    server = FakeAnthropic(cache=PromptCache())
    yield server
    server.close()


def marks(body: dict[str, Any]) -> list[str]:
    """Where the request's breakpoints are: ``tools``, ``system`` or ``message``."""
    found = [p for p in ("tools", "system") for b in body[p] if "cache_control" in b]
    return found + [
        "message" for m in body["messages"] for b in m["content"] if "cache_control" in b
    ]


def talk(phone: Phone, engine: AnthropicEngine, fake: FakeAnthropic) -> list[int]:
    assistant = phone.assistant(engine, plan_on_device=False, max_tools=1)  # tools stay put
    conversation = assistant.conversation()
    reads = []
    for n, text in enumerate(TURNS):
        fake.script.append(Respond(message(f"Answer {n}.")))
        reads.append(conversation.handle(text).usage.cache_read_tokens)
    return reads


def test_every_call_marks_the_last_block_of_its_messages_within_the_four_breakpoints(
    phone: Phone, cached: FakeAnthropic
) -> None:
    talk(phone, anthropic_engine(cached), cached)
    for body in cached.requests():
        assert marks(body) == ["tools", "system", "message"]
        assert "cache_control" in body["messages"][-1]["content"][-1]


def test_each_turn_starts_with_the_previous_turns_bytes_once_the_markers_are_set_aside(
    phone: Phone, cached: FakeAnthropic
) -> None:
    talk(phone, anthropic_engine(cached), cached)
    bodies = cached.requests()
    for before, after in itertools.pairwise(bodies):
        assert unmarked(after["messages"]).startswith(unmarked(before["messages"])[:-1])
        assert unmarked([after["tools"], after["system"]]) == unmarked(
            [before["tools"], before["system"]]
        )


def test_each_turn_reads_from_the_cache_all_that_the_turn_before_it_sent(
    phone: Phone, cached: FakeAnthropic
) -> None:
    reads = talk(phone, anthropic_engine(cached), cached)
    usages = cached.usages
    written = [u["cache_read_input_tokens"] + u["cache_creation_input_tokens"] for u in usages]
    assert reads[0] == 0 and reads[1:] == written[:-1]
    assert reads[1] < reads[2]  # the cached prefix grows turn by turn


def test_without_the_history_breakpoint_a_later_turn_reads_only_tools_and_system(
    phone: Phone, cached: FakeAnthropic
) -> None:
    engine = anthropic_engine(cached)
    engine.cache_history = False
    reads = talk(phone, engine, cached)
    head = cached.usages[0]["cache_creation_input_tokens"]
    assert reads[1:] == [head, head]
    assert "message" not in marks(cached.requests()[-1]) and json.dumps(cached.requests())
