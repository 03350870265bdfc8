"""Adapter costs: registering many tools, indexing them, and the price of an MCP call.

    python -m benchmarks.bench_adapters [--python-tools 1000] [--mcp-tools 200] [--calls 500]

Prints one JSON object. Registration through Python builds the schema of each generated
function; through MCP it spawns a generated MCP server process, lists its tools and maps them.
Indexing uses ``Resolver(embedder, registry).build()`` when the on-device model is built
(otherwise it is reported as skipped). Call overhead compares, for one trivial tool, a plain
function call, ``PythonApp.call`` (validation, thread hop, JSON coercion) and ``McpApp.call``
to an MCP server process: the mcp package's own server, and ``serve`` of the same PythonApp.
Start-up measures, for each third-party MCP server the tests run (PyPI's from the venv, npm's
from node_modules), the time from spawning it to its mapped tool list; a server that is not
installed is reported as skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from app_adapters.mcp import McpApp
from app_adapters.python import PythonApp
from assistant_sdk.tools import ToolRegistry

ROOT = Path(__file__).resolve().parent.parent
NPM = ROOT / "node_modules" / "@modelcontextprotocol"
TOPICS = ["note", "ride", "alarm", "song", "contact", "event", "place", "message", "photo", "task"]
VERBS = ["create", "find", "delete", "update", "share", "list", "open", "archive", "rename", "sync"]


def _spec(i: int) -> tuple[str, str]:
    verb, topic = VERBS[i % len(VERBS)], TOPICS[(i // len(VERBS)) % len(TOPICS)]
    return f"{verb}_{topic}_{i}", f"{verb.capitalize()} a {topic} (variant {i})."


def _python_source(i: int) -> str:
    name, doc = _spec(i)
    return (
        f"def {name}(title: str, count: int = 1, when: str | None = None) -> dict:\n"
        f'    """{doc}\n\n    Args:\n        title: What the {name} is about.\n'
        f'        count: How many.\n    """\n'
        f"    return {{'title': title, 'count': count}}\n"
    )


def _python_functions(n: int) -> list[Callable[..., Any]]:
    namespace: dict[str, Any] = {}
    exec("\n".join(_python_source(i) for i in range(n)), namespace)
    return [namespace[_spec(i)[0]] for i in range(n)]


def _mcp_server_source(n: int) -> str:
    tools = "\n".join(
        "@server.tool(annotations=ToolAnnotations(read_only_hint=True))\n" + _python_source(i)
        for i in range(n)
    )
    return (
        "from mcp.server.mcpserver import MCPServer\nfrom mcp.types import ToolAnnotations\n"
        "server = MCPServer('generated')\n\n"
        "@server.tool(annotations=ToolAnnotations(read_only_hint=True))\n"
        "def echo(x: int) -> int:\n    '''Return x.'''\n    return x\n\n"
        f"{tools}\nif __name__ == '__main__':\n    server.run()\n"
    )


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - start) * 1000


def _index_ms(registry: ToolRegistry) -> float | str:
    try:
        from assistant_sdk.resolve.resolver import Resolver
        from assistant_sdk.settings import load_settings
        from embeddings.onnx import OnnxEmbedder

        embedder = OnnxEmbedder.from_cache(load_settings().cache_dir)
    except Exception as exc:
        return f"skipped: {type(exc).__name__}: {exc}"
    _, ms = _timed(lambda: Resolver(embedder, registry).build())
    return round(ms, 1)


async def _latencies(call: Callable[[], Awaitable[Any]], n: int) -> dict[str, float]:
    for _ in range(min(50, n)):
        await call()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    return {
        "p50_us": round(statistics.median(samples), 1),
        "p99_us": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 1),
    }


async def run(python_tools: int, mcp_tools: int, calls: int) -> dict[str, Any]:
    report: dict[str, Any] = {"python": platform.python_version(), "calls": calls}
    functions = _python_functions(python_tools)
    app, ms = _timed(lambda: PythonApp("generated", functions))
    registry = ToolRegistry()
    _, add_ms = _timed(lambda: registry.add_app(app))
    report["python_register"] = {
        "tools": python_tools,
        "schema_ms": round(ms, 1),
        "registry_ms": round(add_ms, 1),
        "per_tool_ms": round((ms + add_ms) / python_tools, 3),
        "index_ms": _index_ms(registry),
    }
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "generated_server.py"
        script.write_text(_mcp_server_source(mcp_tools))
        with open(Path(tmp) / "server.log", "w") as errlog:
            report.update(await _mcp_part(script, errlog, mcp_tools, calls))
    return report


async def _mcp_part(script: Path, errlog: Any, n: int, calls: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    mcp_app = McpApp.stdio("generated", sys.executable, [str(script)], errlog=errlog)
    start = time.perf_counter()
    await mcp_app.start()
    start_ms = (time.perf_counter() - start) * 1000
    registry = ToolRegistry()
    _, add_ms = _timed(lambda: registry.add_app(mcp_app))
    out["mcp_register"] = {
        "tools": len(mcp_app.tools()),
        "spawn_list_map_ms": round(start_ms, 1),
        "registry_ms": round(add_ms, 1),
        "index_ms": _index_ms(registry),
    }

    def echo(x: int) -> int:
        """Return x."""
        return x

    python_app = PythonApp("direct", [echo])

    async def direct() -> int:
        return echo(x=1)

    served = McpApp.stdio(
        "served",
        sys.executable,
        ["-m", "app_adapters.mcp", "serve", "--apps", "benchmarks.bench_adapters:echo_app"],
        {"PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        errlog=errlog,
    )
    await served.start()
    try:
        latency = {
            "plain_function": await _latencies(direct, calls),
            "python_app_call": await _latencies(lambda: python_app.call("echo", {"x": 1}), calls),
            "mcp_server_process": await _latencies(lambda: mcp_app.call("echo", {"x": 1}), calls),
            "mcp_serve_of_python_app": await _latencies(
                lambda: served.call("echo", {"x": 1}), calls
            ),
        }
    finally:
        await served.close()
        await mcp_app.close()
    base = latency["python_app_call"]
    for key in ("mcp_server_process", "mcp_serve_of_python_app"):
        latency[key]["p50_ratio_vs_python_app"] = round(latency[key]["p50_us"] / base["p50_us"], 1)
        latency[key]["p99_ratio_vs_python_app"] = round(latency[key]["p99_us"] / base["p99_us"], 1)
    out["call_latency"] = latency
    return out


def _third_party_servers(folder: Path) -> dict[str, list[str]]:
    """Each third-party server's command line, as the tests start it."""
    py = [sys.executable, "-m"]
    return {
        "mcp-server-time": [*py, "mcp_server_time", "--local-timezone", "UTC"],
        "mcp-server-git": [*py, "mcp_server_git", "--repository", str(folder)],
        "mcp-server-fetch": [*py, "mcp_server_fetch", "--ignore-robots-txt"],
        "server-filesystem": ["node", str(NPM / "server-filesystem/dist/index.js"), str(folder)],
        "server-memory": ["node", str(NPM / "server-memory/dist/index.js")],
        "server-everything": ["node", str(NPM / "server-everything/dist/index.js"), "stdio"],
    }


async def _start_ms(command: list[str], errlog: Any) -> dict[str, Any]:
    if command[0] == "node" and (shutil.which("node") is None or not Path(command[1]).exists()):
        return {"start_ms": "skipped: not installed (make setup)"}
    app = McpApp.stdio("timed", command[0], command[1:], errlog=errlog)
    start = time.perf_counter()
    try:
        await app.start()
    except Exception as exc:
        return {"start_ms": f"skipped: {type(exc).__name__}: {str(exc)[:120]}"}
    ms = (time.perf_counter() - start) * 1000
    tools = len(app.tools())
    await app.close()
    return {"start_ms": round(ms, 1), "tools": tools}


async def third_party_starts() -> dict[str, Any]:
    """Spawn → handshake → mapped tool list, for each third-party server, twice (cold, warm)."""
    import subprocess
    import warnings

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "log", "w") as errlog:
        subprocess.run(["git", "init", "-q", tmp], check=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # task-only tools skipped by the everything server
            for name, command in _third_party_servers(Path(tmp)).items():
                first = await _start_ms(command, errlog)
                second = await _start_ms(command, errlog)
                out[name] = {**first, "again_ms": second["start_ms"]}
    return out


def echo_app() -> list[PythonApp]:
    """The app ``serve`` exposes for the overhead measurement."""

    def echo(x: int) -> int:
        """Return x."""
        return x

    return [PythonApp("served", [echo])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python-tools", type=int, default=1000)
    parser.add_argument("--mcp-tools", type=int, default=200)
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()
    report = asyncio.run(run(args.python_tools, args.mcp_tools, args.calls))
    report["third_party_start"] = asyncio.run(third_party_starts())
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
