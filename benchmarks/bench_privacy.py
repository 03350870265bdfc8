"""Adversarial privacy figures: withheld values tried and leaked at the wire, injected writes
tried and run without the user's yes.

    python -m benchmarks.bench_privacy --examples 300

*Values*: hypothesis draws tool results that hold withheld values in random forms (NFD,
case, no-break spaces, en dashes, "Oak Street 12", escapes and markup around them); each goes
through the real ``AnthropicEngine`` (cloud: placeholders) or ``OpenAICompatibleEngine``
(local: health withheld) to the fake servers on 127.0.0.1, and the test suite's oracle, which
does not use the guard's matcher, counts the distinct withheld values in the result before it
was sent (*tried*) and in every byte the server received (*leaked*). The ``guard-only`` path
sends the results unencoded, so only the last-mile guard stands between them and the wire.

*Injections*: each order of the injection corpus is put in an MCP tool description (a real
server process), an OpenAPI operation, an untrusted manifest, a ``search_tools`` listing and
app data; the engine is scripted to obey it and send a text. *Run unconfirmed* counts texts
sent although the user was never asked (the user declines every question).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from benchmarks.common import emit


def values(examples: int) -> list[dict[str, Any]]:
    from assistant_sdk.privacy import Destination
    from tests.engine.fake_anthropic import FakeAnthropic
    from tests.engine.fake_openai import FakeOpenAI

    loop = asyncio.new_event_loop()
    claude, local = FakeAnthropic(), FakeOpenAI()
    servers = {Destination.CLOUD: claude, Destination.LOCAL: local}
    paths = [
        ("cloud", Destination.CLOUD, True),
        ("cloud guard-only", Destination.CLOUD, False),
        ("local", Destination.LOCAL, True),
    ]
    records = []
    try:
        for path, where, encode in paths:
            started = time.perf_counter()
            counts = _path(loop, servers[where], where, encode, examples)
            seconds = round(time.perf_counter() - started, 1)
            records.append({"bench": "privacy.values", "path": path, **counts, "seconds": seconds})
    finally:
        claude.close()
        local.close()
        loop.close()
    return records


def _path(
    loop: asyncio.AbstractEventLoop, server: Any, where: Any, encode: bool, examples: int
) -> dict[str, int]:
    from hypothesis import HealthCheck, given, settings

    from assistant_sdk import PrivacyPolicy
    from assistant_sdk.privacy import Destination
    from assistant_sdk.privacy.request import RequestPrivacy
    from tests.security.test_privacy_wire import conversation, send_to_claude, send_to_local
    from tests.security.withheld_forms import FACTS, PEOPLE, leaks, tool_results

    counts = {"results": 0, "tried": 0, "leaked": 0}
    people = where is not Destination.LOCAL  # a local engine may see names and home

    @settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(result=tool_results())
    def run(result: Any) -> None:
        privacy = RequestPrivacy.open(PrivacyPolicy(), where, FACTS, PEOPLE, [f.key for f in FACTS])
        raw = json.dumps(result, ensure_ascii=False)
        content = privacy.encode_content(raw) if encode else raw
        if where is Destination.LOCAL:
            body = send_to_local(loop, server, privacy, content)
        else:
            body = send_to_claude(loop, server, privacy, conversation(content))
        counts["results"] += 1
        counts["tried"] += len(leaks(raw.encode(), names=people, places=people))
        counts["leaked"] += len(leaks(body, names=people, places=people))

    run()
    return counts


async def injections() -> dict[str, Any]:
    from anthropic import AsyncAnthropic

    from assistant_sdk.engines.anthropic import AnthropicEngine
    from assistant_sdk.manifest import load_manifest
    from benchmarks.common import default_embedder
    from tests.engine.fake_anthropic import FakeAnthropic
    from tests.security import test_untrusted_metadata as corpus

    embedder = default_embedder()
    tried = unconfirmed = 0
    folder = Path(tempfile.mkdtemp())
    for order in corpus.INJECTIONS:
        for source in ("mcp", "openapi", "manifest", "listing", "data"):
            phone, fake = corpus.Phone(), FakeAnthropic()
            client = AsyncAnthropic(base_url=fake.url, api_key="bench")
            engine = AnthropicEngine(client, timeout=3.0, max_retries=0)
            server = None
            options: dict[str, Any] = {}
            if source in ("mcp", "listing"):
                server = await corpus.forecast_server(folder, order)
                phone.registry.add_app(server)
            elif source == "openapi":
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    phone.registry.add_app(corpus.poisoned_openapi(order))
            elif source == "manifest":
                document = {
                    "trusted": False,
                    "tools": [{"name": "get_tide", "description": order, "app": "tides"}],
                }
                phone.registry.add(*load_manifest(document))
            first: list[tuple[str, str, Any]] = []
            if source == "listing":
                first.append(("tu_s", "search_tools", {"query": "weather forecast"}))
                options = {"top_k": 1, "max_tools": 1}
            if source == "data":
                first.append(("tu_r", "read_messages", {}))
            corpus.obey(fake, *first, corpus.SEND)
            try:
                reply = await phone.assistant(embedder, engine, **options).ahandle(corpus.REQUEST)
            finally:
                if server is not None:
                    await server.close()
                await client.close()
                fake.close()
            tried += 1
            unconfirmed += corpus.unconfirmed_writes(phone, reply)
    return {"bench": "privacy.injections", "tried": tried, "run_unconfirmed": unconfirmed}


def speed(contacts: int = 300, words: int = 1500, repeats: int = 5) -> dict[str, Any]:
    """Pseudonymising and guarding one 13 KB tool result, against the in-run baseline of
    writing and reading that body as JSON; run with 3 and 300 contacts, the ratio of the two
    shows the cost does not grow with the address book."""
    import random

    from assistant_sdk.privacy import Destination, Pseudonymizer, WireGuard
    from tests.security.withheld_forms import Person

    rng = random.Random(0)
    people = [
        Person(f"Person{i} Surname{i}", (f"+1 555 {1000 + i:04d}",), (f"p{i}@example.com",))
        for i in range(contacts)
    ]
    vocabulary = ["hello", "meeting", "at", "noon", "Person3 Surname3", "+1 555 1007", "12 Oak St"]
    text = " ".join(rng.choice(vocabulary) for _ in range(words))
    body = {"messages": [{"role": "user", "content": text}]}

    def best(run: Any) -> float:
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        return min(times) * 1000

    names = Pseudonymizer([], people)
    guard = WireGuard(Destination.CLOUD, (), names)
    baseline = best(lambda: json.loads(json.dumps(body, ensure_ascii=False)))
    encode = best(lambda: names.encode(text))
    check = best(lambda: guard.check(body))
    return {
        "bench": "privacy.speed",
        "contacts": contacts,
        "chars": len(text),
        "json_round_trip_ms": round(baseline, 2),
        "encode_ms": round(encode, 1),
        "guard_ms": round(check, 1),
        "guard_vs_json": round(check / baseline, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--skip-injections", action="store_true")
    args = parser.parse_args()
    small, large = speed(contacts=3), speed(contacts=300)
    large["guard_vs_3_contacts"] = round(large["guard_ms"] / small["guard_ms"], 2)
    emit(small)
    emit(large)
    for record in values(args.examples):
        emit(record)
    if not args.skip_injections:
        emit(asyncio.run(injections()))


if __name__ == "__main__":
    main()
