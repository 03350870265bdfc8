"""Drive the real console process through scripted sessions: in a pseudo-terminal with pexpect
(as a person types, with the prompt_toolkit line editor), and through a pipe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from assistant_sdk.settings import load_settings

pytestmark = pytest.mark.slow


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ANTHROPIC_API_KEY", None)
    env.update(
        ASSISTANT_SDK_DATA=str(data_dir),
        ASSISTANT_SDK_CACHE=str(load_settings().cache_dir),
        COLUMNS="200",
        PROMPT_TOOLKIT_NO_CPR="1",
        **extra,
    )
    return env


_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|[\r\x07\x08]")


class Terminal:
    """The console in a pseudo-terminal. ``wait`` reads until ``text`` appears in the screen
    output with the terminal's escape sequences taken out (colours, the line editor's moves)."""

    def __init__(self, data_dir: Path, *extra: str) -> None:
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "demo", "--engine", "none", "--now", "2026-03-04T09:00", *extra],
            env=environment(data_dir),
            encoding="utf-8",
            timeout=60,
            dimensions=(50, 200),
        )
        self.raw = ""
        self.cursor = 0
        self.wait("you>")

    def plain(self) -> str:
        return _ESCAPES.sub("", self.raw)

    def wait(self, text: str) -> str:
        while True:
            plain = self.plain()
            found = plain.find(text, self.cursor)
            if found >= 0:
                seen = plain[self.cursor : found + len(text)]
                self.cursor = found + len(text)
                return seen
            try:
                self.raw += self.child.read_nonblocking(65536, timeout=60)
            except (pexpect.EOF, pexpect.TIMEOUT) as exc:
                message = f"{text!r} never came; the console printed:\n{plain}"
                raise AssertionError(message) from exc

    def say(self, line: str, *expected: str) -> str:
        """Type ``line``; wait for each of ``expected`` in order, then for the next prompt."""
        self.child.sendline(line)
        seen = "".join(self.wait(text) for text in expected)
        return seen + self.wait("you>")

    def quit(self) -> int:
        self.child.sendline(":quit")
        self.child.expect(pexpect.EOF)
        self.child.close()
        return int(self.child.exitstatus or 0)


def test_a_typed_session_on_the_device(tmp_path: Path, model_dir: Path) -> None:
    console = Terminal(tmp_path)
    console.say(
        "text mom running late",
        "decision: on device",
        "send_message(recipient='Jane Doe', body='running late') by the device",
        "left the device: nothing (0 tokens)",
    )
    console.say(
        "book me a ride home",
        "lyft_book_ride(destination='12 Oak Street, Springfield') by the device",
        '"pickup": "1 Station Square, Springfield"',
        "sample data",
    )
    console.say(":remember rides Uber", "remembered rides -> Uber")
    console.say("book me a ride home", "uber_book_ride(destination='12 Oak Street, Springfield')")
    assert "uber_book_ride" in console.say(":why", "preferred because rides = Uber")
    console.child.sendline("delete the Shopping note")
    console.wait("delete_note(title='Shopping') is destructive.")
    console.wait("Allow it? [y/N]")
    console.say("n", "not run: The user did not confirm delete_note")
    console.child.sendline("call John")
    console.wait("Which one do you mean")
    console.wait("choose>")
    console.say("2", "call_contact(name='John Smith')")
    console.say(
        "email my boss a summary of my meetings today",
        "Not run: this request needs an engine, and none is set (no API key).",
        "It would send",
    )
    console.say(":policy health local", "saved to", "health       local")
    assert console.quit() == 0
    assert 'health = "local"' in (tmp_path / "demo" / "policy.toml").read_text()


def test_commands_help_apps_facts_and_trace(tmp_path: Path, model_dir: Path) -> None:
    console = Terminal(tmp_path)
    console.say(":help", ":voice FILE.wav")
    console.say(":apps", "lyft: lyft_book_ride", "outlook: outlook_read_inbox")
    console.say(":facts", "mom -> Jane Doe")
    console.say("what alarms do I have", "list_alarms() by the device")
    console.say(":trace", "resolve", "plan", "tool")
    console.say(":policy food cloud", "Unknown data classes ['food']")
    assert console.quit() == 0


def test_with_an_engine_a_destructive_action_declined_at_the_prompt_is_not_run(
    tmp_path: Path, model_dir: Path
) -> None:
    from tests.engine.fake_anthropic import FakeAnthropic, Respond, message

    fake = FakeAnthropic()
    fake.script += [
        Respond(message(tools=[("tu_1", "delete_note", {"title": "Groceries"})])),
        Respond(message("All right, I kept the note.")),
    ]
    env = environment(tmp_path, ANTHROPIC_API_KEY="test", ANTHROPIC_BASE_URL=fake.url)
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
    assert "delete_note(title='Groceries') is destructive" in out
    assert "did not confirm" in out and "All right, I kept the note." in out
    assert "left the device for the cloud" in out and "tokens in" in out
    tools_sent = [t["name"] for t in fake.requests()[0]["tools"]]
    assert "delete_note" in tools_sent and len(tools_sent) <= 11


def test_a_new_users_first_requests_get_what_they_expect_offline(
    tmp_path: Path, model_dir: Path
) -> None:
    """The rows of the first-five-minutes table, typed into one fresh offline session."""
    console = Terminal(tmp_path)
    jazz = console.say("play some jazz", "play_music(query='jazz')", '"artist": "Miles Davis"')
    assert "Queen" not in jazz
    console.say("play some polka", "Nothing in your library matches polka; nothing was played")
    ride = console.say("book me a ride home", "lyft_book_ride(destination='12 Oak Street, Springf")
    assert '"pickup": "1 Station Square, Springfield"' in ride and "same place" not in ride
    console.say(
        "what's the weather in Springfield tomorrow",
        "decision: on device",
        "get_forecast(location='Springfield', when='tomorrow')",
        '"date": "2026-03-05"',
    )
    console.say(
        "who is my boss",
        "decision: on device, from your facts",
        "answer: from the fact boss (contacts",
        "Your boss is Alex Kim.",
        "left the device: nothing (0 tokens)",
    )
    console.say(
        "what's my home address",
        "Your home address is 12 Oak Street, Springfield.",
        "left the device: nothing (0 tokens)",
    )
    planned = console.say("what alarms do I have", "decision: on device", "by the device")
    assert "needs the engine" not in planned
    assert console.quit() == 0


def test_the_weather_this_weekend_is_saturdays_and_sundays_forecast_offline(
    tmp_path: Path, model_dir: Path
) -> None:
    console = Terminal(tmp_path)  # Wednesday 4 March 2026: the weekend is the 7th and the 8th
    seen = console.say("what's the weather like this weekend", "decision:")  # to the prompt
    assert console.quit() == 0
    expected = ["decision: on device", "get_forecast(", '"date": "2026-03-07"']
    expected += ['"date": "2026-03-08"', "left the device: nothing (0 tokens)"]
    positions = [seen.find(text) for text in expected]
    assert -1 not in positions and positions == sorted(positions), seen
    assert '"date": "2026-03-09"' not in seen


def test_a_request_the_device_planned_is_never_shown_as_needing_the_engine(
    tmp_path: Path, model_dir: Path
) -> None:
    console = Terminal(tmp_path)
    seen = console.say(
        "tell sis lunch tomorrow is still on",
        "decision: on device",
        "send_message(recipient='Sam Lee', body='lunch tomorrow is still on') by the device",
    )
    assert "needs the engine" not in seen
    console.say(":why", "the resolver's view: unsure")
    assert console.quit() == 0


def test_the_derived_data_setting_is_shown_set_saved_and_checked(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "demo", "--engine", "none"],
        input=":policy health derived\n:policy health derived text\n"
        ":policy finance derived sometimes\n:policy\n:quit\n",
        capture_output=True,
        text=True,
        env=environment(tmp_path),
        timeout=120,
        check=True,
    ).stdout
    assert "health: a local model's answer may go to the cloud as: count" in out
    assert "health: a local model's answer may go to the cloud as: text" in out
    assert "derived-data setting 'sometimes'; use no, count or text" in out
    assert "derived answers" in out
    saved = (tmp_path / "demo" / "policy.toml").read_text()
    assert '[derived]\nhealth = "text"' in saved and "finance" not in saved


def test_the_console_lists_and_forgets_what_it_learned_from_the_engine(
    tmp_path: Path, model_dir: Path
) -> None:
    from tests.engine.fake_anthropic import FakeAnthropic, Respond, message

    fake = FakeAnthropic()
    fake.script += [
        Respond(message(tools=[("tu_1", "list_alarms", {})])),
        Respond(message("You have two alarms.")),
    ]
    env = environment(tmp_path, ANTHROPIC_API_KEY="test", ANTHROPIC_BASE_URL=fake.url)
    lines = ["will anything wake me up early", ":learned", ":forget learned", ":learned", ":quit"]
    try:
        out = subprocess.run(
            [sys.executable, "-m", "demo", "--engine", "anthropic"],
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=True,
        ).stdout
    finally:
        fake.close()
    assert "You have two alarms." in out
    assert out.count("list_alarms <- 'will anything wake me up early'") == 1
    assert "forgot 1 learned example(s)" in out
