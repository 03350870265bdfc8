"""Earlier turns reach Claude (a fake Messages API server on 127.0.0.1, spoken to by the real
anthropic client) as real turns, with the same placeholders and a prefix that only grows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant_sdk import Conversation, Destination, PrivacyPolicy
from assistant_sdk.engines.anthropic import AnthropicEngine
from assistant_sdk.prompts import FACTS_HEADER
from tests.engine.fake_anthropic import FakeAnthropic, Respond, message

from .conftest import Phone

pytestmark = pytest.mark.slow

EMAIL = "email my boss that I'll be late tomorrow"


def blocks(body: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [c for m in body["messages"] for c in m["content"] if c["type"] == kind]


def unmarked(value: Any) -> str:
    """JSON of ``value`` without its cache breakpoints: they mark where a cached prefix ends,
    and the API does not count them as part of it."""
    return json.dumps(json.loads(json.dumps(value), object_hook=_drop_marker))


def _drop_marker(obj: dict[str, Any]) -> dict[str, Any]:
    obj.pop("cache_control", None)
    return obj


def send_email_script(fake: FakeAnthropic, to: str = "CONTACT_1") -> None:
    arguments = {"to": to, "subject": "Late", "body": "I'll be late tomorrow."}
    call_id = f"toolu_{len(fake.script) + len(fake.bodies)}"
    fake.script += [
        Respond(message(tools=[(call_id, "outlook_send_email", arguments)])),
        Respond(message("Sent.")),
    ]


def test_an_engine_turn_after_a_device_turn_receives_it_as_a_tool_use_and_result_pair(
    phone: Phone, claude: AnthropicEngine, fake: FakeAnthropic
) -> None:
    conversation = phone.assistant(claude).conversation()
    conversation.handle("what's on my calendar tomorrow")
    fake.script.append(Respond(message("You have the dentist at 9:30.")))
    conversation.handle("summarise that for me in one sentence")
    body = fake.requests()[-1]
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["user", "assistant", "user", "assistant", "user"]
    (use,) = blocks(body, "tool_use")
    (result,) = blocks(body, "tool_result")
    assert use["name"] == "list_events" and use["input"] == {"date": "2026-03-05"}
    assert result["tool_use_id"] == use["id"] and "Dentist" in result["content"]


def test_turn_two_starts_with_the_exact_bytes_turn_one_sent(
    phone: Phone, claude: AnthropicEngine, fake: FakeAnthropic
) -> None:
    phone.answer = True
    conversation = phone.assistant(claude).conversation()
    send_email_script(fake)
    conversation.handle(EMAIL)
    fake.script.append(Respond(message("You told CONTACT_1 you will be late.")))
    reply = conversation.handle("what did I just tell him?")
    first, second = fake.requests()[1], fake.requests()[2]
    prefix = unmarked(first["messages"])[:-1]  # the list, still open
    assert unmarked(second["messages"]).startswith(prefix)
    assert second["system"] == first["system"]
    assert "Alex Kim" not in json.dumps(second) and reply.text.strip() == (
        "You told Alex Kim you will be late."
    )


def test_a_person_keeps_one_placeholder_across_the_whole_conversation(
    phone: Phone, claude: AnthropicEngine, fake: FakeAnthropic
) -> None:
    phone.answer = True
    conversation = phone.assistant(claude).conversation()
    send_email_script(fake)
    conversation.handle(EMAIL)
    send_email_script(fake)
    conversation.handle("email my boss again that the meeting moved")
    bodies = [json.dumps(b) for b in fake.requests()]
    assert all("Alex Kim" not in b for b in bodies)
    placeholders = [u["input"]["to"] for u in blocks(fake.requests()[-1], "tool_use")]
    assert placeholders == ["CONTACT_1", "CONTACT_1"]
    assert "boss: CONTACT_1" in bodies[-1]
    assert [a.arguments["to"] for a in conversation.actions] == ["Alex Kim", "Alex Kim"]


def test_a_turn_the_policy_keeps_from_the_cloud_is_left_out_of_the_history_sent_there(
    phone: Phone, claude: AnthropicEngine, fake: FakeAnthropic
) -> None:
    policy = PrivacyPolicy().with_limits(calendar=Destination.DEVICE)
    conversation = phone.assistant(claude, policy=policy).conversation()
    conversation.handle("what's on my calendar tomorrow")
    fake.script.append(Respond(message("It will be mild.")))
    conversation.handle("will it be cold in Paris next week")
    body = json.dumps(fake.requests()[-1])
    assert "Dentist" not in body and "list_events" not in body


def test_the_ledger_is_kept_per_turn_and_summed_over_the_conversation(
    phone: Phone, claude: AnthropicEngine, fake: FakeAnthropic
) -> None:
    phone.answer = True
    conversation = phone.assistant(claude).conversation()
    send_email_script(fake)
    first = conversation.handle(EMAIL)
    conversation.handle("what's the weather in Paris")
    assert len(first.ledger) == 2 and conversation.turns[1].ledger == ()
    assert conversation.ledger == first.ledger
    assert conversation.usage.input_tokens == 200


def test_a_saved_conversation_keeps_its_ledger_and_the_bytes_it_sent(
    phone: Phone, claude: AnthropicEngine, fake: FakeAnthropic, tmp_path: Path
) -> None:
    phone.answer = True
    assistant = phone.assistant(claude)
    conversation = assistant.conversation()
    send_email_script(fake)
    conversation.handle(EMAIL)
    conversation.save(tmp_path / "c.json")
    loaded = Conversation.load(tmp_path / "c.json", assistant)
    assert loaded.ledger == conversation.ledger and loaded.usage == conversation.usage
    fake.script.append(Respond(message("You told CONTACT_1 you will be late.")))
    loaded.handle("what did I just tell him?")
    first, after = fake.requests()[1], fake.requests()[2]
    assert unmarked(after["messages"]).startswith(unmarked(first["messages"])[:-1])


def test_facts_new_in_a_later_turn_ride_in_its_message_and_the_first_stay_put(
    phone: Phone, claude: AnthropicEngine, fake: FakeAnthropic
) -> None:
    conversation = phone.assistant(claude, plan_on_device=False).conversation()
    fake.script.append(Respond(message("Which subject?")))
    conversation.handle(EMAIL)
    fake.script.append(Respond(message("Booked.")))
    conversation.handle("book me a ride home")
    first, second = fake.requests()
    assert unmarked(second["messages"][0]) == unmarked(first["messages"][0])  # facts unchanged
    new = second["messages"][-1]["content"][-1]["text"]
    assert new.startswith(FACTS_HEADER) and "home: PLACE_HOME" in new
    assert new.endswith("book me a ride home") and "boss:" not in new
