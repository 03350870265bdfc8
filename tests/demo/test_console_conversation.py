"""The console keeps one conversation: follow-ups, a new request at a question, ``:new``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.demo.test_console_session import environment

pytestmark = pytest.mark.slow


def console(data_dir: Path, lines: list[str]) -> str:
    return subprocess.run(
        [sys.executable, "-m", "demo", "--engine", "none"],
        input="\n".join([*lines, ":quit"]) + "\n",
        capture_output=True,
        text=True,
        env=environment(data_dir),
        timeout=180,
        check=True,
    ).stdout


def test_the_console_carries_a_follow_up_over_and_keeps_a_request_typed_at_a_question(
    tmp_path: Path, model_dir: Path
) -> None:
    out = console(
        tmp_path,
        [
            "what's the weather in Paris",
            "what about Texas?",
            ":trace",
            "call John",
            "what's on my calendar tomorrow",
            ":new",
            "and Friday?",
        ],
    )
    assert "get_weather(location='Texas') by the device" in out
    assert "carried over from turn 1" in out
    assert "Nothing was done." not in out and "list_events(date=" in out
    assert "new conversation" in out and "no earlier request to carry on from" in out
