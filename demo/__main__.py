"""``python -m demo`` / ``assistant-sdk demo``: the console over the sample apps."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="assistant-sdk demo", description=__doc__)
    parser.add_argument(
        "--engine",
        default="auto",
        help="none, anthropic, or an OpenAI-compatible URL (default: anthropic "
        "when ANTHROPIC_API_KEY is set, otherwise none)",
    )
    args = parser.parse_args(argv)

    from rich.console import Console
    from rich.progress import Progress

    from assistant_sdk.settings import load_settings

    from .console import run
    from .session import Session

    settings = load_settings()
    console = Console(highlight=False)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("starting", total=1.0)
        session = Session(
            settings, progress=lambda stage, f: bar.update(task, description=stage, completed=f)
        )
    engine_ready = args.engine not in ("auto", "none") or (
        args.engine == "auto" and settings.anthropic_api_key is not None
    )
    return run(session, console, engine_ready=engine_ready)


if __name__ == "__main__":
    raise SystemExit(main())
