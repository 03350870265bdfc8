"""Conversations over the sample apps: follow-ups on the device, and the engine's history.

    python -m benchmarks.bench_dialogues [--set held-out] [--show-misses]

``benchmarks/data/dialogues.jsonl`` holds dialogues of 2-5 turns (follow-ups, corrections,
pronouns, cancels, questions answered with a number, words or a new request, and topic
switches that must not inherit context). Each turn is labelled with the tool and arguments a
correct assistant runs, or ``engine`` (the device should not act), ``question`` (the options
it should ask between) or ``nothing`` (a cancel: no new action; an undo may only be offered,
and is declined here).

**Device.** Every dialogue goes through one ``Conversation`` of the real ``Assistant`` with no
engine, the demo profile and a confirmation callback that declines. Reported:
``follow_up_on_device`` (follow-up, correction and pronoun turns labelled with a tool that the
device planned), ``follow_up_exact`` (of those, exactly the labelled tool and arguments),
``wrong_action_rate`` (device plans, over every turn, with the wrong tool or arguments or where
none was due), and for topic switches ``switch_exact`` and ``context_leaks`` (a switch planned
from an earlier turn).

**Engine wire.** The same dialogues with on-device planning off, through ``AnthropicEngine`` to
a fake Messages API server on 127.0.0.1 that answers each turn with the labelled tool call (in
placeholders) and then a sentence. Tokens are counted with a proxy (the MiniLM WordPiece
tokenizer over the JSON of tools, system and messages). Reported per engine call: tokens sent,
tokens beyond the prefix shared with the previous call of the dialogue (what a prompt cache
must still read fresh), the share of calls whose messages start with the previous call's
messages byte for byte (``cache_control`` markers aside), and the shared prefix by turn. The
fake server also plays the API's prompt cache (``PromptCache``: the breakpoints the request
carries, the 20-block lookback, Sonnet's 1,024-token minimum, tokens counted with the same
proxy); the usage the replies report gives the tokens read from the cache per turn.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from app_adapters.apps.contacts import ContactBook
from assistant_sdk import AnthropicEngine, Assistant, Pseudonymizer, Reply
from assistant_sdk.trace import Step

from .bench_planning import build
from .common import RESULTS, ROOT, default_embedder, emit

sys.path.insert(0, str(ROOT))
from tests.engine.fake_anthropic import FakeAnthropic, PromptCache, Respond, message

DATA = ROOT / "benchmarks" / "data" / "dialogues.jsonl"
HELD_OUT = ROOT / "benchmarks" / "data" / "dialogues_holdout.jsonl"
"""30 dialogues written after the conversation planner, in other voices, run to measure it."""
FOLLOW_UPS = ("follow_up", "correction", "pronoun")
READ_PRICE, WRITE_PRICE = 0.1, 1.25
"""What a token read from, or written to, the cache costs, in plain input tokens."""
MIN_CACHED = 1024
"""The shortest prefix the API caches for Claude Sonnet, in tokens."""


def load(path: Path = DATA) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def device_plan(reply: Reply) -> Step | None:
    """The plan the device made and acted on in this turn (an offered undo aside)."""
    if reply.planned_by != "device" or not reply.tool_runs:
        return None
    return next((s for s in reversed(reply.steps) if s.kind == "plan"), None)


def undone(reply: Reply) -> list[Any] | None:
    """The undo a cancel ran or offered ("cancel it" right after a write): the action taken."""
    cancel = next((s for s in reply.steps if s.kind == "conversation" and s.name == "cancel"), None)
    if reply.planned_by != "device" or cancel is None or "undo" not in cancel.detail:
        return None
    return (
        [reply.tool_runs[-1].tool, dict(reply.tool_runs[-1].arguments)] if reply.tool_runs else None
    )


def judge(turn: dict[str, Any], reply: Reply) -> dict[str, Any]:
    expect, plan = turn["expect"], device_plan(reply)
    got = [plan.name, dict(plan.detail.get("arguments", {}))] if plan else None
    if "tool" in expect:
        got = got or undone(reply)
        right = got == [expect["tool"], expect["arguments"]]
    elif "question" in expect:
        question = reply.clarification
        right = question is not None and set(question.options) == set(expect["question"])
    else:
        right = plan is None and reply.clarification is None
    wrong = got is not None and not right
    carried = plan is not None and "carried_from" in plan.detail
    return {"device": got is not None, "right": right, "wrong": wrong, "carried": carried,
            "got": got}  # fmt: skip


def run_device(dialogues: list[dict[str, Any]], misses: list[dict[str, Any]]) -> dict[str, Any]:
    counts: dict[str, int] = defaultdict(int)
    with tempfile.TemporaryDirectory() as tmp:
        assistant, asked = build(Path(tmp))
        for dialogue in dialogues:
            conversation = assistant.conversation()
            for n, turn in enumerate(dialogue["turns"]):
                before = len(asked)
                verdict = judge(turn, conversation.handle(turn["say"]))
                role = turn["role"]
                counts["turns"] += 1
                counts[f"{role}_turns"] += 1
                counts[f"{role}_right"] += verdict["right"]
                counts["wrong"] += verdict["wrong"]
                counts["unconfirmed_destructive"] += _unconfirmed(
                    assistant, conversation, before, asked
                )
                if role in FOLLOW_UPS and "tool" in turn["expect"]:
                    counts["follow_up_labelled"] += 1
                    counts["follow_up_device"] += verdict["device"]
                    counts["follow_up_exact"] += verdict["device"] and verdict["right"]
                    kind = dialogue["kind"]
                    counts[f"{kind}:labelled"] += 1
                    counts[f"{kind}:device"] += verdict["device"]
                    counts[f"{kind}:exact"] += verdict["device"] and verdict["right"]
                    counts["follow_up_carried"] += verdict["carried"]
                if role == "switch":
                    counts["context_leaks"] += verdict["carried"]
                if not verdict["right"]:
                    misses.append({"id": dialogue["id"], "turn": n, "say": turn["say"],
                                   "expected": turn["expect"], "got": verdict["got"]})  # fmt: skip
    return _device_figures(counts, len(dialogues))


def _unconfirmed(assistant: Assistant, conversation: Any, before: int, asked: list[Any]) -> int:
    """Destructive calls that ran in the last turn without the user's yes (must stay 0)."""
    runs = conversation.turns[-1].actions if conversation.turns else ()
    destructive = [a for a in runs if assistant.registry[a.tool].risk.value == "destructive"]
    return sum(a.ran for a in destructive) if len(asked) == before else 0


def _device_figures(c: dict[str, int], dialogues: int) -> dict[str, Any]:
    def share(a: int, b: int) -> float:
        return round(a / b, 4) if b else 0.0

    return {
        "bench": "dialogues",
        "part": "device",
        "dialogues": dialogues,
        "turns": c["turns"],
        "follow_up_turns": c["follow_up_labelled"],
        "follow_up_on_device": share(c["follow_up_device"], c["follow_up_labelled"]),
        "follow_up_exact": share(c["follow_up_exact"], c["follow_up_device"]),
        "follow_up_carried_over": c["follow_up_carried"],
        "wrong_actions": c["wrong"],
        "wrong_action_rate": share(c["wrong"], c["turns"]),
        "first_turns_right": share(c["first_right"], c["first_turns"]),
        "switch_turns": c["switch_turns"],
        "switch_exact": share(c["switch_right"], c["switch_turns"]),
        "context_leaks": c["context_leaks"],
        "cancels_right": share(c["cancel_right"], c["cancel_turns"]),
        "answers_right": share(c["answer_right"], c["answer_turns"]),
        "new_requests_at_a_question_right": share(c["new_request_right"], c["new_request_turns"]),
        "destructive_unconfirmed": c["unconfirmed_destructive"],
        "follow_ups_by_kind": {
            k.split(":")[0]: f"{c[k.replace('labelled', 'device')]}/{c[k]} on the device, "
            f"{c[k.replace('labelled', 'exact')]} exact"
            for k in sorted(c)
            if k.endswith(":labelled")
        },
    }


def run_engine(dialogues: list[dict[str, Any]], *, cache_history: bool = True) -> dict[str, Any]:
    """The engine wire; ``cache_history=False`` is the baseline with breakpoints on the tools
    and the system prompt only."""
    from anthropic import AsyncAnthropic
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(default_embedder().model_dir / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()

    def tokens(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    fake = FakeAnthropic(cache=PromptCache(count=tokens, min_tokens=MIN_CACHED))
    cache_read: dict[int, list[int]] = defaultdict(list)
    uncached: dict[int, list[int]] = defaultdict(list)
    billed: dict[int, list[float]] = defaultdict(list)
    sent: list[int] = []
    fresh: list[int] = []
    by_turn: dict[int, list[int]] = defaultdict(list)
    prefix_kept = calls_after_first = tools_changed = 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            assistant, _ = build(Path(tmp))
            client = AsyncAnthropic(base_url=fake.url, api_key="bench")
            assistant.engine = AnthropicEngine(client, max_retries=0, cache_history=cache_history)
            assistant.plan_on_device = False
            book = ContactBook(Path(tmp) / "apps" / "contacts")
            names = Pseudonymizer(
                assistant.resolver.facts.all() if assistant.resolver.facts else (), book.all()
            )
            for dialogue in dialogues:
                conversation = assistant.conversation()
                start = len(fake.bodies)
                previous: tuple[str, str] | None = None
                for n, turn in enumerate(dialogue["turns"]):
                    fake.script[:] = _script(turn, n, names)
                    usage = conversation.handle(turn["say"]).usage
                    if len(fake.bodies) > start:
                        cache_read[n + 1].append(usage.cache_read_tokens)
                        uncached[n + 1].append(usage.input_tokens + usage.cache_write_tokens)
                        billed[n + 1].append(
                            usage.input_tokens
                            + WRITE_PRICE * usage.cache_write_tokens
                            + READ_PRICE * usage.cache_read_tokens
                        )
                    for raw in fake.bodies[start:]:
                        head, messages = _cache_order(json.loads(raw))
                        whole = head + messages
                        shared = _shared(previous, (head, messages))
                        sent.append(tokens(whole))
                        fresh.append(tokens(whole) - tokens(whole[:shared]))
                        by_turn[n + 1].append(tokens(whole[:shared]))
                        if previous is not None:
                            calls_after_first += 1
                            prefix_kept += messages.startswith(previous[1][:-1])
                            tools_changed += head != previous[0]
                        previous = (head, messages)
                    start = len(fake.bodies)
    finally:
        fake.close()
    return {
        "bench": "dialogues",
        "part": "engine" if cache_history else "engine, no breakpoint on the history",
        "engine_calls": len(sent),
        "tokens_per_call_resent": round(sum(sent) / len(sent), 1),
        "tokens_per_call_beyond_cached_prefix": round(sum(fresh) / len(fresh), 1),
        "fresh_ratio": round(sum(fresh) / sum(sent), 4),
        "messages_prefix_identical": round(prefix_kept / max(calls_after_first, 1), 4),
        "tools_or_system_changed": round(tools_changed / max(calls_after_first, 1), 4),
        "shared_prefix_tokens_by_turn": _by_turn(by_turn),
        "cache_read_tokens_by_turn": _by_turn(cache_read),
        "uncached_input_tokens_by_turn": _by_turn(uncached),
        "billed_input_tokens_by_turn": _by_turn(billed),
        "billed_input_tokens_per_turn": round(
            sum(map(sum, billed.values())) / max(sum(map(len, billed.values())), 1), 1
        ),
        "cache_read_share": round(
            sum(map(sum, cache_read.values()))
            / max(sum(map(sum, cache_read.values())) + sum(map(sum, uncached.values())), 1),
            4,
        ),
    }


def _by_turn(values: Mapping[int, Sequence[float]]) -> dict[str, float]:
    return {str(k): round(sum(v) / len(v), 1) for k, v in sorted(values.items())}


def _script(turn: dict[str, Any], n: int, names: Pseudonymizer) -> list[Respond]:
    expect = turn["expect"]
    if "tool" not in expect:
        return [Respond(message("All right."))]
    arguments = names.encode_json(expect["arguments"])
    use = (f"toolu_{n}_{expect['tool']}", expect["tool"], arguments)
    return [Respond(message(tools=[use])), Respond(message("Done."))]


def _cache_order(body: dict[str, Any]) -> tuple[str, str]:
    """The request in the order a prompt cache reads it (tools, system, messages), with the
    cache markers taken out: they mark where a prefix ends, they are not part of it."""
    body = json.loads(json.dumps(body), object_hook=_unmarked)
    head = json.dumps([body.get("tools", []), body.get("system", [])], ensure_ascii=False)
    return head, json.dumps(body.get("messages", []), ensure_ascii=False)


def _unmarked(obj: dict[str, Any]) -> dict[str, Any]:
    obj.pop("cache_control", None)
    return obj


def _shared(previous: tuple[str, str] | None, current: tuple[str, str]) -> int:
    """Characters of ``current`` a cache filled by ``previous`` would hold: nothing when the
    tools or system changed, else the common start of the messages."""
    if previous is None or previous[0] != current[0]:
        return 0
    a, b = previous[1], current[1]
    same = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        same += 1
    return len(current[0]) + same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=("development", "held-out"), default="development")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    dialogues = load(HELD_OUT if args.set == "held-out" else DATA)
    misses: list[dict[str, Any]] = []
    out = RESULTS / "dialogues.jsonl"
    emit(run_device(dialogues, misses), out)
    emit(run_engine(dialogues), out)
    emit(run_engine(dialogues, cache_history=False), out)
    if args.show_misses:
        for miss in misses:
            print(json.dumps(miss, ensure_ascii=False))


if __name__ == "__main__":
    main()
