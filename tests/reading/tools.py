"""A small tool the reading tests share: an alarm with a required time and a free-text label."""

from __future__ import annotations

from assistant_sdk.types import Tool

ALARM = Tool(
    "set_alarm",
    "Set an alarm.",
    "clock",
    {
        "type": "object",
        "properties": {
            "time": {"type": "string", "description": "When, HH:MM."},
            "label": {"type": "string", "description": "A name for it."},
        },
        "required": ["time"],
    },
)
