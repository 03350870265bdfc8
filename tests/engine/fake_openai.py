"""A small OpenAI-compatible ``/v1/chat/completions`` server on 127.0.0.1 for tests."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(
    text: str = "",
    calls: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    finish_reason: str | None = None,
) -> dict[str, Any]:
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
            {
                "index": 0,
                "message": message,
                "finish_reason": finish_reason or ("tool_calls" if calls else "stop"),
            }
        ],
        "usage": {"prompt_tokens": 50, "completion_tokens": 9, "total_tokens": 59},
    }


class FakeOpenAI:
    """Answers from ``script`` (status, body[, delay in seconds]); records every body."""

    def __init__(self) -> None:
        self.script: list[tuple[int, bytes] | tuple[int, bytes, float]] = []
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
                status, body, *delay = (
                    outer.script.pop(0)
                    if outer.script
                    else (200, json.dumps(completion("ok")).encode())
                )
                time.sleep(delay[0] if delay else 0)
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reply(self, data: dict[str, Any], status: int = 200, delay: float = 0.0) -> None:
        self.script.append((status, json.dumps(data).encode(), delay))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
