"""The real Claude API with two sample tools. Runs only with ANTHROPIC_API_KEY set and `-m live`."""

from __future__ import annotations

import pytest

from assistant_sdk import Resolver, ToolRegistry, load_settings
from assistant_sdk.assistant import Assistant
from assistant_sdk.engines.anthropic import AnthropicEngine

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        load_settings().anthropic_api_key is None, reason="ANTHROPIC_API_KEY not set"
    ),
]


async def test_claude_calls_the_device_tool_and_answers(
    registry: ToolRegistry, resolver: Resolver, log: list[str]
) -> None:
    settings = load_settings()
    engine = AnthropicEngine(api_key=settings.anthropic_api_key, model=settings.anthropic_model)
    reply = await Assistant(registry, resolver, engine, top_k=2).ahandle(
        "What's the weather in Lisbon?"
    )
    assert "get_weather Lisbon" in log
    assert reply.text and reply.usage.input_tokens > 0
