"""``python -m demo`` / ``assistant-sdk demo``: the console over the sample apps."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant_sdk.engines import Engine
    from assistant_sdk.settings import Settings

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="assistant-sdk demo", description=__doc__)
    parser.add_argument(
        "--engine",
        default="auto",
        help="none, anthropic, or an OpenAI-compatible URL (default: anthropic "
        "when ANTHROPIC_API_KEY is set, otherwise none)",
    )
    parser.add_argument(
        "--local",
        metavar="URL",
        help="an OpenAI-compatible local engine beside the cloud one: it plans what your policy "
        "keeps off the cloud and answers the cloud's questions about that data",
    )
    parser.add_argument(
        "--voice", metavar="FILE.wav", help="handle a spoken request, then continue"
    )
    parser.add_argument(
        "--now",
        metavar="YYYY-MM-DDTHH:MM",
        type=_moment,
        help="pretend it is this moment (for a session that reads the same every time)",
    )
    parser.add_argument(
        "--no-warm-up",
        action="store_true",
        help="do not load the readers and the model in the background while the prompt waits",
    )
    args = parser.parse_args(argv)

    from rich.console import Console
    from rich.progress import Progress

    from assistant_sdk.settings import load_settings

    from .console import confirm_with, reader, run
    from .session import Session

    settings = load_settings()
    console = Console(highlight=False, soft_wrap=True)  # long lines are the terminal's to wrap
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("starting", total=1.0)
        session = Session(
            settings,
            progress=lambda stage, f: bar.update(task, description=stage, completed=f),
            now=(lambda: args.now) if args.now else datetime.now,
        )
    read = reader()
    session.ask = confirm_with(console, read)
    engine = _engine(args.engine, settings)
    local = _engine(args.local, settings) if args.local else None
    if engine is not None:
        cloud = engine if engine.name.startswith("anthropic") else None
        session.use_engine(cloud, local or (None if cloud else engine))
        where = "the cloud" if cloud else "your local engine"
        console.print(f"engine: {engine.name} in {where} (plans what the device cannot finish)")
    if local is not None:
        console.print(f"local engine: {local.name} (reads what your policy keeps off the cloud)")
    if args.voice:
        read = _first(f":voice {args.voice}", read)
    return run(session, console, read=read, warm_up=not args.no_warm_up)


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not YYYY-MM-DDTHH:MM") from None


def _first(line: str, read: Callable[[str], str]) -> Callable[[str], str]:
    """A reader that answers ``line`` once, then defers to ``read``."""
    pending = [line]

    def first(prompt: str) -> str:
        if pending:
            print(prompt + pending[0])
            return pending.pop()
        return read(prompt)

    return first


def _engine(choice: str, settings: Settings) -> Engine | None:
    if choice == "none" or (choice == "auto" and settings.anthropic_api_key is None):
        return None
    if choice in ("auto", "anthropic"):
        from assistant_sdk import AnthropicEngine

        return AnthropicEngine(api_key=settings.anthropic_api_key, model=settings.anthropic_model)
    if choice.startswith(("http://", "https://")):
        from assistant_sdk import OpenAICompatibleEngine

        return OpenAICompatibleEngine(choice, model=settings.local_model)
    raise SystemExit(f"unknown engine {choice!r}: use none, anthropic or an http(s) URL")


if __name__ == "__main__":
    raise SystemExit(main())
