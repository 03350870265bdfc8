"""Delegation: cloud tokens and what can be done when gated data needs the cloud's reasoning.

    python -m benchmarks.bench_delegation

30 requests over the sample apps plus a health journal and a bank app (benchmarks/gated_apps.py):
10 that need health or finance data *and* the cloud's planning (read, then act), 10 for the
cloud alone, 10 the device plans by itself. Each runs through ``Assistant`` with the real
``anthropic`` client and ``OpenAICompatibleEngine`` against the fake servers on 127.0.0.1,
under three policies:

- ``delegate``: health and finance ``local``; the cloud asks the local model (derived: count);
- ``cloud_reads``: health and finance ``cloud``; the cloud reads the records itself;
- ``refuse``: the defaults (health and finance stay on the device).

The engines are oracles, not models: the cloud follows each request's labelled plan with the
tools it is actually offered (a delegation tool, else the reading tool, else ``search_tools``
once, else it gives up), and the local model reads with its class's tool and answers the
labelled count. So tokens and outcomes measure the harness and the policy, not a model.
Tokens are counted with the MiniLM WordPiece tokenizer over each JSON body (a proxy, as in
bench_tokens). A request is *done* when its reading step produced an answer and its action
(if any) ran with the labelled tool.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

from app_adapters.apps import DEMO_FACTS, load_sample_apps, seed_demo_profile
from app_adapters.apps.calibration import calibration_rows
from app_adapters.apps.contacts import ContactBook
from assistant_sdk import (
    AnthropicEngine,
    Assistant,
    Fact,
    FactStore,
    OpenAICompatibleEngine,
    PrivacyPolicy,
    Resolver,
    ToolRegistry,
)

from .common import RESULTS, default_embedder, emit
from .gated_apps import TODAY, bank_app, health_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.engine.fake_anthropic import FakeAnthropic, Respond, message
from tests.engine.fake_openai import FakeOpenAI, completion

NOW = datetime.combine(TODAY, time(10, 0))


Records = list[dict[str, Any]]


@dataclass(frozen=True)
class Case:
    kind: str  # "gated" | "cloud" | "device"
    text: str
    read: tuple[str, dict[str, Any]] | None = None
    act: tuple[str, dict[str, Any]] | None = None
    data_class: str | None = None
    question: str = ""
    answer: Callable[[Records], str] | None = None
    """What the oracle local model computes from the records it read."""


def _count(field: str, value: str) -> Callable[[Records], str]:
    return lambda rows: str(sum(1 for r in rows if r.get(field) == value))


def _any(field: str, value: str) -> Callable[[Records], str]:
    return lambda rows: "yes" if any(r.get(field) == value for r in rows) else "no"


def _every_day(value: str, days: int) -> Callable[[Records], str]:
    return lambda rows: (
        "yes" if len({r["date"] for r in rows if r["entry"] == value}) >= days else "no"
    )


def _spent(category: str) -> Callable[[Records], str]:
    return lambda rows: str(round(sum(r["amount"] for r in rows if r["category"] == category)))


def _gated(
    text: str,
    cls: str,
    read: str,
    args: dict[str, Any],
    q: str,
    answer: Callable[[Records], str],
    act: str,
    act_args: dict[str, Any],
) -> Case:
    return Case("gated", text, (read, args), (act, act_args), cls, q, answer)


JOURNAL, BANK = "read_health_journal", "list_transactions"
CASES = [
    _gated(
        "look through my health journal for migraines this month and book a follow-up "
        "with my doctor next week",
        "health",
        JOURNAL,
        {"days": 30},
        "How many migraines did I log in the last 30 days?",
        _count("entry", "migraine"),
        "create_event",
        {"title": "Follow-up with my doctor", "start": "2026-03-10T09:00"},
    ),
    _gated(
        "if I've had more than three headaches this month, text mom that I'm seeing a doctor",
        "health",
        JOURNAL,
        {"days": 30},
        "How many headaches did I log in the last 30 days?",
        _count("entry", "headache"),
        "send_message",
        {"recipient": "Jane Doe", "body": "I'm seeing a doctor about my headaches."},
    ),
    _gated(
        "check my health journal for whether I took my blood pressure pill every day this "
        "week and remind me tonight if not",
        "health",
        JOURNAL,
        {"days": 7},
        "Did I log my blood pressure pill on each of the last 7 days?",
        _every_day("blood pressure pill", 7),
        "add_reminder",
        {"text": "Take the blood pressure pill", "due": "2026-03-04T21:00"},
    ),
    _gated(
        "see in my health journal how many nights I slept badly this week and set an "
        "alarm for 10pm to wind down",
        "health",
        JOURNAL,
        {"days": 7},
        "How many nights of poor sleep did I log in the last 7 days?",
        _count("entry", "poor sleep"),
        "set_alarm",
        {"time": "22:00", "label": "wind down"},
    ),
    _gated(
        "how many workouts did I log this month? book a session with my trainer on Saturday",
        "health",
        JOURNAL,
        {"days": 30},
        "How many workouts did I log in the last 30 days?",
        _count("entry", "workout"),
        "create_event",
        {"title": "Trainer session", "start": "2026-03-07T10:00"},
    ),
    _gated(
        "how much did I spend at restaurants last month? email my boss that I'll keep the "
        "team dinner under that",
        "finance",
        BANK,
        {"days": 30},
        "How many dollars did I spend at restaurants in the last 30 days, rounded?",
        _spent("restaurants"),
        "outlook_send_email",
        {"to": "Alex Kim", "subject": "Team dinner", "body": "I'll keep it under budget."},
    ),
    _gated(
        "did I pay the electricity bill this month? if not add a reminder to pay it tomorrow",
        "finance",
        BANK,
        {"days": 30},
        "Is there a payment to the electricity company in the last 30 days?",
        _any("category", "utilities"),
        "add_reminder",
        {"text": "Pay the electricity bill", "due": "2026-03-05T09:00"},
    ),
    _gated(
        "count my coffee shop purchases this week and write a note with a plan to cut down",
        "finance",
        BANK,
        {"days": 7},
        "How many coffee purchases were there in the last 7 days?",
        _count("category", "coffee"),
        "create_note",
        {"title": "Coffee plan", "body": "Two coffees a week at most."},
    ),
    _gated(
        "check that my rent payment went out this month and message my sister that it's done",
        "finance",
        BANK,
        {"days": 30},
        "Is there a rent payment in the last 30 days?",
        _any("category", "rent"),
        "send_message",
        {"recipient": "Sam Lee", "body": "Rent is paid."},
    ),
    _gated(
        "look at my card transactions for subscriptions and put a reminder in my calendar "
        "to cancel the ones I don't use",
        "finance",
        BANK,
        {"days": 30},
        "How many subscription payments were there in the last 30 days?",
        _count("category", "subscriptions"),
        "create_event",
        {"title": "Cancel unused subscriptions", "start": "2026-03-06T18:00"},
    ),
    Case(
        "cloud",
        "what's the forecast for the weekend, and is it a good weekend for a hike?",
        ("get_forecast", {"days": 3}),
    ),
    Case(
        "cloud",
        "find some free time tomorrow afternoon and book a haircut then",
        ("find_free_time", {"date": "2026-03-05"}),
        ("create_event", {"title": "Haircut", "start": "2026-03-05T15:00"}),
    ),
    Case(
        "cloud",
        "read my latest emails and tell me which one is most urgent",
        ("outlook_read_inbox", {"limit": 5}),
    ),
    Case(
        "cloud",
        "search my notes for the wifi password and text it to my sister",
        ("search_notes", {"query": "wifi"}),
        ("send_message", {"recipient": "Sam Lee", "body": "The wifi password is in my note."}),
    ),
    Case(
        "cloud",
        "what's on my calendar this week, and which day is the least busy?",
        ("list_events", {"date": "2026-03-04", "days": 7}),
    ),
    Case(
        "cloud",
        "compare a Lyft and an Uber to work and book the cheaper one",
        ("lyft_get_quote", {"destination": "work"}),
        ("lyft_book_ride", {"destination": "work"}),
    ),
    Case("cloud", "check my reminders and tell me which ones are overdue", ("list_reminders", {})),
    Case(
        "cloud",
        "look up directions to the airport and tell me when I should leave for a 6pm flight",
        ("get_directions", {"destination": "the airport"}),
    ),
    Case(
        "cloud",
        "see if my boss emailed about the offsite and add it to my calendar",
        ("outlook_search_email", {"query": "offsite"}),
        ("create_event", {"title": "Offsite", "start": "2026-03-12T09:00"}),
    ),
    Case(
        "cloud",
        "read my messages from mom and reply something kind",
        ("read_messages", {"contact": "Jane Doe"}),
        ("send_message", {"recipient": "Jane Doe", "body": "Love you, talk tonight."}),
    ),
    *(
        Case("device", text)
        for text in [
            "text mom I'm running late",
            "set an alarm for 6:30am",
            "start a timer for 10 minutes",
            "call John Park",
            "play some jazz",
            "what's the weather today",
            "remind me to buy milk",
            "list my alarms",
            "pause the music",
            "show my reminders",
        ]
    ),
]

POLICIES = {
    "delegate": PrivacyPolicy().with_limits(health="local", finance="local"),
    "cloud_reads": PrivacyPolicy().with_limits(health="cloud", finance="cloud"),
    "refuse": PrivacyPolicy(),
}
GATED_FACTS = [
    Fact("allergies", "penicillin", data_class="health"),
    Fact("doctor", "Dr. Rivera at Riverside Clinic", data_class="health"),
    Fact("bank", "Acme Checking 0071 5523 9910", data_class="finance"),
]


def _history(messages: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], bool]]:
    """(tool name, input, succeeded) for every tool call so far in a Messages API body."""
    results = {}
    for m in messages:
        for block in m["content"] if isinstance(m["content"], list) else ():
            if block.get("type") == "tool_result":
                results[block["tool_use_id"]] = not block.get("is_error", False)
    return [
        (b["name"], b["input"], results.get(b["id"], False))
        for m in messages
        if m["role"] == "assistant"
        for b in m["content"]
        if b.get("type") == "tool_use"
    ]


class CloudOracle:
    """In FakeAnthropic's place of a script: answers each request from its body, following
    the case's plan with the tools actually offered."""

    def __init__(self, fake: FakeAnthropic) -> None:
        self.fake = fake
        self.case: Case | None = None

    def __bool__(self) -> bool:
        return True

    def pop(self, index: int = 0) -> Respond:
        return Respond(self._next(json.loads(self.fake.bodies[-1])))

    def _next(self, body: dict[str, Any]) -> dict[str, Any]:
        case = self.case
        assert case is not None
        offered = {t["name"] for t in body["tools"]}
        history = _history(body["messages"])
        for step in (case.read, case.act):
            if step is None:
                continue
            name, args = step
            options = [(name, args)]
            if step is case.read and case.data_class:
                ask = f"ask_{case.data_class}_records"
                options.insert(0, (ask, {"question": case.question}))
            if any(n == o and ok for n, _, ok in history for o, _ in options):
                continue  # this step is done
            tried = {n for n, _, _ in history}
            for option, arguments in options:
                if option in offered and option not in tried:
                    return _call(len(history), option, arguments)
            query = name.replace("_", " ")
            if ("search_tools", {"query": query}) not in [(n, a) for n, a, _ in history]:
                return _call(len(history), "search_tools", {"query": query})
            return message("I could not do that with the tools I have.", input_tokens=0)
        return message("Done.", input_tokens=0)


def _call(n: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return message(tools=[(f"tu_{n + 1}", name, arguments)], input_tokens=0)


class LocalOracle:
    """In FakeOpenAI's place of a script: reads with the case's tool, then computes the
    answer from the records it was given."""

    def __init__(self, fake: FakeOpenAI) -> None:
        self.fake = fake
        self.case: Case | None = None

    def __bool__(self) -> bool:
        return True

    def pop(self, index: int = 0) -> tuple[int, bytes]:
        body = self.fake.bodies[-1]
        case = self.case
        assert case is not None and case.read is not None and case.answer is not None
        name, args = case.read
        offered = {t["function"]["name"] for t in body["tools"]}
        read = [m for m in body["messages"] if m["role"] == "tool"]
        if not read and name in offered:
            reply = completion(calls=[("call_1", name, json.dumps(args))])
        else:
            rows = json.loads(read[-1]["content"]) if read else []
            reply = completion(case.answer(rows if isinstance(rows, list) else []))
        return 200, json.dumps(reply).encode()


class Phone:
    """The sample apps with the demo profile, the gated apps and facts; one per policy, so
    what one run writes never changes another's data."""

    def __init__(self, folder: Path, embedder: Any, calibration: Any = None) -> None:
        seed_demo_profile(folder / "apps", now=lambda: NOW)
        self.registry = ToolRegistry()
        for app in [*load_sample_apps(folder / "apps", now=lambda: NOW), health_app(), bank_app()]:
            self.registry.add_app(app)
        facts = FactStore(":memory:")
        for fact in [*DEMO_FACTS, *GATED_FACTS]:
            facts.remember(fact)
        self.resolver = Resolver(embedder, self.registry, facts)
        self.resolver.build()
        if calibration is None:
            self.resolver.fit(calibration_rows())
        else:
            self.resolver.calibration = calibration
        self.people = ContactBook(folder / "apps" / "contacts").all


async def run(folder: Path) -> list[dict[str, Any]]:
    from anthropic import AsyncAnthropic
    from tokenizers import Tokenizer

    embedder = default_embedder()
    tokenizer = Tokenizer.from_file(str(embedder.model_dir / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    count: Callable[[str], int] = lambda text: len(  # noqa: E731
        tokenizer.encode(text, add_special_tokens=False).ids
    )
    cloud, local = FakeAnthropic(), FakeOpenAI()
    cloud_oracle, local_oracle = CloudOracle(cloud), LocalOracle(local)
    cloud.script, local.script = cloud_oracle, local_oracle  # type: ignore[assignment]
    rows: list[dict[str, Any]] = []
    calibration = None
    for name, policy in POLICIES.items():
        phone = Phone(folder / name, embedder, calibration)
        calibration = phone.resolver.calibration
        asked: list[str] = []

        def confirm(tool: Any, arguments: Any, asked: list[str] = asked) -> bool:
            asked.append(tool.name)
            return True

        assistant = Assistant(
            phone.registry,
            phone.resolver,
            AnthropicEngine(AsyncAnthropic(base_url=cloud.url, api_key="bench")),
            local_engine=OpenAICompatibleEngine(local.url, model="llama-3.2-3b"),
            policy=policy,
            people=phone.people,
            clock=lambda: NOW,
            confirm=confirm,
        )
        for case in CASES:
            cloud_oracle.case = local_oracle.case = case
            sent, helped, before = len(cloud.bodies), len(local.bodies), len(asked)
            reply = await assistant.ahandle(case.text)
            rows.append(
                {
                    "policy": name,
                    "kind": case.kind,
                    "request": case.text,
                    "planned_by": reply.planned_by.split(":")[0],
                    "cloud_tokens": sum(count(b.decode()) for b in cloud.bodies[sent:]),
                    "local_tokens": sum(count(json.dumps(b)) for b in local.bodies[helped:]),
                    "done": _done(case, reply),
                    "delegations": len(reply.delegations),
                    "released": [d.released for d in reply.delegations],
                    "writes_asked": len(asked) - before,
                    "top_gated": _top_gated(reply, policy),
                }
            )
    cloud.close()
    local.close()
    return rows


def _done(case: Case, reply: Any) -> bool:
    """The reading step gave an answer (a released delegation, or the reading tool's result)
    and the action ran with the labelled tool."""
    runs = {r.tool for r in reply.tool_runs if not r.is_error}
    if case.kind == "device":
        return reply.planned_by == "device" and bool(runs)
    released = any(d.released is not None for d in reply.delegations)
    read = case.read is None or case.read[0] in runs or released
    return read and (case.act is None or case.act[0] in runs)


def _top_gated(reply: Any, policy: PrivacyPolicy) -> bool:
    """Whether the request's top tool handles data the policy keeps off the cloud: without
    delegation, such a request went whole to the local engine, and any other went to the
    cloud without the gated tools."""
    top = reply.resolution.top
    return top is not None and not policy.allows_all(top.tool.data_classes, "cloud")


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"bench": "delegation", "requests": len(CASES)}
    for policy in POLICIES:
        for kind in ("gated", "cloud", "device"):
            group = [r for r in rows if r["policy"] == policy and r["kind"] == kind]
            out[f"{policy}.{kind}.cloud_tokens"] = sum(r["cloud_tokens"] for r in group)
            out[f"{policy}.{kind}.local_tokens"] = sum(r["local_tokens"] for r in group)
            out[f"{policy}.{kind}.done"] = sum(r["done"] for r in group)
        out[f"{policy}.writes_asked"] = sum(
            r["writes_asked"] for r in rows if r["policy"] == policy
        )
    delegate = {r["request"]: r for r in rows if r["policy"] == "delegate"}
    refused = [r for r in rows if r["policy"] == "refuse" and not r["done"]]
    out["now_done_that_were_refused"] = sum(delegate[r["request"]]["done"] for r in refused)
    gated = [r for r in rows if r["policy"] == "delegate" and r["kind"] == "gated"]
    out["without_delegation.local_engine_alone"] = sum(r["top_gated"] for r in gated)
    out["without_delegation.cloud_without_the_data"] = sum(not r["top_gated"] for r in gated)
    reads = out["cloud_reads.gated.cloud_tokens"]
    out["gated_cloud_tokens_delegate_over_cloud_reads"] = (
        round(out["delegate.gated.cloud_tokens"] / reads, 3) if reads else None
    )
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = asyncio.run(run(Path(tmp)))
    for row in rows:
        emit({"bench": "delegation.request", **row}, RESULTS / "delegation.jsonl")
    emit(summary(rows), RESULTS / "delegation.jsonl")


if __name__ == "__main__":
    main()
