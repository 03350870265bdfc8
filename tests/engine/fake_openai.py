"""A small OpenAI-compatible ``/v1/chat/completions`` server on 127.0.0.1 for tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(text: str = "", calls: list[tuple[str, str, str]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if calls:
        message["tool_calls"] = [
            {"id": i, "type": "function", "function": {"name": n, "arguments": a}}
            for i, n, a in calls
        ]
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "llama-3.2-3b",
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}
        ],
        "usage": {"prompt_tokens": 50, "completion_tokens": 9, "total_tokens": 59},
    }


class FakeOpenAI:
    def __init__(self) -> None:
        self.script: list[tuple[int, bytes]] = []
        self.bodies: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        """Every request body exactly as received."""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                data = self.rfile.read(length)
                outer.raw.append(data)
                outer.bodies.append(json.loads(data))
                status, body = (
                    outer.script.pop(0)
                    if outer.script
                    else (200, json.dumps(completion("ok")).encode())
                )
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reply(self, data: dict[str, Any], status: int = 200) -> None:
        self.script.append((status, json.dumps(data).encode()))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
