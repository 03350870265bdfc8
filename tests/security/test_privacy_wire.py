"""Zero withheld bytes on the wire: randomly formatted tool results go through the real
engines to the fake Anthropic and OpenAI-compatible servers on 127.0.0.1, and an oracle of its
own reads every byte they received."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from assistant_sdk import PrivacyPolicy
from assistant_sdk.engines import Message, OpenAICompatibleEngine, ToolCall, ToolResult
from assistant_sdk.engines.anthropic import AnthropicEngine
from assistant_sdk.errors import PrivacyLeakError
from assistant_sdk.privacy import Destination, WireGuard
from assistant_sdk.privacy.request import RequestPrivacy
from assistant_sdk.types import Tool
from tests.engine.fake_anthropic import FakeAnthropic
from tests.engine.fake_openai import FakeOpenAI
from tests.security.withheld_forms import FACTS, PEOPLE, leaks, tool_results, withheld_values

READ_MAIL = Tool("read_mail", "Read the user's recent e-mail.", "mail", data_classes=frozenset())
EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def claude() -> Iterator[FakeAnthropic]:
    server = FakeAnthropic()
    yield server
    server.close()


@pytest.fixture(scope="module")
def local() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    yield server
    server.close()


def conversation(content: str) -> list[Message]:
    call = ToolCall("c1", "read_mail", {})
    return [
        Message("user", "what did the shop send me?"),
        Message("assistant", "", (call,)),
        Message("user", tool_results=(ToolResult("c1", content),)),
    ]


def send_to_claude(
    loop: asyncio.AbstractEventLoop,
    fake: FakeAnthropic,
    privacy: RequestPrivacy,
    messages: list[Message],
) -> bytes:
    from anthropic import AsyncAnthropic

    async def go() -> None:
        client = AsyncAnthropic(base_url=fake.url, api_key="test-key")
        engine = AnthropicEngine(client, timeout=3.0, max_retries=0)
        sent, tools, facts = privacy.guard.check_inputs(messages, [READ_MAIL], privacy.fact_lines())
        await engine.complete(sent, tools, facts, guard=privacy.guard)
        await client.close()

    loop.run_until_complete(go())
    return fake.bodies[-1]


def send_to_local(
    loop: asyncio.AbstractEventLoop, fake: FakeOpenAI, privacy: RequestPrivacy, content: str
) -> bytes:
    async def go() -> None:
        engine = OpenAICompatibleEngine(fake.url, model="llama", max_retries=0)
        sent, tools, facts = privacy.guard.check_inputs(
            conversation(content), [READ_MAIL], privacy.fact_lines()
        )
        await engine.complete(sent, tools, facts, guard=privacy.guard)
        await engine.aclose()

    loop.run_until_complete(go())
    return fake.raw[-1]


def cloud() -> RequestPrivacy:
    return RequestPrivacy.open(
        PrivacyPolicy(), Destination.CLOUD, FACTS, PEOPLE, [f.key for f in FACTS]
    )


@EXAMPLES
@given(result=tool_results())
def test_no_withheld_value_in_a_structured_tool_result_reaches_claude(
    loop: asyncio.AbstractEventLoop, claude: FakeAnthropic, result: Any
) -> None:
    privacy = cloud()
    content = privacy.encode_content(json.dumps(result, ensure_ascii=False))
    assert leaks(send_to_claude(loop, claude, privacy, conversation(content))) == []


@EXAMPLES
@given(result=tool_results())
def test_the_wire_guard_alone_stops_values_the_pseudonymizer_never_saw(
    loop: asyncio.AbstractEventLoop, claude: FakeAnthropic, result: Any
) -> None:
    privacy = cloud()
    raw = json.dumps(result, ensure_ascii=False)  # not encoded: only the last mile stands
    assert leaks(send_to_claude(loop, claude, privacy, conversation(raw))) == []


@EXAMPLES
@given(value=withheld_values())
def test_a_withheld_value_in_plain_text_after_an_escape_never_reaches_claude(
    loop: asyncio.AbstractEventLoop, claude: FakeAnthropic, value: str
) -> None:
    privacy = cloud()
    messages = [Message("user", privacy.encode(f"Ship to:\n{value}\n\tthanks"))]
    assert leaks(send_to_claude(loop, claude, privacy, messages)) == []


@EXAMPLES
@given(result=tool_results())
def test_the_local_engine_never_receives_what_the_policy_keeps_on_the_device(
    loop: asyncio.AbstractEventLoop, local: FakeOpenAI, result: Any
) -> None:
    privacy = RequestPrivacy.open(
        PrivacyPolicy(), Destination.LOCAL, FACTS, PEOPLE, [f.key for f in FACTS]
    )
    body = send_to_local(loop, local, privacy, json.dumps(result, ensure_ascii=False))
    # names, numbers and home may go to a local engine; the health facts may not
    assert leaks(body, names=False, places=False) == []


def test_the_shop_email_with_an_escaped_newline_goes_out_as_placeholders(
    loop: asyncio.AbstractEventLoop, claude: FakeAnthropic
) -> None:
    privacy = cloud()
    snippet = {"snippet": "Ship to:\nJane Doe\n12 Oak Street\nphone 555\u20130104"}
    content = privacy.encode_content(json.dumps(snippet))
    body = send_to_claude(loop, claude, privacy, conversation(content))
    sent = json.loads(json.loads(body)["messages"][-1]["content"][0]["content"])
    assert sent == {"snippet": "Ship to:\nCONTACT_1\nPLACE_HOME\nphone PHONE_1"}


def test_refusing_guard_raises_a_typed_error_and_sends_nothing(
    loop: asyncio.AbstractEventLoop, claude: FakeAnthropic
) -> None:
    privacy = cloud()
    guard = WireGuard.for_request(
        PrivacyPolicy(), Destination.CLOUD, FACTS, privacy.names, PEOPLE, refuse=True
    )
    before = len(claude.bodies)
    with pytest.raises(PrivacyLeakError) as caught:
        guard.check({"messages": [{"content": "Oak Street 12, then José\u00a0Álvarez"}]})
    assert set(caught.value.kinds) == {"address", "name"}
    assert "Álvarez" not in str(caught.value) and len(claude.bodies) == before


def test_a_withheld_places_key_never_becomes_a_placeholder_name() -> None:
    privacy = cloud()
    assert privacy.encode("meet at 40 Elm Road") == "meet at PLACE_1"  # not PLACE_HIV_CLINIC
    assert privacy.encode("home is 12 Oak Street") == "home is PLACE_HOME"


def test_the_ledger_counts_what_the_guard_replaced_and_the_placeholders_on_the_wire(
    loop: asyncio.AbstractEventLoop, claude: FakeAnthropic
) -> None:
    privacy = cloud()
    raw = json.dumps({"to": "JANE DOE", "at": "Oak St. 12"})  # not encoded on purpose
    mark = privacy.guard.mark()
    send_to_claude(loop, claude, privacy, conversation(raw))
    entry = privacy.ledger("anthropic", [READ_MAIL], privacy.guard.since(mark))
    assert entry.values_replaced == 2
    assert entry.placeholders == ("CONTACT_1", "PLACE_HOME")
    checked = privacy.guard.since(mark).data
    assert json.loads(claude.bodies[-1]) == json.loads(checked)  # the server got what was checked
    assert entry.bytes_sent == len(checked)
    assert set(entry.facts_withheld) == {"hiv clinic", "diagnosis"}


def test_a_number_right_before_an_address_leaves_both_replaced() -> None:
    privacy = cloud()
    encoded = privacy.encode("call +1 555 0104 12 Oak Street or 555-0104/40 Elm Rd")
    assert encoded == "call PHONE_1 PLACE_HOME or PHONE_1/PLACE_1"


def test_every_written_form_of_a_known_value_gets_its_placeholder() -> None:
    privacy = cloud()
    forms = {
        "Jane\u00a0DOE": "CONTACT_1",
        "Zoe\u0308 Mu\u0308ller": "CONTACT_2",  # NFD
        "555\u20130104": "PHONE_1",
        "(555) 0104": "PHONE_1",
        "Oak Street 12": "PLACE_HOME",
        "12, Oak St.": "PLACE_HOME",
        "JANE.DOE@EXAMPLE.COM": "EMAIL_1",
    }
    for written, placeholder in forms.items():
        assert privacy.encode(f"to: {written}!").startswith(f"to: {placeholder}"), written
