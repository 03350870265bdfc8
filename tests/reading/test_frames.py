"""Training frames from annotated examples, and the shapes the device must not act on."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from assistant_sdk import ToolDefinitionError
from assistant_sdk.reading.drafts import draft_of, render
from assistant_sdk.reading.frames import REFUSE, make_frames
from assistant_sdk.reading.values import Vocabulary
from assistant_sdk.reading.voices import vary
from assistant_sdk.types import Tool

ALARM = Tool(
    "set_alarm",
    "Set an alarm.",
    "clock",
    {
        "type": "object",
        "properties": {
            "time": {"type": "string", "description": "When, HH:MM."},
            "label": {"type": "string", "description": "The alarm's label."},
        },
        "required": ["time"],
    },
    examples=("wake me up at 7", "wake me at {time}", "set a {label} alarm for {time} please"),
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
    examples=(
        "text {recipient} {body}",
        "tell {recipient} that {body}",
        "what's {recipient}'s news",
    ),
)


def _said(frame_text: str, spans: tuple[tuple[str, int, int], ...]) -> dict[str, str]:
    return {label: frame_text[a:b] for label, a, b in spans}


def test_every_positive_frame_has_one_span_per_placeholder_of_its_example() -> None:
    frames = [f for f in make_frames([ALARM, MESSAGE], seed=1) if f.act]
    shapes = {frozenset({"time"}), frozenset({"time", "label"}), frozenset({"recipient", "body"})}
    shapes.add(frozenset({"recipient"}))
    assert len(frames) > 30
    for frame in frames:
        labels = [label for label, _, _ in frame.spans]
        assert len(labels) == len(set(labels)) and frozenset(labels) in shapes, frame
        for _, start, end in frame.spans:
            said = frame.text[start:end]
            assert said and said == said.strip() and said[-1] not in ",.?!", frame


def test_carrier_variation_never_edits_a_value_or_moves_its_span() -> None:
    values = {"recipient": "Jane Doe", "body": "running late, sorry"}
    rng = random.Random(7)
    for _ in range(300):
        draft = draft_of("could you text {recipient}: {body}, thanks", values.get)
        text, spans = render(vary(draft, rng))
        said = _said(text, spans)
        assert {k: v.lower() for k, v in said.items()} == {
            k: v.lower() for k, v in values.items()
        }, text


def test_voices_add_fillers_politeness_terse_forms_and_typos_to_carrier_words() -> None:
    rng = random.Random(3)
    draft = draft_of("set an alarm for {time} please", {"time": "7"}.get)
    texts = {render(vary(draft, rng))[0].lower() for _ in range(400)}
    assert any(t.startswith(("so ", "um ", "okay", "hey ")) for t in texts)
    assert any(t.startswith(("can you", "could you")) for t in texts)
    assert any(t.startswith("set alarm 7") for t in texts)
    words = {w for t in texts for w in t.split()}
    assert words & {"alram", "alarrm", "alar", "aalrm", "setet"} or any(
        w not in {"set", "an", "alarm", "for", "7", "please"} and w.isalpha() and len(w) > 3
        for w in words
    )


def test_a_placeholder_glued_to_text_keeps_the_text_outside_its_span() -> None:
    text, spans = render(draft_of("what's {recipient}'s number", {"recipient": "my sister"}.get))
    assert text == "what's my sister's number"
    assert _said(text, spans) == {"recipient": "my sister"}


def test_negative_frames_tag_the_words_that_forbid_acting_and_positives_have_none() -> None:
    frames = make_frames([ALARM, MESSAGE], negatives=1.0, seed=3)
    for frame in frames:
        refusals = [(a, b) for label, a, b in frame.spans if label == REFUSE]
        assert bool(refusals) is (not frame.act), frame
        for a, b in refusals:
            for label, x, y in frame.spans:
                assert label == REFUSE or y <= a or x >= b, frame  # never inside a value


def test_refusal_shapes_are_diverse_so_no_single_word_stands_for_them() -> None:
    frames = make_frames([ALARM, MESSAGE], per_example=40, negatives=1.0, seed=4)
    first_words = {
        f.text[a:b].split()[0].casefold().strip(",")
        for f in frames
        for label, a, b in f.spans
        if label == REFUSE
    }
    assert len(first_words) >= 25
    spans = [
        set(f.text[a:b].casefold().replace(",", " ").split())
        for f in frames
        for label, a, b in f.spans
        if label == REFUSE
    ]
    counts = Counter(word for said in spans for word in said)
    assert max(counts.values()) < 0.2 * len(spans)  # no word is in a fifth of the refusals


def test_the_users_own_names_fill_person_parameters_in_their_forms() -> None:
    vocabulary = Vocabulary(people=("mom",), names=("Jane Doe",))
    frames = make_frames([MESSAGE], vocabulary, per_example=60, seed=4)
    said = {
        f.text[a:b].casefold() for f in frames for label, a, b in f.spans if label == "recipient"
    }
    assert {"mom", "my mom", "jane doe", "jane"} <= said


def test_frames_are_the_same_for_the_same_seed_and_differ_for_another() -> None:
    assert make_frames([ALARM, MESSAGE], seed=5) == make_frames([ALARM, MESSAGE], seed=5)
    assert make_frames([ALARM, MESSAGE], seed=5) != make_frames([ALARM, MESSAGE], seed=6)


def test_a_plain_example_of_a_tool_with_parameters_trains_nothing() -> None:
    assert all(f.text.lower() != "wake me up at 7" for f in make_frames([ALARM], seed=2))


@pytest.mark.parametrize("example", ["wake me at {when}", "wake me at {time", "wake me at time}"])
def test_a_bad_example_is_refused_with_the_tools_definition_error(example: str) -> None:
    bad = Tool("set_alarm", "Set an alarm.", "clock", ALARM.parameters, examples=(example,))
    with pytest.raises(ToolDefinitionError, match="set_alarm"):
        make_frames([bad])


def test_a_second_request_inside_a_refused_frame_lends_no_argument_to_the_first() -> None:
    tools = {t.name: t for t in (ALARM, MESSAGE)}
    for frame in make_frames(list(tools.values()), per_example=20, negatives=1.0, seed=8):
        allowed = {*tools[frame.tool].parameter_names, REFUSE}
        assert {label for label, _, _ in frame.spans} <= allowed, frame


def test_a_second_request_refuses_from_its_connective_through_its_first_words() -> None:
    from assistant_sdk.reading.refusals import LEAD, _second

    first = draft_of("wake me at {time}", {"time": "7"}.get)
    other = draft_of("text {recipient} {body}", {"recipient": "Sam", "body": "on my way"}.get)
    text, spans = render(_second(first, other, random.Random(0)))
    (refusal,) = [text[a:b] for label, a, b in spans if label == REFUSE]
    assert refusal.endswith(" ".join(["text", "Sam", "on my way"][:LEAD]))
    assert _said(text, spans) == {"time": "7", REFUSE: refusal}
