"""Drive the real console process through a scripted session (stdin is a pipe)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant_sdk.settings import load_settings

pytestmark = pytest.mark.slow


def run_console(data_dir: Path, lines: list[str]) -> str:
    env = dict(os.environ)
    env["ASSISTANT_SDK_DATA"] = str(data_dir)
    env["ASSISTANT_SDK_CACHE"] = str(load_settings().cache_dir)
    env.pop("ANTHROPIC_API_KEY", None)
    env["COLUMNS"] = "200"
    out = subprocess.run(
        [sys.executable, "-m", "demo", "--engine", "none"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return out.stdout


def test_a_scripted_session_resolves_remembers_explains_and_quits(
    tmp_path: Path, model_dir: Path
) -> None:
    out = run_console(
        tmp_path,
        [
            "what alarms do I have",
            "book me a ride home",
            ":remember rides Uber",
            "book me a ride home",
            ":why",
            "order a pizza",
            ":quit",
        ],
    )
    assert "ran list_alarms()" in out
    first, _, second = out.partition("remembered rides -> Uber")
    assert "lyft_book_ride" in first.split("decision:")[1]
    assert second.index("uber_book_ride") < second.index("lyft_book_ride")
    assert "preferred because rides = Uber" in second
    assert "out of scope" in out and "No app on this device can do that." in out


def test_a_request_that_needs_the_engine_says_so_without_a_key(
    tmp_path: Path, model_dir: Path
) -> None:
    out = run_console(tmp_path, ["email my boss that I'll be late and move our 1:1", ":quit"])
    assert "and none is set (no API key)" in out and "It would send" in out


def test_with_an_engine_a_destructive_action_declined_at_the_prompt_is_not_run(
    tmp_path: Path, model_dir: Path
) -> None:
    from tests.engine.fake_anthropic import FakeAnthropic, Respond, message

    fake = FakeAnthropic()
    fake.script += [
        Respond(message(tools=[("tu_1", "delete_note", {"title": "Groceries"})])),
        Respond(message("All right, I kept the note.")),
    ]
    env = dict(
        os.environ,
        ASSISTANT_SDK_DATA=str(tmp_path),
        ANTHROPIC_API_KEY="test",
        ANTHROPIC_BASE_URL=fake.url,
        ASSISTANT_SDK_CACHE=str(load_settings().cache_dir),
        COLUMNS="200",
    )
    try:
        out = subprocess.run(
            [sys.executable, "-m", "demo", "--engine", "anthropic"],
            input="the groceries note can go, I do not need it anymore\nn\n:quit\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=True,
        ).stdout
    finally:
        fake.close()
    assert "delete_note({'title': 'Groceries'}) is destructive" in out
    assert "did not confirm" in out and "All right, I kept the note." in out
    tools_sent = [t["name"] for t in fake.requests()[0]["tools"]]
    assert "delete_note" in tools_sent and len(tools_sent) <= 11
