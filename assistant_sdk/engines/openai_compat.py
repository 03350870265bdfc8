"""``OpenAICompatibleEngine``: a local model server (Ollama, llama.cpp server, vLLM) over httpx.

This is how a privacy-gated local model plugs in: ``/v1/chat/completions`` with ``tools``
(function calling). Connection problems and error statuses become ``EngineError``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx

from ..errors import EngineError
from ..prompts import FACTS_HEADER, SYSTEM
from ..types import Tool
from .base import EngineTurn, Message, OutboundGuard, ToolCall, Usage

__all__ = ["OpenAICompatibleEngine"]


class OpenAICompatibleEngine:
    def __init__(
        self,
        base_url: str,
        *,
        model: str,
        api_key: str | None = None,
        connect_timeout: float = 3.0,
        timeout: float = 60.0,
        max_retries: int = 1,
        http_client: httpx.AsyncClient | None = None,
        system: str = SYSTEM,
    ) -> None:
        root = base_url.rstrip("/")
        self.url = (
            f"{root}/chat/completions" if root.endswith("/v1") else f"{root}/v1/chat/completions"
        )
        self.model = model
        self.max_retries = max_retries
        self.system = system
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = http_client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=connect_timeout), headers=headers
        )

    @property
    def name(self) -> str:
        return f"openai-compatible:{self.model}"

    def request(
        self,
        messages: Sequence[Message],
        tools: Sequence[Tool],
        facts: Sequence[str],
        *,
        guard: OutboundGuard | None = None,
    ) -> dict[str, Any]:
        system = self.system
        if facts:
            system += "\n\n" + FACTS_HEADER + "\n" + "\n".join(f"- {f}" for f in facts)
        wire: list[dict[str, Any]] = [{"role": "system", "content": system}]
        for message in messages:
            wire += _wire(message)
        functions = [
            {
                "type": "function",
                "function": {
                    "name": t.name,
                    "description": t.description,
                    "parameters": dict(t.parameters),
                },
            }
            for t in sorted(tools, key=lambda t: t.name)
        ]
        body = {"model": self.model, "messages": wire, "tools": functions, "stream": False}
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
        for attempt in range(self.max_retries + 1):
            try:
                response = await self._client.post(self.url, json=body)
            except httpx.TransportError as exc:
                if attempt == self.max_retries:
                    raise EngineError(
                        f"The local engine at {self.url} is unreachable: {exc}", retryable=True
                    ) from exc
                await asyncio.sleep(0.2 * 2**attempt)
                continue
            return _turn(self.url, response)
        raise AssertionError("unreachable")

    async def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[Tool],
        facts: Sequence[str],
        *,
        guard: OutboundGuard | None = None,
    ) -> AsyncIterator[str | EngineTurn]:
        turn = await self.complete(messages, tools, facts, guard=guard)
        if turn.text:
            yield turn.text
        yield turn

    async def aclose(self) -> None:
        await self._client.aclose()


def _wire(message: Message) -> list[dict[str, Any]]:
    if message.tool_results:
        return [
            {"role": "tool", "tool_call_id": r.call_id, "content": r.content}
            for r in message.tool_results
        ]
    out: dict[str, Any] = {"role": message.role, "content": message.text or None}
    if message.tool_calls:
        out["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": json.dumps(dict(c.arguments))},
            }
            for c in message.tool_calls
        ]
    return [out]


def _turn(url: str, response: httpx.Response) -> EngineTurn:
    try:
        data = response.json()
    except ValueError:
        raise EngineError(
            f"The local engine at {url} sent malformed JSON (HTTP {response.status_code})",
            status=response.status_code,
        ) from None
    if response.status_code >= 400:
        detail = data.get("error", data) if isinstance(data, dict) else data
        message = detail.get("message", detail) if isinstance(detail, dict) else detail
        raise EngineError(
            f"The local engine failed: HTTP {response.status_code}: {message}",
            status=response.status_code,
            retryable=response.status_code >= 500,
        )
    try:
        choice = data["choices"][0]
        message = choice["message"]
    except (KeyError, IndexError, TypeError):
        raise EngineError(f"The local engine at {url} answered without a message") from None
    usage = data.get("usage") or {}
    return EngineTurn(
        text=message.get("content") or "",
        tool_calls=tuple(_call(c) for c in message.get("tool_calls") or ()),
        stop_reason=str(choice.get("finish_reason") or ""),
        usage=Usage(int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))),
        model=str(data.get("model", "")),
    )


def _call(raw: dict[str, Any]) -> ToolCall:
    function = raw.get("function", {})
    name, arguments = str(function.get("name", "")), function.get("arguments", "{}")
    try:
        parsed = json.loads(arguments) if isinstance(arguments, str) else arguments
    except json.JSONDecodeError:
        return ToolCall(str(raw.get("id", "")), name, {}, error="the arguments are not valid JSON")
    if not isinstance(parsed, dict):
        return ToolCall(str(raw.get("id", "")), name, {}, error="the arguments are not an object")
    return ToolCall(str(raw.get("id", "")), name, parsed)
