"""Validation frames are judged only where the act threshold decides at run time."""

from __future__ import annotations

from assistant_sdk.reading.frames import Frame
from assistant_sdk.reading.judge import RunTimeJudge

from .tools import ALARM

TOOL = ALARM


def _frame(text: str, value: str, act: bool = True) -> Frame:
    start = text.index(value)
    return Frame(text, TOOL.name, (("time", start, start + len(value)),), act)


def _judge() -> RunTimeJudge:
    return RunTimeJudge(lambda text, tool: 1.0, [])


def test_a_frame_the_whole_request_reading_completes_alone_is_not_judged() -> None:
    assert not _judge().worth(TOOL, _frame("set an alarm at 7:00", "7:00"))


def test_a_frame_the_whole_request_reading_leaves_incomplete_is_judged() -> None:
    assert _judge().worth(TOOL, _frame("could u set an alarm at 7:00", "7:00"))  # "u" unplaced


def test_a_frame_with_a_sign_that_one_call_would_not_do_is_not_judged() -> None:
    assert not _judge().worth(TOOL, _frame("set an alarm at 7:00 and text mom", "7:00", False))


def test_a_frame_whose_own_value_no_typed_reader_can_read_is_not_judged() -> None:
    assert not _judge().worth(TOOL, _frame("set an alarm at dawnish", "dawnish"))
