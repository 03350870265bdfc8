"""A small Anthropic Messages API server on 127.0.0.1 for tests.

Speaks the real wire protocol (JSON and server-sent events), accepts ``x-api-key`` or
``Authorization: Bearer``, records every request body as received, and answers from a script.
With ``FakeAnthropic(cache=PromptCache())`` it also plays the API's prompt cache: the usage it
reports then says how many tokens were read from, and written to, the cache.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant_sdk.engines.anthropic import AnthropicEngine


@dataclass
class Respond:
    """One scripted answer: a message dict (sent as JSON or SSE), or an error status."""

    message: dict[str, Any] | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    """Send these bytes as the body instead (malformed JSON, say)."""
    truncate_after: int | None = None
    """For streams: close the connection after this many events."""
    delay: float = 0.0


def message(
    text: str = "",
    tools: list[tuple[str, str, Any]] = (),  # type: ignore[assignment]
    *,
    input_tokens: int = 100,
    output_tokens: int = 20,
    stop_reason: str | None = None,
) -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    content += [{"type": "tool_use", "id": i, "name": n, "input": a} for i, n, a in tools]
    return {
        "id": f"msg_{time.monotonic_ns()}",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": content,
        "stop_reason": stop_reason or ("tool_use" if tools else "end_turn"),
        "stop_sequence": None,
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


def error(status: int, kind: str, text: str, **headers: str) -> Respond:
    body = {"type": "error", "error": {"type": kind, "message": text}}
    return Respond(status=status, raw=json.dumps(body).encode(), headers=headers)


def sse_events(msg: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    start = {
        **msg,
        "content": [],
        "stop_reason": None,
        "usage": {**msg["usage"], "output_tokens": 1},
    }
    yield "message_start", {"type": "message_start", "message": start}
    for index, block in enumerate(msg["content"]):
        if block["type"] == "text":
            yield (
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": index,
                    "content_block": {"type": "text", "text": ""},
                },
            )
            words = block["text"].split(" ")
            for n, word in enumerate(words):
                delta = {"type": "text_delta", "text": word if n == 0 else " " + word}
                yield (
                    "content_block_delta",
                    {"type": "content_block_delta", "index": index, "delta": delta},
                )
        else:
            shell = {**block, "input": {}}
            yield (
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": shell},
            )
            raw = block["input"] if isinstance(block["input"], str) else json.dumps(block["input"])
            delta = {"type": "input_json_delta", "partial_json": raw}
            yield (
                "content_block_delta",
                {"type": "content_block_delta", "index": index, "delta": delta},
            )
        yield "content_block_stop", {"type": "content_block_stop", "index": index}
    yield (
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": msg["stop_reason"], "stop_sequence": None},
            "usage": {"output_tokens": msg["usage"]["output_tokens"]},
        },
    )
    yield "message_stop", {"type": "message_stop"}


PROPERTY_KEY = re.compile(r"^[a-zA-Z0-9_.-]{1,64}$")


def schema_error(body: dict[str, Any]) -> str | None:
    """The API's own 400 message for a tool schema it refuses (as the real API words it)."""
    for i, tool in enumerate(body.get("tools") or ()):
        schema = tool.get("input_schema") or {}
        if any(k in schema for k in ("oneOf", "allOf", "anyOf")):
            return (
                f"tools.{i}.custom.input_schema: input_schema does not support oneOf, allOf, "
                "or anyOf at the top level"
            )
        if any(not PROPERTY_KEY.match(k) for k in schema.get("properties") or {}):
            return (
                f"tools.{i}.custom.input_schema.properties: Property keys should match "
                f"pattern '{PROPERTY_KEY.pattern}'"
            )
    return None


LOOKBACK = 20
"""The API looks for an earlier cache entry at most this many blocks before a breakpoint."""


@dataclass
class PromptCache:
    """The Messages API's prompt cache, as its documentation describes it: a request is read in
    the order tools, system, messages; each ``cache_control`` breakpoint writes the prefix up to
    its block (when it has at least ``min_tokens``), and a later request reads the longest
    cached prefix that ends at a breakpoint or at most ``LOOKBACK`` blocks before one. The
    markers themselves are not part of the cached content. ``count`` counts a text's tokens."""

    count: Callable[[str], int] = lambda text: max(1, len(text) // 4)
    min_tokens: int = 0
    entries: dict[str, int] = field(default_factory=dict)

    def usage(self, body: dict[str, Any]) -> dict[str, int]:
        blocks = _blocks(body)
        sizes, keys, digest = [], [], hashlib.sha256(str(body.get("model")).encode())
        for text, _ in blocks:
            digest.update(text.encode())
            keys.append(digest.hexdigest())
            sizes.append(self.count(text))
        ends = [sum(sizes[: i + 1]) for i in range(len(sizes))]
        marks = [i for i, (_, marked) in enumerate(blocks) if marked]
        read = 0
        for mark in marks:
            for i in range(mark, max(mark - LOOKBACK, -1), -1):
                if keys[i] in self.entries:
                    read = max(read, ends[i])
                    break
        written = 0
        for mark in marks:
            if ends[mark] >= self.min_tokens:
                self.entries[keys[mark]] = ends[mark]
                written = max(written, ends[mark])
        total = ends[-1] if ends else 0
        last = ends[marks[-1]] if marks else 0
        return {
            "input_tokens": total - max(last, read),
            "cache_read_input_tokens": read,
            "cache_creation_input_tokens": max(written - read, 0),
        }


def _blocks(body: dict[str, Any]) -> list[tuple[str, bool]]:
    """The request's blocks in cache order, each as canonical text and whether it is marked."""

    def one(block: dict[str, Any], role: str = "") -> tuple[str, bool]:
        bare = {k: v for k, v in block.items() if k != "cache_control"}
        return role + json.dumps(bare, sort_keys=True), "cache_control" in block

    out = [one(t) for t in body.get("tools") or ()]
    system = body.get("system") or []
    out += [one({"type": "text", "text": system})] if isinstance(system, str) else map(one, system)
    for message in body.get("messages") or ():
        content = message["content"]
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        out += [one(b, message["role"]) for b in content]
    return out


class FakeAnthropic:
    def __init__(self, cache: PromptCache | None = None) -> None:
        self.cache = cache
        self.usages: list[dict[str, int]] = []
        """With a cache: the usage reported for each request, in order."""
        self.script: list[Respond] = []
        self.bodies: list[bytes] = []
        self.auth: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                key = self.headers.get("x-api-key") or self.headers.get("authorization", "")
                outer.bodies.append(raw)
                outer.auth.append(key)
                if not key:
                    return self._send(error(401, "authentication_error", "missing key"))
                refused = schema_error(json.loads(raw or b"{}"))
                if refused:
                    return self._send(error(400, "invalid_request_error", refused))
                answer = outer.script.pop(0) if outer.script else Respond(message("ok"))
                if outer.cache is not None and answer.message is not None:
                    usage = outer.cache.usage(json.loads(raw))
                    outer.usages.append(usage)
                    answer.message = {
                        **answer.message,
                        "usage": {**answer.message["usage"], **usage},
                    }
                time.sleep(answer.delay)
                if (
                    json.loads(raw or b"{}").get("stream")
                    and answer.status == 200
                    and answer.raw is None
                ):
                    return self._stream(answer)
                return self._send(answer)

            def _send(self, answer: Respond) -> None:
                body = answer.raw if answer.raw is not None else json.dumps(answer.message).encode()
                self.send_response(answer.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def _stream(self, answer: Respond) -> None:
                assert answer.message is not None
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("connection", "close")
                self.end_headers()
                for n, (name, data) in enumerate(sse_events(answer.message)):
                    if answer.truncate_after is not None and n >= answer.truncate_after:
                        break
                    self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
                    self.wfile.flush()
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def requests(self) -> list[dict[str, Any]]:
        return [json.loads(b) for b in self.bodies]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def anthropic_engine(
    fake: FakeAnthropic, *, max_retries: int = 0, timeout: float = 3.0
) -> AnthropicEngine:
    """The real anthropic client and ``AnthropicEngine``, pointed at ``fake`` on 127.0.0.1."""
    from anthropic import AsyncAnthropic

    from assistant_sdk.engines.anthropic import AnthropicEngine

    client = AsyncAnthropic(base_url=fake.url, api_key="test-key")
    return AnthropicEngine(client, timeout=timeout, backoff=0.01, max_retries=max_retries)
