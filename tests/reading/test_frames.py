"""Training frames from annotated examples, and the shapes the device must not act on."""

from __future__ import annotations

from assistant_sdk.reading.frames import REFUSE, make_frames
from assistant_sdk.reading.values import Vocabulary
from assistant_sdk.types import Tool

ALARM = Tool(
    "set_alarm",
    "Set an alarm.",
    "clock",
    {
        "type": "object",
        "properties": {"time": {"type": "string", "description": "When, HH:MM."}},
        "required": ["time"],
    },
    examples=("wake me up at 7", "wake me at {time}", "alarm for {time} please"),
)
MESSAGE = Tool(
    "send_message",
    "Send a text message.",
    "messages",
    {
        "type": "object",
        "properties": {
            "recipient": {"type": "string", "description": "Who to text."},
            "body": {"type": "string", "description": "The message text."},
        },
        "required": ["recipient", "body"],
    },
    examples=("text {recipient} {body}",),
)


def test_every_positive_frame_marks_its_values_where_the_placeholders_were() -> None:
    frames = [f for f in make_frames([ALARM], seed=1) if f.act]
    assert frames and all(f.text.lower().startswith(("wake me at", "alarm for")) for f in frames)
    for frame in frames:
        ((label, start, end),) = frame.spans
        assert label == "time" and frame.text[start:end].strip() == frame.text[start:end]


def test_a_plain_example_of_a_tool_with_parameters_trains_nothing() -> None:
    assert all(f.text != "wake me up at 7" for f in make_frames([ALARM], seed=2))


def test_negative_frames_tag_the_words_that_forbid_acting() -> None:
    frames = make_frames([ALARM, MESSAGE], negatives=1.0, seed=3)
    refused = [f for f in frames if not f.act]
    assert refused
    for frame in refused:
        assert any(label == REFUSE for label, _, _ in frame.spans), frame.text


def test_the_users_own_names_fill_person_parameters() -> None:
    frames = make_frames([MESSAGE], Vocabulary(people=("mom",)), per_example=40, seed=4)
    said = {f.text[a:b] for f in frames for label, a, b in f.spans if label == "recipient"}
    assert "mom" in said


def test_frames_are_the_same_for_the_same_seed() -> None:
    assert make_frames([ALARM, MESSAGE], seed=5) == make_frames([ALARM, MESSAGE], seed=5)
