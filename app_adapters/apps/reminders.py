"""Reminders: a to-do list with optional due times, in one JSON file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError

from ._store import Now, locked, parse_datetime, read_json, write_json

__all__ = ["reminders_app"]

_DATA = ["notes"]


def _find(items: list[dict[str, Any]], text: str) -> dict[str, Any]:
    needle = text.strip().casefold()
    open_items = [r for r in items if not r["done"]]
    exact = [r for r in open_items if r["text"].casefold() == needle]
    partial = exact or [r for r in open_items if needle in r["text"].casefold()]
    if not partial:
        raise ToolError(f"No open reminder matches {text!r}")
    if len(partial) > 1:
        raise ToolError(
            f"{text!r} matches {len(partial)} reminders: " + "; ".join(r["text"] for r in partial)
        )
    return partial[0]


def reminders_app(path: Path, now: Now) -> PythonApp:
    app = PythonApp("reminders")

    def load() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = read_json(path, [])
        return items

    @app.tool(
        examples=[
            "remind me to buy milk",
            "remind me to call the dentist tomorrow at 9",
            "add pick up dry cleaning to my reminders",
            "remind me to {text} {due}",
            "don't let me forget to {text}",
            "remind me {due} to {text}",
            "set a reminder to {text}",
        ],
        risk="write",
        data_classes=_DATA,
    )
    def add_reminder(text: str, due: str | None = None) -> dict[str, Any]:
        """Add a reminder, optionally due at a date and time.

        Args:
            text: What to be reminded of.
            due: When, YYYY-MM-DDTHH:MM.
        """
        if not text.strip():
            raise ToolError("A reminder needs some text")
        when = parse_datetime(due).isoformat(timespec="minutes") if due else None
        item = {
            "text": text.strip(),
            "due": when,
            "done": False,
            "created": now().isoformat(timespec="minutes"),
        }
        with locked(path):
            write_json(path, [*load(), item])
        return {"added": item}

    @app.tool(
        examples=[
            "what are my reminders",
            "what do I need to do",
            "show all reminders including finished ones",
        ],
        risk="read",
        data_classes=_DATA,
    )
    def list_reminders(include_done: bool = False) -> list[dict[str, Any]]:
        """List reminders, soonest due first.

        Args:
            include_done: Also list completed reminders.
        """
        items = [r for r in load() if include_done or not r["done"]]
        return sorted(items, key=lambda r: (r["due"] is None, r["due"] or ""))

    @app.tool(
        examples=[
            "mark buy milk as done",
            "I picked up the dry cleaning",
            "tick off the dentist reminder",
        ],
        risk="write",
        data_classes=_DATA,
    )
    def complete_reminder(text: str) -> dict[str, Any]:
        """Mark a reminder as done.

        Args:
            text: The reminder's text, or a distinctive part of it.
        """
        with locked(path):
            items = load()
            item = _find(items, text)
            item["done"] = True
            write_json(path, items)
        return {"completed": item["text"]}

    return app
