"""Clock: alarms and timers in one JSON file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError
from assistant_sdk.types import Inverse

from ._store import Now, locked, parse_time, read_json, write_json

__all__ = ["clock_app"]

_DATA = ["device"]


def _load(path: Path) -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = read_json(path, {})
    data.setdefault("alarms", [])
    data.setdefault("timers", [])
    return data


def _matches(alarm: dict[str, Any], time: str | None, label: str | None) -> bool:
    if time is not None and alarm["time"] != parse_time(time).strftime("%H:%M"):
        return False
    return label is None or (alarm.get("label") or "").casefold() == label.strip().casefold()


def clock_app(path: Path, now: Now) -> PythonApp:
    app = PythonApp("clock")

    @app.tool(
        examples=[
            "wake me up at 7",
            "set an alarm for 6:30",
            "alarm at 22:00 called pills",
            "set an alarm for 7:15 tomorrow",
            "wake me at {time}",
            "alarm for {time} please",
            "can you set an alarm at {time} called {label}",
            "I need to be up by {time}",
        ],
        risk="write",
        data_classes=_DATA,
        inverse=Inverse("delete_alarm", {"time": "result.alarm_set.time", "label": "label"}),
    )
    def set_alarm(time: str, label: str | None = None) -> dict[str, Any]:
        """Set an alarm.

        Args:
            time: When it rings, HH:MM (24 hours).
            label: A name for the alarm, such as "gym".
        """
        alarm = {"time": parse_time(time).strftime("%H:%M"), "label": label, "enabled": True}
        with locked(path):
            data = _load(path)
            data["alarms"] = sorted([*data["alarms"], alarm], key=lambda a: str(a["time"]))
            write_json(path, data)
        return {"alarm_set": alarm}

    @app.tool(
        examples=["what alarms do I have", "show my alarms", "is my alarm set for tomorrow"],
        risk="read",
        data_classes=_DATA,
    )
    def list_alarms() -> list[dict[str, Any]]:
        """List the alarms that are set."""
        return _load(path)["alarms"]

    @app.tool(
        examples=["delete my 7am alarm", "turn off the gym alarm", "remove all my alarms"],
        risk="destructive",
        data_classes=_DATA,
    )
    def delete_alarm(time: str | None = None, label: str | None = None) -> dict[str, Any]:
        """Delete alarms by time or label; with neither, delete every alarm.

        Args:
            time: The alarm's time, HH:MM.
            label: The alarm's label.
        """
        with locked(path):
            data = _load(path)
            gone = [a for a in data["alarms"] if _matches(a, time, label)]
            if not gone:
                raise ToolError("No alarm matches that time or label")
            data["alarms"] = [a for a in data["alarms"] if a not in gone]
            write_json(path, data)
        return {"deleted": gone}

    @app.tool(
        examples=[
            "set a timer for 10 minutes",
            "start a 30 second timer",
            "timer for the pasta, 9 minutes",
            "remind me in 5 minutes with a timer",
            "timer {duration_seconds}",
            "set a {label} timer for {duration_seconds}",
            "count down {duration_seconds}",
        ],
        risk="write",
        data_classes=_DATA,
        inverse="cancel_timer",
    )
    def start_timer(duration_seconds: int, label: str | None = None) -> dict[str, Any]:
        """Start a countdown timer.

        Args:
            duration_seconds: How long, in seconds.
            label: A name for the timer, such as "pasta".
        """
        if not 0 < duration_seconds <= 24 * 3600:
            raise ToolError("A timer runs for 1 second to 24 hours")
        ends = now() + timedelta(seconds=duration_seconds)
        timer = {
            "label": label,
            "duration_seconds": duration_seconds,
            "ends_at": ends.isoformat(timespec="seconds"),
            "status": "running",
        }
        with locked(path):
            data = _load(path)
            data["timers"].append(timer)
            write_json(path, data)
        return {"timer_started": timer}

    @app.tool(
        examples=["cancel the timer", "stop the pasta timer", "never mind the timer"],
        risk="write",
        data_classes=_DATA,
    )
    def cancel_timer(label: str | None = None) -> dict[str, Any]:
        """Cancel a running timer: the one with this label, or the latest one.

        Args:
            label: The timer's label.
        """
        stamp = now().isoformat(timespec="seconds")
        with locked(path):
            data = _load(path)
            running = [
                t
                for t in data["timers"]
                if t["status"] == "running"
                and t["ends_at"] > stamp
                and (label is None or (t.get("label") or "").casefold() == label.casefold())
            ]
            if not running:
                raise ToolError("No timer is running" + (f" called {label!r}" if label else ""))
            running[-1]["status"] = "cancelled"
            write_json(path, data)
        return {"cancelled": running[-1]}

    return app
