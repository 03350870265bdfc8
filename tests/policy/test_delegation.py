"""Local models as tools of the cloud engine, proved at the wire: the real Anthropic client
talks to a fake Messages API server and the real OpenAI-compatible engine to a fake local
server, both on 127.0.0.1, and the assertions read the bytes each one received."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from app_adapters import PythonApp
from assistant_sdk import (
    Assistant,
    Destination,
    Fact,
    FactKind,
    FactStore,
    OpenAICompatibleEngine,
    PrivacyPolicy,
    Pseudonymizer,
    Resolver,
    ToolRegistry,
)
from assistant_sdk.engines.anthropic import AnthropicEngine
from assistant_sdk.privacy.delegate import DelegationEntry, HelperLimits
from assistant_sdk.privacy.derived import Derived
from assistant_sdk.trace import LocalPrice
from assistant_sdk.types import Tool
from embeddings.base import Embedder
from tests.engine.fake_anthropic import FakeAnthropic, Respond, message
from tests.engine.fake_openai import FakeOpenAI, completion

pytestmark = pytest.mark.slow

JOURNAL = [
    {"date": "2026-03-02", "entry": "migraine after the Riverside Clinic visit", "pain": 7},
    {"date": "2026-03-04", "entry": "migraine with aura at work", "pain": 5},
]
ALLERGY = Fact("allergies", "penicillin and peanuts", FactKind.NOTE, "health")
RAW = [b"Riverside Clinic", b"with aura", b"penicillin", b"peanuts"]
REQUEST = "look through my health journal for migraines and book a follow-up with my doctor"
QUESTION = "How many migraines did I log in the last 7 days?"


class Phone:
    """A health journal the cloud may not read, a calendar it may use, and the user's answers
    to confirmation questions."""

    def __init__(self, embedder: Embedder) -> None:
        self.journal_reads = 0
        self.logged: list[str] = []
        self.booked: list[dict[str, str]] = []
        self.asked: list[str] = []
        self.registry = ToolRegistry()
        self.registry.add_app(self._health())
        self.registry.add_app(self._calendar())
        facts = FactStore(":memory:")
        facts.remember(ALLERGY)
        facts.remember(Fact("doctor", "Dr. Lee", FactKind.PREFERENCE, "preferences"))
        facts.remember(Fact("physio", "Sam Ortiz", FactKind.ALIAS, "contacts"))
        self.facts = facts
        self.resolver = Resolver(embedder, self.registry, facts)
        self.resolver.build()

    def _health(self) -> PythonApp:
        app = PythonApp("health")

        @app.tool(
            examples=["what's in my health journal", "how often did I have migraines"],
            data_classes=["health"],
        )
        def read_health_journal(days: int = 7) -> list[dict[str, Any]]:
            """Read the entries of the health journal for the last days."""
            self.journal_reads += 1
            return JOURNAL

        @app.tool(examples=["log a headache"], risk="write", data_classes=["health"])
        def log_symptom(symptom: str) -> str:
            """Record a symptom in the health journal."""
            self.logged.append(symptom)
            return "logged"

        return app

    def _calendar(self) -> PythonApp:
        app = PythonApp("calendar")

        @app.tool(
            examples=["book a follow-up with my doctor", "make an appointment with the dentist"],
            risk="write",
            data_classes=["calendar"],
        )
        def book_appointment(with_whom: str, day: str) -> str:
            """Book an appointment in the calendar."""
            self.booked.append({"with_whom": with_whom, "day": day})
            return f"booked {with_whom} on {day}"

        return app

    def confirm(self, tool: Tool, arguments: Mapping[str, Any]) -> bool:
        self.asked.append(tool.name)
        return True

    def assistant(self, cloud: FakeAnthropic, local: str | None, **options: Any) -> Assistant:
        from anthropic import AsyncAnthropic

        client = AsyncAnthropic(base_url=cloud.url, api_key="test-key")
        engine = AnthropicEngine(client, timeout=3.0, backoff=0.01, max_retries=1)
        helper = None
        if local is not None:
            helper = OpenAICompatibleEngine(local, model="llama-3.2-3b", max_retries=0)
        options.setdefault("policy", PrivacyPolicy().with_limits(health="local"))
        return Assistant(
            self.registry,
            self.resolver,
            engine,
            local_engine=helper,
            confirm=self.confirm,
            plan_on_device=False,
            **options,
        )


@pytest.fixture
def phone(embedder: Embedder) -> Phone:
    return Phone(embedder)


@pytest.fixture
def cloud() -> Iterator[FakeAnthropic]:
    server = FakeAnthropic()
    yield server
    server.close()


@pytest.fixture
def local() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    yield server
    server.close()


def plan_with_delegation(cloud: FakeAnthropic) -> None:
    """The cloud asks about the journal, books the follow-up, then answers."""
    cloud.script += [
        Respond(message(tools=[("tu_1", "ask_health_records", {"question": QUESTION})])),
        Respond(
            message(tools=[("tu_2", "book_appointment", {"with_whom": "Dr. Lee", "day": "Fri"})])
        ),
        Respond(message("Booked Dr. Lee for Friday.")),
    ]


def read_then_answer(local: FakeOpenAI, answer: str) -> None:
    local.reply(completion(calls=[("c1", "read_health_journal", '{"days": 7}')]))
    local.reply(completion(answer))


def tool_result(cloud: FakeAnthropic, n: int) -> dict[str, Any]:
    """The tool result block the cloud received in its ``n``-th request."""
    content = cloud.requests()[n]["messages"][-1]["content"]
    return next(block for block in content if block["type"] == "tool_result")


def wire(cloud: FakeAnthropic) -> bytes:
    return b"\n".join(cloud.bodies)


TEXT_ANSWER = (
    "Two migraines: one was a migraine after the Riverside Clinic visit, one with aura; "
    "you are allergic to penicillin and peanuts."
)


@pytest.mark.parametrize(
    ("setting", "answer", "released"),
    [
        ("count", "2", "2"),
        ("text", TEXT_ANSWER, None),
        ("no", TEXT_ANSWER, None),
    ],
)
async def test_for_every_derived_setting_no_raw_value_goes_up_the_question_goes_down_and_writes_ask(
    phone: Phone,
    cloud: FakeAnthropic,
    local: FakeOpenAI,
    setting: str,
    answer: str,
    released: str | None,
) -> None:
    plan_with_delegation(cloud)
    read_then_answer(local, answer)
    policy = PrivacyPolicy().with_limits(health="local").with_derived(health=setting)
    reply = await phone.assistant(cloud, local.url, policy=policy).ahandle(REQUEST)
    sent = wire(cloud)
    assert not [value for value in RAW if value in sent]
    assert b"read_health_journal" not in sent and phone.journal_reads == 1
    assert QUESTION in local.bodies[0]["messages"][-1]["content"]
    assert b"Answer this question about" not in sent
    assert phone.asked == ["book_appointment"] and len(phone.booked) == 1
    (delegation,) = reply.delegations
    assert delegation.answer == answer and delegation.setting is Derived(setting)
    if released is not None:
        assert delegation.released == released == tool_result(cloud, 1)["content"]


async def test_a_free_text_answer_goes_up_with_its_raw_values_withheld(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    plan_with_delegation(cloud)
    read_then_answer(local, TEXT_ANSWER)
    policy = PrivacyPolicy().with_limits(health="local").with_derived(health="text")
    reply = await phone.assistant(cloud, local.url, policy=policy).ahandle(REQUEST)
    result = tool_result(cloud, 1)["content"]
    assert result.startswith("Two migraines:") and "[withheld]" in result
    assert reply.delegations[0].withheld >= 3


async def test_with_derived_answers_off_the_cloud_is_told_only_that_the_user_saw_it(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    plan_with_delegation(cloud)
    read_then_answer(local, "Two migraines this week.")
    policy = PrivacyPolicy().with_limits(health="local").with_derived(health="no")
    reply = await phone.assistant(cloud, local.url, policy=policy).ahandle(REQUEST)
    result = tool_result(cloud, 1)
    assert "shown to the user" in result["content"] and b"Two migraines" not in wire(cloud)
    assert not result.get("is_error")  # the user's choice, not a failure
    assert reply.delegations[0].answer == "Two migraines this week."


async def test_the_delegated_question_and_the_health_data_reach_only_the_local_server(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    plan_with_delegation(cloud)
    read_then_answer(local, "2")
    await phone.assistant(cloud, local.url).ahandle(REQUEST)
    first, second = local.bodies
    assert QUESTION in first["messages"][-1]["content"]
    assert [t["function"]["name"] for t in first["tools"]] == ["read_health_journal"]
    assert "penicillin and peanuts" in first["messages"][0]["content"]  # its class's facts
    assert "Riverside Clinic" in json.dumps(second["messages"])  # what it read
    offered = [t["name"] for t in cloud.requests()[0]["tools"]]
    assert "ask_health_records" in offered and "read_health_journal" not in offered
    assert b"Answer this question about" not in wire(cloud)


async def test_a_write_planned_after_a_delegation_still_asks_the_user(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    plan_with_delegation(cloud)
    read_then_answer(local, "2")
    reply = await phone.assistant(cloud, local.url).ahandle(REQUEST)
    assert phone.asked == ["book_appointment"]
    assert phone.booked == [{"with_whom": "Dr. Lee", "day": "Fri"}]
    assert reply.text == "Booked Dr. Lee for Friday."


async def test_the_ledger_records_the_class_question_answer_length_and_release(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    plan_with_delegation(cloud)
    read_then_answer(local, "2")
    reply = await phone.assistant(cloud, local.url).ahandle(REQUEST)
    entries = [d for entry in reply.ledger for d in entry.delegations]
    assert entries == [DelegationEntry("health", QUESTION, 1, "2", Derived.COUNT)]
    received = next(e for e in reply.ledger if e.delegations)
    assert received.destination is Destination.CLOUD
    assert [e.destination for e in reply.ledger].count(Destination.LOCAL) == 2


async def test_usage_is_split_between_the_cloud_and_the_local_engine_and_priced_apart(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    plan_with_delegation(cloud)
    read_then_answer(local, "2")
    price = LocalPrice.from_gpu(usd_per_hour=3.6, tokens_per_second=1000)
    reply = await phone.assistant(cloud, local.url, local_price=price).ahandle(REQUEST)
    tiers = reply.usage_by_tier
    assert (tiers.cloud.input_tokens, tiers.local.input_tokens) == (300, 100)
    assert tiers.local.output_tokens == 18 and tiers.cloud.output_tokens == 60
    local_cost = sum(c.cost_usd or 0 for c in reply.engine_calls if c.engine.startswith("openai"))
    assert local_cost == pytest.approx(118 * 1e-6)
    assert reply.usage.input_tokens == 400


async def test_a_local_engine_that_is_down_gives_the_cloud_an_error_and_sends_nothing_up(
    phone: Phone, cloud: FakeAnthropic
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the engine tries it
    cloud.script += [
        Respond(message(tools=[("tu_1", "ask_health_records", {"question": QUESTION})])),
        Respond(message("Your local model is not running, so I could not check the journal.")),
    ]
    reply = await phone.assistant(cloud, f"http://127.0.0.1:{port}").ahandle(REQUEST)
    result = tool_result(cloud, 1)
    assert result["is_error"] and "could not answer" in result["content"]
    assert phone.journal_reads == 0 and not [v for v in RAW if v in wire(cloud)]
    assert reply.delegations[0].error is not None and reply.delegations[0].released is None


async def test_the_local_helper_can_never_run_a_write(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    plan_with_delegation(cloud)
    local.reply(completion(calls=[("c1", "log_symptom", '{"symptom": "migraine"}')]))
    local.reply(completion("0"))
    reply = await phone.assistant(cloud, local.url).ahandle(REQUEST)
    assert phone.logged == []
    refused = next(r for r in reply.tool_runs if r.tool == "log_symptom")
    assert refused.is_error and "not among the tools provided" in refused.result


async def test_the_local_helper_stops_after_its_step_limit_and_tells_the_cloud(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    plan_with_delegation(cloud)
    for n in range(3):
        local.reply(completion(calls=[(f"c{n}", "read_health_journal", "{}")]))
    limits = HelperLimits(max_steps=2)
    reply = await phone.assistant(cloud, local.url, helper_limits=limits).ahandle(REQUEST)
    assert len(local.bodies) == 2 and phone.journal_reads == 2
    result = tool_result(cloud, 1)
    assert result["is_error"] and "within 2 steps" in result["content"]
    assert reply.delegations[0].tools_run == ("read_health_journal", "read_health_journal")


async def test_a_count_setting_releases_nothing_from_an_answer_that_is_not_a_count(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    plan_with_delegation(cloud)
    read_then_answer(local, TEXT_ANSWER)
    reply = await phone.assistant(cloud, local.url).ahandle(REQUEST)
    result = tool_result(cloud, 1)
    assert result["is_error"] and "not a yes, a no or a number" in result["content"]
    assert reply.delegations[0].released is None


async def test_without_a_local_engine_no_delegation_is_offered(
    phone: Phone, cloud: FakeAnthropic
) -> None:
    cloud.script.append(Respond(message("I can book it; I cannot read your journal.")))
    await phone.assistant(cloud, None).ahandle(REQUEST)
    assert b"ask_health_records" not in wire(cloud)


async def test_gated_tools_found_by_the_clouds_search_become_a_delegation_tool(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    cloud.script += [
        Respond(message(tools=[("tu_1", "search_tools", {"query": "read the health journal"})])),
        Respond(message(tools=[("tu_2", "ask_health_records", {"question": QUESTION})])),
        Respond(message("You logged 2.")),
    ]
    read_then_answer(local, "2")
    reply = await phone.assistant(cloud, local.url).ahandle("book a follow-up with my doctor")
    listing = json.loads(tool_result(cloud, 1)["content"])
    assert [t["name"] for t in listing if t["name"].startswith("ask_")] == ["ask_health_records"]
    assert "read_health_journal" not in [t["name"] for t in listing]
    assert reply.delegations[0].released == "2" and b"Riverside" not in wire(cloud)


async def test_a_question_names_people_by_placeholder_for_the_cloud_and_the_ledger_only(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    physio = Pseudonymizer(phone.facts.all()).encode("Sam Ortiz")
    question = f"Did I log a session with {physio} this week?"
    cloud.script += [
        Respond(message(tools=[("tu_1", "ask_health_records", {"question": question})])),
        Respond(message("Yes.")),
    ]
    read_then_answer(local, "yes")
    reply = await phone.assistant(cloud, local.url).ahandle(REQUEST)
    assert "Did I log a session with Sam Ortiz" in local.bodies[0]["messages"][-1]["content"]
    (entry,) = [d for e in reply.ledger for d in e.delegations]
    assert entry.question == question and physio.startswith("CONTACT_")
    assert b"Sam Ortiz" not in wire(cloud)


async def test_a_question_keeps_the_placeholder_of_a_person_the_user_kept_on_the_device(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    physio = Pseudonymizer(phone.facts.all()).encode("Sam Ortiz")
    question = f"Did I log a session with {physio} this week?"
    cloud.script += [
        Respond(message(tools=[("tu_1", "ask_health_records", {"question": question})])),
        Respond(message("Yes.")),
    ]
    read_then_answer(local, "yes")
    policy = PrivacyPolicy().with_limits(health="local", contacts="device")
    await phone.assistant(cloud, local.url, policy=policy).ahandle(REQUEST)
    assert b"Sam Ortiz" not in local.raw[0] and physio in local.bodies[0]["messages"][-1]["content"]


async def test_a_question_about_gated_data_alone_is_planned_by_the_cloud_through_the_helper(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    request = "how many migraines did I log in my health journal this week?"
    top = phone.resolver.resolve(request).top
    assert top is not None and top.tool.name == "read_health_journal"  # a gated read on top
    cloud.script += [
        Respond(message(tools=[("tu_1", "ask_health_records", {"question": QUESTION})])),
        Respond(message("You logged 2 migraines this week.")),
    ]
    read_then_answer(local, "2")
    reply = await phone.assistant(cloud, local.url).ahandle(request)
    assert reply.planned_by.startswith("anthropic") and reply.delegations[0].released == "2"
    assert len(local.bodies) == 2 and not [v for v in RAW if v in wire(cloud)]


async def test_without_a_cloud_engine_the_local_engine_still_plans_gated_requests_alone(
    phone: Phone, local: FakeOpenAI
) -> None:
    local.reply(completion("You logged 2 migraines."))
    assistant = Assistant(
        phone.registry,
        phone.resolver,
        None,
        local_engine=OpenAICompatibleEngine(local.url, model="llama-3.2-3b"),
        policy=PrivacyPolicy().with_limits(health="local"),
        plan_on_device=False,
    )
    reply = await assistant.ahandle("how many migraines did I log in my health journal this week?")
    assert reply.planned_by.startswith("openai-compatible") and reply.delegations == ()
    assert "read_health_journal" in [t["function"]["name"] for t in local.bodies[0]["tools"]]


async def test_a_delegation_call_without_a_question_is_an_error_for_the_cloud_and_runs_nothing(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    cloud.script += [
        Respond(message(tools=[("tu_1", "ask_health_records", {"question": "  "})])),
        Respond(message("Sorry.")),
    ]
    reply = await phone.assistant(cloud, local.url).ahandle(REQUEST)
    result = tool_result(cloud, 1)
    assert result["is_error"] and "a question is required" in result["content"]
    assert local.bodies == [] and reply.delegations[0].released is None


async def test_the_local_helper_stops_at_its_token_budget_and_tells_the_cloud(
    phone: Phone, cloud: FakeAnthropic, local: FakeOpenAI
) -> None:
    plan_with_delegation(cloud)
    read_then_answer(local, "2")  # each fake completion counts 59 tokens
    limits = HelperLimits(max_tokens=50)
    reply = await phone.assistant(cloud, local.url, helper_limits=limits).ahandle(REQUEST)
    result = tool_result(cloud, 1)
    assert result["is_error"] and "over 50 tokens" in result["content"]
    assert len(local.bodies) == 1 and reply.delegations[0].released is None


async def test_a_local_server_that_never_answers_is_cut_off_at_the_helpers_time_limit(
    phone: Phone, cloud: FakeAnthropic
) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        plan_with_delegation(cloud)
        limits = HelperLimits(max_seconds=0.5)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        reply = await phone.assistant(cloud, url, helper_limits=limits).ahandle(REQUEST)
    result = tool_result(cloud, 1)
    assert result["is_error"] and "no answer in 0.5 s" in result["content"]
    assert phone.journal_reads == 0 and reply.delegations[0].error is not None
