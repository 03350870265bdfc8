"""An engine call ends on time however the server behaves: a stream that only sends pings, or
a server that drips its answer a byte at a time, never outlasts the loop's total deadline."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from app_adapters import PythonApp
from assistant_sdk import Assistant, EngineError, FactStore, Resolver, ToolRegistry
from assistant_sdk.engines.anthropic import AnthropicEngine
from embeddings.base import Embedder

pytestmark = pytest.mark.slow

GIVE_UP_S = 20.0
"""The servers stop on their own after this long (bounded traffic, even if a test fails)."""

START = {
    "type": "message_start",
    "message": {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 1},
    },
}


def event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


class Stubborn:
    """A Messages API server on 127.0.0.1 that starts a stream and then never finishes it."""

    def __init__(self, mode: str) -> None:
        outer = self
        self.stop = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("connection", "close")
                self.end_headers()
                chunks = outer.pings() if mode == "pings" else outer.drip()
                try:
                    for chunk in chunks:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except OSError:
                    pass  # the client went away, as it should
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def pings(self) -> Iterator[bytes]:
        yield event("message_start", START)
        ends = time.monotonic() + GIVE_UP_S
        while time.monotonic() < ends and not self.stop.wait(0.05):
            yield event("ping", {"type": "ping"})

    def drip(self) -> Iterator[bytes]:
        text = {"type": "text_delta", "text": "word " * 2000}
        body = event("message_start", START) + event(
            "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": text}
        )
        ends = time.monotonic() + GIVE_UP_S
        for byte in body:
            if time.monotonic() > ends or self.stop.wait(0.02):
                return
            yield bytes([byte])

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def registry() -> ToolRegistry:
    app = PythonApp("stories")

    @app.tool(examples=["tell me a story"])
    def find_story(topic: str) -> str:
        """Find a story about a topic."""
        return f"once upon a time, {topic}"

    registry = ToolRegistry()
    registry.add_app(app)
    return registry


@pytest.fixture
def resolver(embedder: Embedder, registry: ToolRegistry) -> Resolver:
    resolver = Resolver(embedder, registry, FactStore(":memory:"))
    resolver.build()
    return resolver


@pytest.mark.parametrize("mode", ["pings", "drip"])
async def test_an_engine_that_never_finishes_its_stream_ends_at_the_deadline(
    registry: ToolRegistry, resolver: Resolver, mode: str
) -> None:
    from anthropic import AsyncAnthropic

    server = Stubborn(mode)
    try:
        client = AsyncAnthropic(base_url=server.url, api_key="test-key")
        engine = AnthropicEngine(client, timeout=2.0, max_retries=0)
        assistant = Assistant(
            registry, resolver, engine, plan_on_device=False, engine_timeout_s=1.0
        )
        with pytest.raises(EngineError, match="within 1 s"):
            await asyncio.wait_for(assistant.ahandle("tell me a long story"), GIVE_UP_S)
    finally:
        server.close()
