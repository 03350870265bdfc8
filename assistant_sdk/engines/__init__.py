"""Engines plan over what the device selected: Claude, any OpenAI-compatible local server, or a
scripted test double. Each is imported on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Engine, EngineTurn, Message, ToolCall, ToolResult, Usage
from .scripted import ScriptedEngine

if TYPE_CHECKING:
    from .anthropic import AnthropicEngine
    from .openai_compat import OpenAICompatibleEngine

__all__ = [
    "AnthropicEngine",
    "Engine",
    "EngineTurn",
    "Message",
    "OpenAICompatibleEngine",
    "ScriptedEngine",
    "ToolCall",
    "ToolResult",
    "Usage",
]


def __getattr__(name: str) -> object:
    if name == "AnthropicEngine":
        from .anthropic import AnthropicEngine

        return AnthropicEngine
    if name == "OpenAICompatibleEngine":
        from .openai_compat import OpenAICompatibleEngine

        return OpenAICompatibleEngine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
