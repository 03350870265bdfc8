"""``OpenAICompatibleEngine``: a local model server (Ollama, llama.cpp server, vLLM) over httpx.

This is how a privacy-gated local model plugs in: ``/v1/chat/completions`` with ``tools``
(function calling), an output cap (``max_tokens``) and ``tool_choice``. A local model on a
small machine can take minutes, so the default read timeout is long; a request that timed
out is never sent again (the server may still be running it). Only a connection that was
refused before anything was sent is retried. Failures say what happened:
``EngineTimeoutError``, ``EngineUnreachableError``, ``TruncatedAnswerError`` (the answer hit
``max_tokens``), ``ToolsIgnoredError`` (the server's chat template dropped the tools and the
model wrote its call as text), or ``EngineError`` with the server's status and message.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx

from ..errors import (
    ConfigurationError,
    EngineError,
    EngineTimeoutError,
    EngineUnreachableError,
    ToolsIgnoredError,
    TruncatedAnswerError,
)
from ..prompts import FACTS_HEADER, SYSTEM
from ..types import Tool
from .base import EngineTurn, Message, OutboundGuard, ToolCall, Usage
from .schemas import OPENAI, WireTool, restore_calls, wire_tool

__all__ = ["OpenAICompatibleEngine"]


class OpenAICompatibleEngine:
    """A model behind ``/v1/chat/completions``. ``timeout`` bounds one answer (generous by
    default: a slow local model is a supported case); ``max_tokens`` caps its length;
    ``tool_choice`` is sent with the tools (``None`` leaves it out for servers that refuse
    it); ``max_retries`` applies only to connections refused before anything was sent."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str,
        api_key: str | None = None,
        connect_timeout: float = 3.0,
        timeout: float = 300.0,
        max_tokens: int = 1024,
        tool_choice: str | None = "auto",
        max_retries: int = 1,
        http_client: httpx.AsyncClient | None = None,
        system: str = SYSTEM,
    ) -> None:
        if max_tokens < 1 or timeout <= 0 or connect_timeout <= 0:
            raise ConfigurationError("max_tokens and the timeouts of an engine must be positive")
        root = base_url.rstrip("/")
        self.url = (
            f"{root}/chat/completions" if root.endswith("/v1") else f"{root}/v1/chat/completions"
        )
        self.model = model
        self.max_tokens = max_tokens
        self.tool_choice = tool_choice
        self.max_retries = max_retries
        self.timeout = timeout
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
        wires = _wires(tools)
        functions = [
            {
                "type": "function",
                "function": {
                    "name": w.name,
                    "description": w.description,
                    "parameters": dict(w.schema),
                },
            }
            for w in sorted(wires.values(), key=lambda w: w.name)
        ]
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [_history(m, wires) for m in wire],
            "max_tokens": self.max_tokens,
            "stream": False,
        }
        if functions:
            body["tools"] = functions
            if self.tool_choice is not None:
                body["tool_choice"] = self.tool_choice
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
        response = await self._post(body)
        turn = _turn(self.url, response)
        if turn.stop_reason == "length":
            raise TruncatedAnswerError(
                f"The local engine's answer stopped at max_tokens={self.max_tokens}; "
                "raise max_tokens for longer answers",
                partial=turn.text,
            )
        wires = _wires(tools)
        if tools and not turn.tool_calls and _call_in_text(turn.text, wires):
            raise ToolsIgnoredError(
                f"The local engine at {self.url} wrote a tool call as text: the server did not "
                "use the tools (its chat template may lack tool support; llama.cpp needs "
                "--jinja)"
            )
        return restore_calls(turn, wires)

    async def _post(self, body: dict[str, Any]) -> httpx.Response:
        """Send once; resend only when the connection was refused before anything was sent."""
        for attempt in range(self.max_retries + 1):
            try:
                return await self._client.post(self.url, json=body)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt == self.max_retries:
                    raise EngineUnreachableError(
                        f"Nothing answered at {self.url} ({type(exc).__name__}: {exc}); "
                        "is the model server running?",
                        retryable=True,
                    ) from exc
                await asyncio.sleep(0.2 * 2**attempt)
            except httpx.TimeoutException as exc:
                raise EngineTimeoutError(
                    f"The local engine at {self.url} did not answer within {self.timeout:g} s; "
                    "a slow model needs a larger timeout= (the request was not resent)"
                ) from exc
            except httpx.TransportError as exc:
                raise EngineError(
                    f"The connection to the local engine at {self.url} broke mid-request "
                    f"({type(exc).__name__}: {exc}); the request was not resent"
                ) from exc
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


def _wires(tools: Sequence[Tool]) -> dict[str, WireTool]:
    return {t.name: wire_tool(t, OPENAI) for t in tools}


def _history(message: dict[str, Any], wires: dict[str, WireTool]) -> dict[str, Any]:
    """An earlier assistant turn with its calls' arguments in the engine's names."""
    calls = message.get("tool_calls")
    if not calls:
        return message
    out = []
    for call in calls:
        wire = wires.get(call["function"]["name"])
        if wire is not None and wire.keys:
            arguments = wire.keys.to_wire(json.loads(call["function"]["arguments"]))
            call = {**call, "function": {**call["function"], "arguments": json.dumps(arguments)}}
        out.append(call)
    return {**message, "tool_calls": out}


def _call_in_text(text: str, wires: dict[str, WireTool]) -> bool:
    """Does the text hold a JSON tool call (``{"name": <an offered tool>, "arguments": ...}``)?"""
    decoder = json.JSONDecoder()
    for start in (i for i, ch in enumerate(text) if ch == "{"):
        try:
            value, _ = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(value, dict):
            function = value.get("function")
            name = function.get("name") if isinstance(function, dict) else value.get("name")
            if name in wires and ({"arguments", "parameters", "function"} & set(value)):
                return True
    return False


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
