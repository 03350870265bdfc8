"""The REPL: type a request or a command; see what the device understood and why."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from assistant_sdk import AssistantError, Decision, Reply, Resolution, Tool

from .session import Outcome, Session

__all__ = ["COMMANDS", "run"]

COMMANDS = {
    ":apps": "registered apps and their tools",
    ":facts": "what the device knows about you",
    ":remember KEY VALUE": "remember a fact (e.g. :remember rides Uber)",
    ":forget KEY": "forget a fact",
    ":policy": "where each data class may go",
    ":why": "explain the last resolution",
    ":trace": "the steps of the last request, with timings",
    ":voice FILE.wav": "transcribe a spoken request on the device, then handle it",
    ":help": "this list",
    ":quit": "leave",
}
DECISIONS = {
    Decision.LOCAL: "on device",
    Decision.ENGINE: "needs the engine",
    Decision.CLARIFY: "clarify",
    Decision.OUT_OF_SCOPE: "out of scope",
}


def run(
    session: Session, console: Console, *, engine_ready: bool, read: Callable[[str], str]
) -> int:
    console.print("Type a request, or :help. Offline: nothing leaves this device.\n")
    while True:
        try:
            line = read("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            return 0
        if not line:
            continue
        if line.startswith(":voice"):
            line = transcribe(console, session, line.partition(" ")[2].strip()) or ""
            if not line:
                continue
        elif line.startswith(":"):
            if _command(session, console, line) == "quit":
                return 0
            continue
        try:
            outcome = asyncio.run(session.handle(line))
        except AssistantError as exc:
            console.print(f"[red]{exc}[/red]")
            continue
        session.trace.clear()
        session.trace.append(
            ("resolve", outcome.resolution.decision.value, outcome.resolution.elapsed_ms)
        )
        if outcome.action == "replied":
            session.trace[:] = [(s.kind, s.name, s.duration_ms) for s in outcome.result.steps]
        show(console, outcome, engine_ready=engine_ready)


def show(console: Console, outcome: Outcome, *, engine_ready: bool) -> None:
    res = outcome.resolution
    console.print(_candidates(res))
    console.print(
        f"decision: [bold]{DECISIONS[res.decision]}[/bold] ({res.elapsed_ms:.1f} ms, 0 tokens)"
    )
    if outcome.action == "replied":
        _reply(console, outcome.result)
    elif outcome.action == "ran":
        assert res.top is not None
        console.print(f"ran [cyan]{res.top.tool.name}[/cyan]() on the device -> {outcome.result}")
    elif outcome.action == "needs_engine":
        assert res.top is not None
        needs = ", ".join(res.top.tool.required)
        what = (
            f"filling {needs} needs" if res.decision is Decision.LOCAL and needs else "this needs"
        )
        reason = f"{what} an engine, and none is set (no API key)"
        facts = ", ".join(outcome.facts_sent) or "none"
        console.print(
            f"[yellow]Not run: {reason}.[/yellow] It would send {len(outcome.would_send)} "
            f"tools: {', '.join(outcome.would_send)}; facts: {facts}"
        )
    elif outcome.action == "clarify":
        names = " or ".join(c.tool.name for c in res.candidates[:2])
        console.print(f"Did you mean {names}? Rephrase to choose.")
    else:
        console.print("No app on this device can do that.")


def transcribe(console: Console, session: Session, path: str) -> str | None:
    """Speech to text on the device; prints what was heard and returns it."""
    from pathlib import Path

    from .voice import Transcriber

    try:
        if session.transcriber is None:
            session.transcriber = Transcriber(session.settings.cache_dir)
        heard = session.transcriber.transcribe(Path(path))
    except (AssistantError, OSError) as exc:
        console.print(f"[red]{exc}[/red]")
        return None
    console.print(f"heard: [bold]{heard.text}[/bold] ({heard.seconds:.2f} s, on this device)")
    return str(heard.text)


def _reply(console: Console, reply: Reply) -> None:
    for run in reply.tool_runs:
        mark = "[red]error[/red]" if run.is_error else "ok"
        console.print(f"  {run.tool}({dict(run.arguments)}) -> {mark}: {run.result[:200]}")
    for call in reply.engine_calls:
        cost = f", ~${call.cost_usd:.4f}" if call.cost_usd is not None else ""
        console.print(
            f"  {call.engine}: sent {len(call.tools_sent)} tools, facts "
            f"{list(call.facts_sent)}; {call.usage.input_tokens} tokens in, "
            f"{call.usage.output_tokens} out{cost}, {call.duration_ms:.0f} ms"
        )
    console.print(f"[bold]{reply.text.strip()}[/bold]  (planned by {reply.planned_by})")


def confirm_with(
    console: Console, read: Callable[[str], str]
) -> Callable[[Tool, Mapping[str, Any]], bool]:
    """The y/n question the risk gate asks before a destructive action."""

    def confirm(tool: Tool, arguments: Mapping[str, Any]) -> bool:
        console.print(f"[yellow]{tool.name}({dict(arguments)}) is {tool.risk.value}.[/yellow]")
        return read("Allow it? [y/N] ").strip().lower() in ("y", "yes")

    return confirm


def _candidates(res: Resolution) -> Table:
    table = Table(box=None, pad_edge=False)
    for column in ("tool", "app", "p", "score", "dense", "lexical"):
        table.add_column(column)
    for c in res.candidates[:3]:
        table.add_row(
            c.tool.name,
            c.tool.app,
            f"{c.probability:.2f}",
            f"{c.score:.2f}",
            f"{c.dense:.2f}",
            f"{c.lexical:.2f}",
        )
    return table


def _command(session: Session, console: Console, line: str) -> str | None:
    name, _, rest = line.partition(" ")
    if name in (":quit", ":q", ":exit"):
        return "quit"
    if name == ":help":
        for usage, what in COMMANDS.items():
            console.print(f"  {usage:<22} {what}")
    elif name == ":apps":
        for app, tools in session.apps().items():
            console.print(f"  [bold]{app}[/bold]: {', '.join(tools)}")
    elif name == ":facts":
        for fact in session.facts.all():
            console.print(f"  {fact.key} -> {fact.value}  ({fact.kind.value}, {fact.data_class})")
    elif name == ":remember":
        key, _, value = rest.partition(" ")
        if not key or not value.strip():
            console.print("usage: :remember KEY VALUE")
        else:
            fact = session.remember(key, value.strip())
            console.print(f"remembered {fact.key} -> {fact.value}")
    elif name == ":forget":
        console.print("forgotten" if session.forget(rest.strip()) else f"no fact {rest.strip()!r}")
    elif name == ":why":
        _why(session, console)
    elif name == ":trace":
        for kind, what, ms in session.trace or [("-", "no request yet", 0.0)]:
            console.print(f"  {kind:<8} {what:<28} {ms:8.1f} ms")
    elif name == ":policy":
        console.print(
            "  No per-data-class privacy policy is configured in this version. Offline, nothing "
            "leaves the device; with an engine, each reply lists the tools and facts it sent."
        )
    else:
        console.print(f"unknown command {name}; :help lists them")
    return None


def _why(session: Session, console: Console) -> None:
    res = session.last
    if res is None:
        console.print("no request yet")
        return
    console.print(f"request: {res.request!r} -> {DECISIONS[res.decision]}")
    for c in res.candidates[:5]:
        why = f"matched {c.example!r}" if c.example else "matched by words only"
        steer = (
            f"; preferred because {c.steered_by.key} = {c.steered_by.value}" if c.steered_by else ""
        )
        console.print(
            f"  {c.tool.name:<22} p={c.probability:.2f} score={c.score:.2f} "
            f"(dense {c.dense:.2f}, lexical {c.lexical:.2f}) {why}{steer}"
        )
    for match in res.facts:
        console.print(
            f"  fact {match.fact.key} -> {match.fact.value} (relevance {match.score:.2f})"
        )


def reader() -> Callable[[str], str]:
    if not sys.stdin.isatty():

        def plain(prompt: str) -> str:
            print(prompt, end="", flush=True)
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            return line

        return plain
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.history import InMemoryHistory

    prompt: PromptSession[str] = PromptSession(
        history=InMemoryHistory(), completer=WordCompleter([c.split()[0] for c in COMMANDS])
    )
    return prompt.prompt
