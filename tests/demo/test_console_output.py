"""What the console prints for a reply: who decided, questions in the user's words, results."""

from __future__ import annotations

import io
import json

from rich.console import Console

from assistant_sdk import Decision, Reply, Resolution, Tool, ToolRegistry
from assistant_sdk.conversation._options import choose
from assistant_sdk.plan import Clarification
from assistant_sdk.trace import Step
from demo.console import _result_lines, decision, show

WEATHER = Tool("get_weather", "Get the weather for a place on a day.", "weather")
FORECAST = Tool("get_forecast", "Get a day-by-day forecast starting today.", "weather")


def resolution(kind: Decision = Decision.CLARIFY) -> Resolution:
    return Resolution("weather this weekend", (), (), kind)


def printed(reply: Reply) -> str:
    out = io.StringIO()
    show(Console(file=out, width=200, color_system=None), reply)
    return out.getvalue()


def two_tools() -> Reply:
    question = Clarification(
        "Did you mean Get the weather for a place on a day or Get a day-by-day forecast?",
        ("get_weather", "get_forecast"),
        "weather this weekend",
        tools=(WEATHER, FORECAST),
    )
    return Reply(question.question, resolution(), "device", clarification=question)


def test_a_question_between_two_tools_lists_them_in_their_own_words() -> None:
    text = printed(two_tools())
    assert "1. Get the weather for a place on a day" in text
    assert "2. Get a day-by-day forecast starting today" in text
    assert "get_weather" not in text and "get_forecast" not in text


def test_a_tool_may_be_chosen_by_its_number_or_its_words() -> None:
    question = two_tools().clarification
    assert question is not None
    # the console hands what is typed at choose> to the conversation, which reads it so
    assert choose("2", question, ToolRegistry()) == "get_forecast"
    words = "get the weather for a place on a day"
    assert choose(words, question, ToolRegistry()) == "get_weather"
    assert choose("neither", question, ToolRegistry()) is None


def test_the_decision_is_read_from_what_planned_the_request() -> None:
    device = Step("plan", "send_message", 1.0, {"planned_by": "device", "arguments": {}})
    engine = Step("plan", "send_message", 1.0, {"planned_by": "engine", "reason": "unsure"})
    answer = Step("answer", "boss", 1.0, {"planned_by": "device"})
    assert decision(device) == "on device"
    assert decision(engine) == "needs the engine"
    assert decision(answer) == "on device, from your facts"
    assert decision(Step("plan", "clarify", 1.0, {"options": []})) == "ask you"
    nothing = Reply(
        "No app on this device can do that.", resolution(Decision.OUT_OF_SCOPE), "device"
    )
    assert decision(nothing) == "out of scope"


def test_a_list_result_is_shown_one_item_a_line() -> None:
    days = [{"date": f"2030-05-{d:02}"} for d in range(1, 10)]
    lines = _result_lines(json.dumps(days))
    assert lines[:2] == ['{"date": "2030-05-01"}', '{"date": "2030-05-02"}']
    assert lines[-1] == "... and 2 more" and len(lines) == 8
    assert _result_lines('{"state": "paused"}') == ['{"state": "paused"}']
    assert _result_lines("not json " * 40) == [("not json " * 40)[:200]]
