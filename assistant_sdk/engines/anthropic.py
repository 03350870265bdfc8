"""``AnthropicEngine``: Claude over the Messages API, with a cacheable prefix.

The request is laid out so that prompt caching can reuse it: the system prompt, then the tools
sorted by name with ``cache_control`` on the last one, then the user's facts and the
conversation. Two requests that select the same tools share a byte-identical prefix.
A third breakpoint marks the last block of the messages, so the conversation so far is cached
as it grows: the next call (the tool's result, or the dialogue's next turn) extends those very
bytes and reads them back from the cache. That is three of the Messages API's four
breakpoints; the markers are not part of the cached content, so moving the last one each call
keeps the prefix of call n+1 identical to call n's.

Timeouts and retries are sized for a voice assistant: a few seconds to connect, tens of seconds
for the whole request, and a bounded number of retries on 408/409/429/5xx/529 and connection
errors, honouring ``retry-after`` up to ``max_retry_wait``. After that, ``EngineError``.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Sequence
from typing import Any

from ..errors import EngineError, MissingDependencyError
from ..prompts import FACTS_HEADER, SYSTEM
from ..types import Tool
from .base import EngineTurn, Message, OutboundGuard, ToolCall, Usage
from .schemas import ANTHROPIC, WireTool, restore_calls, wire_tool

__all__ = ["AnthropicEngine"]

RETRYABLE = frozenset({408, 409, 429, 500, 502, 503, 504, 529})


class AnthropicEngine:
    """Claude as the engine. Pass your own ``anthropic.AsyncAnthropic`` client, or an API key."""

    def __init__(
        self,
        client: Any = None,
        *,
        model: str = "claude-sonnet-4-6",
        api_key: str | None = None,
        max_tokens: int = 1024,
        connect_timeout: float = 3.0,
        timeout: float = 30.0,
        max_retries: int = 2,
        backoff: float = 0.5,
        max_retry_wait: float = 8.0,
        system: str = SYSTEM,
        cache_history: bool = True,
    ) -> None:
        self.model = model
        self.max_tokens = max_tokens
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_retry_wait = max_retry_wait
        self.system = system
        self.cache_history = cache_history
        """Put a cache breakpoint on the last block of the messages (the growing history)."""
        self._client = client if client is not None else _client(api_key, connect_timeout, timeout)
        self._client = self._client.with_options(
            max_retries=0, timeout=_timeout(connect_timeout, timeout)
        )

    @property
    def name(self) -> str:
        return f"anthropic:{self.model}"

    def request(
        self,
        messages: Sequence[Message],
        tools: Sequence[Tool],
        facts: Sequence[str],
        *,
        guard: OutboundGuard | None = None,
    ) -> dict[str, Any]:
        """The Messages API request body (public, so the prefix can be inspected and tested),
        as ``guard`` lets it leave.

        Each tool's schema is rewritten to what the API accepts (``schemas.wire_tool``)."""
        wires = _wires(tools)
        schemas = [
            {"name": w.name, "description": w.description, "input_schema": dict(w.schema)}
            for w in sorted(wires.values(), key=lambda w: w.name)
        ]
        if schemas:
            schemas[-1]["cache_control"] = {"type": "ephemeral"}
        system = [{"type": "text", "text": self.system, "cache_control": {"type": "ephemeral"}}]
        wire = [_wire_message(m, wires) for m in messages]
        if facts and wire:
            note = {
                "type": "text",
                "text": FACTS_HEADER + "\n" + "\n".join(f"- {f}" for f in facts),
            }
            wire[0] = {**wire[0], "content": [note, *wire[0]["content"]]}
        if self.cache_history and wire:
            wire[-1] = _marked(wire[-1])
        body = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": system,
            "tools": schemas,
            "messages": wire,
        }
        return guard.check(body) if guard is not None else body

    async def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[Tool],
        facts: Sequence[str],
        *,
        guard: OutboundGuard | None = None,
    ) -> EngineTurn:
        body = self.request(messages, tools, facts, guard=guard)
        response = await self._with_retries(lambda: self._client.messages.create(**body))
        return restore_calls(_turn(response), _wires(tools))

    async def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[Tool],
        facts: Sequence[str],
        *,
        guard: OutboundGuard | None = None,
    ) -> AsyncIterator[str | EngineTurn]:
        """Text as it arrives. Retries happen only before the first byte of an answer."""
        body = self.request(messages, tools, facts, guard=guard)
        stream = await self._with_retries(lambda: self._open_stream(body))
        try:
            async for event in stream:
                if event.type == "content_block_delta" and event.delta.type == "text_delta":
                    yield event.delta.text
            final = await stream.get_final_message()
        except Exception as exc:
            raise _engine_error(exc) from exc
        finally:
            await stream.close()
        if not final.stop_reason:
            raise EngineError(
                "The Claude engine's stream ended before the answer was complete", retryable=True
            )
        yield restore_calls(_turn(final), _wires(tools))

    async def _open_stream(self, body: dict[str, Any]) -> Any:
        manager = self._client.messages.stream(**body)
        return await manager.__aenter__()

    async def _with_retries(self, call: Any) -> Any:
        import anthropic

        for attempt in range(self.max_retries + 1):
            try:
                return await call()
            except (anthropic.APIStatusError, anthropic.APIConnectionError) as exc:
                status = getattr(exc, "status_code", None)
                retryable = status is None or status in RETRYABLE
                if not retryable or attempt == self.max_retries:
                    raise _engine_error(exc) from exc
                wait = _retry_after(exc) or self.backoff * 2**attempt * (0.75 + random.random() / 4)
                if wait > self.max_retry_wait:
                    raise _engine_error(exc, f" (asked to wait {wait:g} s)") from exc
                await asyncio.sleep(wait)
            except Exception as exc:  # malformed responses, protocol errors
                raise _engine_error(exc) from exc
        raise AssertionError("unreachable")


def _client(api_key: str | None, connect_timeout: float, timeout: float) -> Any:
    try:
        import anthropic
    except ImportError:
        raise MissingDependencyError("anthropic", "anthropic", "the Claude engine") from None
    return anthropic.AsyncAnthropic(api_key=api_key, timeout=_timeout(connect_timeout, timeout))


def _timeout(connect: float, total: float) -> Any:
    import anthropic

    return anthropic.Timeout(total, connect=connect)


def _wires(tools: Sequence[Tool]) -> dict[str, WireTool]:
    return {t.name: wire_tool(t, ANTHROPIC) for t in tools}


def _wire_message(message: Message, wires: dict[str, WireTool]) -> dict[str, Any]:
    content: list[dict[str, Any]] = [
        {
            "type": "tool_result",
            "tool_use_id": r.call_id,
            "content": r.content,
            "is_error": r.is_error,
        }
        for r in message.tool_results
    ]
    if message.text:
        content.append({"type": "text", "text": message.text})
    content += [
        {"type": "tool_use", "id": c.id, "name": c.name, "input": _to_wire(c, wires)}
        for c in message.tool_calls
    ]
    return {"role": message.role, "content": content}


def _marked(message: dict[str, Any]) -> dict[str, Any]:
    """``message`` with a cache breakpoint on its last content block (none on an empty one)."""
    content = list(message["content"])
    if not content or (content[-1].get("type") == "text" and not content[-1].get("text")):
        return message
    content[-1] = {**content[-1], "cache_control": {"type": "ephemeral"}}
    return {**message, "content": content}


def _to_wire(call: ToolCall, wires: dict[str, WireTool]) -> dict[str, Any]:
    wire = wires.get(call.name)
    return dict(wire.keys.to_wire(call.arguments) if wire is not None else call.arguments)


def _turn(response: Any) -> EngineTurn:
    texts, calls = [], []
    for block in response.content:
        if block.type == "text":
            texts.append(block.text)
        elif block.type == "tool_use":
            calls.append(_tool_call(block))
    usage = response.usage
    return EngineTurn(
        text="".join(texts),
        tool_calls=tuple(calls),
        stop_reason=str(response.stop_reason or ""),
        usage=Usage(
            input_tokens=int(usage.input_tokens or 0),
            output_tokens=int(usage.output_tokens or 0),
            cache_read_tokens=int(getattr(usage, "cache_read_input_tokens", 0) or 0),
            cache_write_tokens=int(getattr(usage, "cache_creation_input_tokens", 0) or 0),
        ),
        model=str(getattr(response, "model", "")),
    )


def _tool_call(block: Any) -> ToolCall:
    arguments = block.input
    if isinstance(arguments, str):  # a server that sent JSON text instead of an object
        try:
            arguments = json.loads(arguments)
        except json.JSONDecodeError:
            return ToolCall(block.id, block.name, {}, error="the tool input is not valid JSON")
    if not isinstance(arguments, dict):
        return ToolCall(block.id, block.name, {}, error="the tool input is not a JSON object")
    return ToolCall(block.id, block.name, arguments)


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _engine_error(exc: Exception, extra: str = "") -> EngineError:
    status = getattr(exc, "status_code", None)
    body = getattr(exc, "body", None)
    detail = body.get("error", {}).get("message") if isinstance(body, dict) else None
    message = detail or getattr(exc, "message", None) or str(exc) or type(exc).__name__
    where = f"HTTP {status}: " if status else ""
    return EngineError(
        f"The Claude engine failed: {where}{message}{extra}",
        status=status,
        retryable=status is None or status in RETRYABLE,
    )
