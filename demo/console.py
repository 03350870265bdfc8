"""The REPL: type a request or a command; see what the device understood, who planned it,
what ran, what it cost, and what left the device."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from assistant_sdk import AssistantError, Decision, Destination, Reply, Resolution, Tool
from assistant_sdk.assistant import Event
from assistant_sdk.privacy.delegate import Delegation
from assistant_sdk.trace import EngineCall, Step, TextDelta, ToolRun

from .session import Session

__all__ = ["COMMANDS", "decision", "run", "show"]

COMMANDS = {
    ":apps": "registered apps and their tools",
    ":facts": "what the device knows about you",
    ":remember KEY VALUE": "remember a fact (e.g. :remember rides Uber)",
    ":forget KEY": "forget a fact",
    ":learned": "requests kept as examples of the tools they settled (learning from use)",
    ":forget learned [TOOL]": "forget the learned examples (of one tool, or all)",
    ":policy [CLASS WHERE]": "where each data class may go (device, local or cloud)",
    ":policy CLASS derived no|count|text": "what of a local model's answer may go to the cloud",
    ":why": "explain the last resolution",
    ":trace": "the steps of the last request, with timings and what was carried over",
    ":new": "start a new conversation (forget the earlier turns)",
    ":voice FILE.wav": "transcribe a spoken request on the device, then handle it",
    ":help": "this list",
    ":quit": "leave",
}
RESOLVER = {
    Decision.LOCAL: "one tool, confidently",
    Decision.ENGINE: "unsure (the plan checks the top tools' arguments)",
    Decision.CLARIFY: "two close tools",
    Decision.OUT_OF_SCOPE: "no tool fits",
}
"""How sure the resolver was, which is not who decided (the plan tells that)."""
Read = Callable[[str], str]


def run(session: Session, console: Console, *, read: Read, warm_up: bool = True) -> int:
    if session.engine is None and session.local_engine is None:
        console.print("Type a request, or :help. Offline: nothing leaves this device.\n")
    else:
        console.print("Type a request, or :help. Each reply shows what left the device.\n")
    if warm_up:
        session.warm_up()
    try:
        return _loop(session, console, read)
    finally:
        session.wait_warm()  # a thread still in the model when the process exits aborts it


def _loop(session: Session, console: Console, read: Read) -> int:
    last: Reply | None = None
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
            if _command(session, console, line, last) == "quit":
                return 0
            continue
        try:
            session.wait_warm()
            resolution = session.resolve(line)
            show_resolution(console, resolution)
            last = asyncio.run(_follow(console, session.turn(line, resolution), resolution))
            while last.clarification is not None:
                # A number, an option's words, or a new request: the conversation decides.
                answer = read("choose> ").strip()
                if not answer:
                    session.conversation.pending = None
                    console.print("Nothing was done.")
                    break
                last = asyncio.run(_follow(console, session.turn(answer)))
        except AssistantError as exc:
            console.print(f"[red]{exc}[/red]")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return 0


def show_resolution(console: Console, res: Resolution) -> None:
    """What the device understood, shown before anything runs (or asks). Who decides is told
    once the plan is made (``decision``), so the account never contradicts itself."""
    console.print(_candidates(res))


def decision(event: Event) -> str:
    """Who decided what, read from the first thing that happened after resolving."""
    if isinstance(event, Step):
        if event.kind == "answer":
            return "on device, from your facts"
        if event.name == "clarify":
            return "ask you"
        return "on device" if event.detail.get("planned_by") == "device" else "needs the engine"
    if isinstance(event, Reply):
        if event.clarification is not None:
            return "ask you"
        if event.resolution.decision is Decision.OUT_OF_SCOPE:
            return "out of scope"
        return "on device" if event.planned_by == "device" else "needs the engine"
    return "needs the engine"


async def _follow(
    console: Console, events: AsyncIterator[Event], resolution: Resolution | None = None
) -> Reply:
    """Print each step as it happens (so a confirmation question follows its plan)."""
    async for event in events:
        if isinstance(event, Step) and event.kind == "resolve":
            continue
        if resolution is not None and not isinstance(event, TextDelta):
            console.print(
                f"decision: [bold]{decision(event)}[/bold] "
                f"(resolved in {resolution.elapsed_ms:.1f} ms on this device)"
            )
            resolution = None
        if isinstance(event, Reply):
            show(console, event)
            return event
        if not isinstance(event, TextDelta):
            _step(console, event)
    raise AssertionError("the assistant ended without a reply")


def _step(console: Console, event: Step | EngineCall | ToolRun | Delegation) -> None:
    if isinstance(event, Delegation):
        sent = "nothing" if event.released is None else repr(event.released)
        came = f"failed: {event.error}" if event.error else f"answered {event.answer!r}"
        came += "" if event.error else " (stays on this device)"
        console.print(
            f"  asked your local engine about {event.data_class}: {event.question!r}; it "
            f"{came}; released to the cloud ({event.setting.value}): {sent}"
        )
    elif isinstance(event, Step):
        if event.kind == "answer":
            detail = event.detail
            console.print(
                f"answer: from the fact [cyan]{detail['fact']}[/cyan] ({detail['data_class']}, "
                f"may go to: {detail['may_go']}) in {event.duration_ms:.1f} ms"
            )
        if event.kind != "plan":
            return
        if event.detail.get("planned_by") == "device":
            sources = event.detail.get("sources", {})
            read_from = ", ".join(f"{k} <- {v}" for k, v in sources.items()) or "no arguments"
            carried = event.detail.get("carried_from")
            since = f"; carried over from turn {carried + 1}" if carried is not None else ""
            console.print(
                f"plan: [cyan]{event.name}[/cyan]({_args(event.detail['arguments'])}) by the "
                f"device in {event.duration_ms:.1f} ms ({read_from}{since})"
            )
        elif event.detail.get("reason"):
            console.print(f"plan: the engine's, because {event.detail['reason']}")
    elif isinstance(event, ToolRun):
        mark = "[red]not run[/red]" if event.is_error else "ok"
        first, *more = _result_lines(event.result)
        console.print(
            f"  {event.tool}({_args(event.arguments)}) -> {mark}: {first} "
            f"({event.duration_ms:.1f} ms)"
        )
        for line in more:
            console.print(f"    {line}")
    else:
        cost = f", ~${event.cost_usd:.4f}" if event.cost_usd is not None else ""
        console.print(
            f"  {event.engine}: {len(event.tools_sent)} tools; {event.usage.input_tokens} tokens "
            f"in, {event.usage.output_tokens} out{cost}; {event.duration_ms:.0f} ms"
        )


def _result_lines(result: str, width: int = 200, items: int = 7) -> list[str]:
    """A tool's result as the console shows it: a list one item a line (a forecast's days),
    anything else on one line; each cut at ``width`` characters."""
    try:
        value = json.loads(result)
    except ValueError:
        value = None
    if not isinstance(value, list) or len(value) < 2:
        return [result[:width]]
    lines = [json.dumps(item, ensure_ascii=False)[:width] for item in value[:items]]
    if len(value) > items:
        lines.append(f"... and {len(value) - items} more")
    return lines


def show(console: Console, reply: Reply) -> None:
    """How a request ended: the answer, a question, or why nothing ran; and what left."""
    if reply.clarification is not None:
        question = reply.clarification
        if question.parameter is None and question.tools:
            console.print("[bold]Which do you want?[/bold]")  # tools: ask in their own words
        else:
            console.print(f"[bold]{reply.text}[/bold]")
        for n, option in enumerate(_options(reply), 1):
            console.print(f"  {n}. {option}")
        return
    if reply.planned_by == "none" and reply.preview is not None:
        facts = ", ".join(reply.preview.facts_sent) or "none"
        withheld = ", ".join(reply.preview.facts_withheld)
        text = reply.text
        if "none is configured" in text:
            text = "this request needs an engine, and none is set (no API key)."
        console.print(f"[yellow]Not run: {text}[/yellow]")
        console.print(
            f"  It would send {len(reply.would_send)} tools: {', '.join(reply.would_send)}; "
            f"facts: {facts}" + (f"; withheld by your policy: {withheld}" if withheld else "")
        )
        return
    if reply.resolution.decision is Decision.OUT_OF_SCOPE and not reply.tool_runs:
        console.print(reply.text)
        _left(console, reply)
        return
    if reply.tool_runs and reply.text == reply.tool_runs[-1].result:
        outcome = "not done" if reply.tool_runs[-1].is_error else "done"
        console.print(f"[bold]{outcome}[/bold] (planned by {reply.planned_by})")
    else:
        console.print(f"[bold]{reply.text.strip()}[/bold]  (planned by {reply.planned_by})")
    _left(console, reply)


def _left(console: Console, reply: Reply) -> None:
    """What left the device for this request, summed over its engine calls."""
    if not reply.ledger:
        console.print("  left the device: nothing (0 tokens)")
        return
    for destination in (Destination.CLOUD, Destination.LOCAL):
        entries = [e for e in reply.ledger if e.destination is destination]
        if not entries:
            continue
        where = "the cloud" if destination is Destination.CLOUD else "your local engine"
        calls = f"{len(entries)} call" + ("s" if len(entries) > 1 else "")
        sent = _union(e.facts_sent for e in entries)
        line = f"  left the device for {where} ({calls}): facts {', '.join(sent) or 'none'}"
        classes = _union(e.data_classes for e in entries)
        if classes:
            line += f"; data classes: {', '.join(classes)}"
        placeholders = _union(e.placeholders for e in entries)
        if placeholders:
            line += f"; as placeholders: {', '.join(placeholders)}"
        withheld = _union(e.facts_withheld for e in entries)
        if withheld:
            line += f"; withheld: {', '.join(withheld)}"
        derived = [f"{d.data_class} {d.released!r}" for e in entries for d in e.delegations]
        if derived:
            line += f"; answers derived on your local engine: {', '.join(derived)}"
        console.print(line)


def _union(groups: Iterable[Iterable[str]]) -> list[str]:
    return list(dict.fromkeys(item for group in groups for item in group))


def _options(reply: Reply) -> list[str]:
    """The choices as the user reads them: a tool by its description, a value as it is."""
    assert reply.clarification is not None
    question = reply.clarification
    if question.parameter is None and question.tools:
        described = {t.name: t.description.rstrip(".") for t in question.tools}
        return [described.get(o, o) for o in question.options]
    return list(question.options)


def _args(arguments: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in arguments.items())


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


def confirm_with(
    console: Console, read: Callable[[str], str]
) -> Callable[[Tool, Mapping[str, Any]], bool]:
    """The y/n question the risk gate asks before a risky action."""

    def confirm(tool: Tool, arguments: Mapping[str, Any]) -> bool:
        what = "is destructive" if tool.risk.value == "destructive" else "changes your data"
        console.print(f"[yellow]{tool.name}({_args(arguments)}) {what}.[/yellow]")
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


def _command(session: Session, console: Console, line: str, last: Reply | None) -> str | None:
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
    elif name == ":learned":
        for example in session.learned():
            console.print(f"  {example.tool} <- {example.request!r}")
    elif name == ":forget" and rest.split()[:1] == ["learned"]:
        tool = rest.split(maxsplit=1)[1] if len(rest.split()) > 1 else None
        console.print(f"forgot {session.unlearn(tool)} learned example(s)")
    elif name == ":forget":
        console.print("forgotten" if session.forget(rest.strip()) else f"no fact {rest.strip()!r}")
    elif name == ":why":
        _why(session, console)
    elif name == ":trace":
        _trace(console, last)
    elif name == ":new":
        session.new_conversation()
        console.print("new conversation: earlier turns are forgotten")
    elif name == ":policy":
        _policy(session, console, rest.split())
    else:
        console.print(f"unknown command {name}; :help lists them")
    return None


def _trace(console: Console, last: Reply | None) -> None:
    if last is None:
        console.print("no request yet")
        return
    for step in last.steps:
        console.print(f"  {step.kind:<8} {step.name:<28} {step.duration_ms:8.1f} ms")
        if "carried_from" in step.detail:
            kept = step.detail.get("kept") or step.detail.get("referent") or {}
            changed = step.detail.get("changed", {})
            console.print(
                f"           carried over from turn {step.detail['carried_from'] + 1}: "
                f"kept {_args(kept) or 'nothing'}; changed {_args(changed) or 'nothing'}"
            )


def _policy(session: Session, console: Console, words: list[str]) -> None:
    if len(words) in (2, 3) and words[1] == "derived":
        _derived(session, console, words)
        return
    if words:
        if len(words) != 2:
            console.print("usage: :policy CLASS device|local|cloud  (e.g. :policy health local)")
            return
        try:
            session.set_policy(words[0], words[1])
        except AssistantError as exc:
            console.print(f"[red]{exc}[/red]")
            return
        except ValueError:
            console.print(
                f"[red]unknown destination {words[1]!r}: use device, local or cloud[/red]"
            )
            return
        console.print(f"saved to {session.policy_file}")
    table = Table(box=None, pad_edge=False)
    for column in ("data class", "may go to", "derived answers"):
        table.add_column(column)
    for data_class in session.data_classes():
        policy = session.policy
        table.add_row(data_class, policy.limit(data_class).value, policy.derived_for(data_class))
    console.print(table)
    console.print(
        "  device: never leaves; local: your own engine; cloud: the cloud engine, with names, "
        "numbers, e-mail addresses and places sent as placeholders"
    )


def _derived(session: Session, console: Console, words: list[str]) -> None:
    """``:policy health derived [no|count|text]``: show or set one class's setting."""
    if len(words) == 3:
        try:
            session.set_derived(words[0], words[2])
        except AssistantError as exc:
            console.print(f"[red]{exc}[/red]")
            return
    setting = session.policy.derived_for(words[0]).value
    console.print(
        f"{words[0]}: a local model's answer may go to the cloud as: {setting} "
        "(no: nothing; count: a yes, a no or a number; text: a short text, raw values withheld)"
    )


def _why(session: Session, console: Console) -> None:
    res = session.last
    if res is None:
        console.print("no request yet")
        return
    console.print(f"request: {res.request!r} -> the resolver's view: {RESOLVER[res.decision]}")
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
            print(line.rstrip("\n"), flush=True)  # what was typed, so a log reads as a session
            return line

        return plain
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.history import InMemoryHistory

    prompt: PromptSession[str] = PromptSession(
        history=InMemoryHistory(), completer=WordCompleter([c.split()[0] for c in COMMANDS])
    )

    def ask(text: str) -> str:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return prompt.prompt(text)
        # A confirmation asked while a request runs: the line editor needs its own loop.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(prompt.prompt, text).result()

    return ask
