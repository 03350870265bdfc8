"""McpApp against PyPI's ``mcp-server-fetch``, fetching a page from a web server on 127.0.0.1
that records every request it gets. The server is started so that it touches nothing else:
``--ignore-robots-txt`` (no robots.txt request), ``--allow-private-ips`` (loopback is refused
by default) and our own ``--user-agent``; its environment carries no proxy settings."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from third_party import engine_calls, refused_by_engines, register

from app_adapters.mcp import McpApp
from assistant_sdk.errors import ToolError
from assistant_sdk.types import Risk

AGENT = "assistant-sdk-tests/1"
PAGE = (
    b"<html><head><title>Tides</title></head><body><nav>Home | About</nav><article>"
    b"<h1>Tides in Brest</h1><p>High tide at 6:42 today.</p><p>Low tide at 12:55.</p>"
    b"</article></body></html>"
)


class _Site(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str]]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("User-Agent", "")))
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def fetch_app(*flags: str) -> McpApp:
    return McpApp.stdio("web", sys.executable, ["-m", "mcp_server_fetch", *flags])


@pytest.fixture(scope="module")
def app() -> Iterator[McpApp]:
    flags = ["--ignore-robots-txt", "--allow-private-ips", "--user-agent", AGENT]
    with fetch_app(*flags) as app:
        yield app


def test_the_fetch_tool_registers_as_a_read_every_engine_accepts(app: McpApp) -> None:
    registry, warned = register(app)
    assert [(t.name, t.risk) for t in registry] == [("fetch", Risk.READ)]
    assert warned == [] and refused_by_engines(list(registry)) == []


async def test_a_local_page_comes_back_as_markdown_and_nothing_else_is_requested(
    app: McpApp, site: str
) -> None:
    _Site.seen.clear()
    registry, _ = register(app)
    (run,) = await engine_calls(registry, ("fetch", {"url": f"{site}/brest"}))
    assert not run.is_error, run.result
    assert "## Tides in Brest" in run.result and "High tide at 6:42 today." in run.result
    assert _Site.seen == [("/brest", AGENT)]


async def test_a_length_limit_the_model_asks_for_is_honoured(app: McpApp, site: str) -> None:
    text = await app.call("fetch", {"url": f"{site}/brest", "max_length": 40})
    body, _, note = str(text).split(":\n", 1)[1].partition("<error>")
    assert len(body.strip()) <= 40 and "Tides in Brest" in body
    assert "start_index of 40" in note  # it says how to read on


async def test_without_the_private_address_flag_the_server_refuses_loopback(site: str) -> None:
    async with fetch_app("--ignore-robots-txt") as strict:
        with pytest.raises(ToolError, match="allow-private-ips") as caught:
            await strict.call("fetch", {"url": f"{site}/brest"})
    assert "fetch failed on MCP server 'web'" in str(caught.value)
