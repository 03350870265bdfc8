"""Zero-shot tool resolution on catalogues nobody here wrote, against 1-NN, BM25 and RRF.

Four catalogues, all tools without examples:
- ``mcp``: the tools of real MCP servers (PyPI ``mcp-server-time``, npm
  ``@modelcontextprotocol/server-memory`` and ``-everything``), started as processes;
- ``github``: GitHub's REST API (npm ``@octokit/openapi``) through ``OpenApiApp``;
- ``pool``: 1,096 pooled public functions with 1,911 requests (BFCL, see
  ``data/make_catalogue_pool.py``), split by request into ``dev`` (choices were made on it)
  and ``test`` (reported, never tuned on);
- ``apps``: the sample apps' tools with their examples taken away, and the single-tool
  requests of both planning sets (a user's own stream, for ``replay``).

Requests for ``mcp`` and ``github`` are in ``data/catalogue_requests.json``. Methods:
``nn`` (nearest tool card by the embedder), ``bm25`` (over the card), ``rrf`` (reciprocal-rank
fusion of the two), ``zeroshot`` (the SDK's ``ZeroShotRanker``: several cards per tool from
the description and the parameters, field-weighted BM25 trusted by the rarest word a request
shares with the catalogue, each kind of evidence standardised per request before it is
fused) and ``zeroshot+static`` (the same with the static WordLlama encoder as a second dense
opinion; needs the ``static`` extra, skipped without it); ``zeroshot+late`` and
``zeroshot+static+late`` add a late-interaction second stage over the top 50 (``resolve.late``).
Each line of output is one
(catalogue, method) with top-1 and recall@5, and for the zero-shot methods what building the
ranker took (``build_s``) and what one request costs (``request_ms``). ``replay`` lines
measure learning from use over a replayed stream (see ``replay``).
Run: ``python -m benchmarks.bench_catalogue`` (``--only pool-test replay`` for one part;
``--only replay-dev``: the development replay, fitted on ``pool-test``'s requests and
replaying ``pool-dev``, where choices about learning from use are made; ``--passes`` runs
some of a replay's passes only).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant_sdk.resolve.ranking import BM25, rrf
from assistant_sdk.tools import tool_card
from assistant_sdk.types import Tool
from embeddings.base import MissingDependencyError

from .common import RESULTS, ROOT, default_embedder, emit

HERE = Path(__file__).resolve().parent / "data"
Catalogue = tuple[list[Tool], list[tuple[str, str]]]


def pool() -> dict[str, Catalogue]:
    from app_adapters.base import safe_tool_name

    with gzip.open(HERE / "catalogue_pool.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    names: dict[str, str] = {}
    tools: list[Tool] = []
    for row in rows:
        if row["kind"] == "tool" and row["description"].strip():
            names[row["name"]] = safe_tool_name(row["name"], names.values())
            tools.append(Tool(names[row["name"]], row["description"], "pool", row["parameters"]))
    queries = [(r["text"], names[r["tool"]]) for r in rows if r["kind"] == "query"]
    queries = [(t, n) for t, n in queries if t.strip() and n in {x.name for x in tools}]
    return {"pool-dev": (tools, queries[0::2]), "pool-test": (tools, queries[1::2])}


def github() -> Catalogue:
    from app_adapters.base import safe_tool_name
    from app_adapters.openapi import OpenApiApp

    spec = ROOT / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = OpenApiApp.from_document("github", spec, "http://127.0.0.1:9")
    written = json.loads((HERE / "catalogue_requests.json").read_text())["github"]
    return list(app.tools()), [(text, safe_tool_name(op)) for text, op in written]


async def _mcp_tools() -> list[Tool]:
    from app_adapters.mcp import McpApp

    modules = ROOT / "node_modules" / "@modelcontextprotocol"
    servers = [
        ("time", sys.executable, ["-m", "mcp_server_time", "--local-timezone", "UTC"]),
        ("memory", "node", [str(modules / "server-memory" / "dist" / "index.js")]),
        ("everything", "node", [str(modules / "server-everything" / "dist" / "index.js"), "stdio"]),
    ]
    tools: list[Tool] = []
    for name, command, args in servers:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            async with McpApp.stdio(name, command, args, {"MEMORY_FILE_PATH": "/dev/null"}) as app:
                tools += app.tools()
    return tools


def apps() -> Catalogue:
    """The sample apps' tools with their example phrases taken away (as if a third party had
    written them), and the labelled single-tool requests of both planning sets, in a fixed
    shuffled order: a user's own stream, where the same intents come back in other words."""
    import random
    import tempfile
    from dataclasses import replace as with_fields

    from app_adapters.apps import load_sample_apps

    with tempfile.TemporaryDirectory() as tmp:
        tools = [
            with_fields(t, examples=()) for a in load_sample_apps(Path(tmp)) for t in a.tools()
        ]
    rows = []
    for name in ("planning.jsonl", "planning_holdout.jsonl"):
        with open(HERE / name, encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    names = {t.name for t in tools}
    stream = [
        (r["request"], r["tool"]) for r in rows if r["kind"] == "simple" and r["tool"] in names
    ]
    random.Random(0).shuffle(stream)
    return tools, stream


def calls(name: str) -> dict[str, dict[str, Any]]:
    """The arguments each request of a replayed stream, or of the fit before it, was settled
    with (request -> call), where the data has them: for ``apps`` the sample apps' calibration
    requests' and the planning sets' (the stream's, which win where a request is in both),
    BFCL's answers for the pool."""
    if name == "apps":
        from app_adapters.apps.calibration import calibration_calls

        rows = []
        for file in ("planning.jsonl", "planning_holdout.jsonl"):
            with open(HERE / file, encoding="utf-8") as fh:
                rows += [json.loads(line) for line in fh if line.strip()]
        settled = {r["request"]: r.get("arguments") or {} for r in rows if r["kind"] == "simple"}
        return calibration_calls() | settled
    if name.startswith("pool"):
        with gzip.open(HERE / "catalogue_pool_calls.jsonl.gz", "rt", encoding="utf-8") as fh:
            return {r["text"]: r["arguments"] for r in map(json.loads, fh)}
    return {}


def said_again(
    queries: Sequence[tuple[str, str]], calls: Mapping[str, Mapping[str, Any]], seed: int = 0
) -> tuple[list[tuple[str, str]], dict[str, Mapping[str, Any]]]:
    """The stream, then each of its requests said again with other values, in a shuffled
    order, and the calls of both: the request's words with its call's values (where they
    are said, ``templates.annotate``) replaced by the values of another request's call for
    the same tool, where one has them all (that call is the new request's). Requests with
    no value said in their words, or no other request to take values from, are not said
    again."""
    import random

    from assistant_sdk.reading.examples import fill_example
    from assistant_sdk.resolve.templates import annotate, literal, said_forms

    rng = random.Random(seed)
    by_tool: dict[str, list[Mapping[str, Any]]] = {}
    for text, label in queries:
        if calls.get(text):
            by_tool.setdefault(label, []).append(calls[text])
    again, settled = [], dict(calls)
    for text, label in queries:
        arguments, words = calls.get(text), " ".join(text.split())
        example = annotate(words, arguments) if arguments else literal(words)
        others = [c for c in by_tool.get(label, []) if c != arguments]
        rng.shuffle(others)
        for other in others if example != literal(words) else ():
            try:
                said = fill_example(example, lambda name, c=other: said_forms(c[name])[0])[0]
            except (KeyError, IndexError, ValueError):
                continue
            again.append((said, label))
            settled.setdefault(said, other)
            break
    rng.shuffle(again)
    return [*queries, *again], settled


def mcp() -> Catalogue:
    written = json.loads((HERE / "catalogue_requests.json").read_text())["mcp"]
    return asyncio.run(_mcp_tools()), [(t, n) for t, n in written]


# ------------------------------------------------------------------------------ methods
Ranker = Callable[[list[Tool], Sequence[str], Any], np.ndarray]


def _dense(cards: list[str], queries: Sequence[str], embedder: Any) -> np.ndarray:
    docs = embedder.embed_documents(cards).astype(np.float64)
    return embedder.embed_queries(list(queries)).astype(np.float64) @ docs.T


def _lexical(documents: list[str], queries: Sequence[str]) -> np.ndarray:
    bm25 = BM25(documents)
    out = np.zeros((len(queries), len(documents)))
    for row, query in enumerate(queries):
        docs, scores = bm25.scores(query)
        out[row, docs] = scores
    return out


def nn(tools: list[Tool], queries: Sequence[str], embedder: Any) -> np.ndarray:
    return _dense([tool_card(t) for t in tools], queries, embedder)


def bm25(tools: list[Tool], queries: Sequence[str], embedder: Any) -> np.ndarray:
    return _lexical([tool_card(t) for t in tools], queries)


def rrf_baseline(tools: list[Tool], queries: Sequence[str], embedder: Any) -> np.ndarray:
    return rrf([nn(tools, queries, embedder), bm25(tools, queries, embedder)])


def zeroshot(tools: list[Tool], queries: Sequence[str], embedder: Any) -> np.ndarray:
    """The SDK's zero-shot ranking (``ZeroShotRanker``): best of several cards per tool,
    field-weighted BM25 trusted by word rarity, standardised fusion."""
    return _zero_shot(tools, queries, embedder, None)


def zeroshot_static(tools: list[Tool], queries: Sequence[str], embedder: Any) -> np.ndarray:
    """``zeroshot`` with the static WordLlama encoder as a second dense opinion."""
    from embeddings.static import WordLlamaEmbedder

    return _zero_shot(tools, queries, embedder, WordLlamaEmbedder())


LATE = 0.25
"""MaxSim's weight in the late-interaction columns (``ZeroShotWeights.late``)."""


def zeroshot_late(tools: list[Tool], queries: Sequence[str], embedder: Any) -> np.ndarray:
    """``zeroshot`` with a second stage: its top 50 rescored by late interaction (MaxSim of
    the request's content-word states against the cards', ``resolve.late``)."""
    return _zero_shot(tools, queries, embedder, None, LATE)


def zeroshot_static_late(tools: list[Tool], queries: Sequence[str], embedder: Any) -> np.ndarray:
    """``zeroshot+static`` with the late-interaction second stage."""
    from embeddings.static import WordLlamaEmbedder

    return _zero_shot(tools, queries, embedder, WordLlamaEmbedder(), LATE)


COSTS: dict[str, float] = {}
"""What the last zero-shot method spent: building the ranker (s) and per request (ms)."""


def _zero_shot(tools: list[Tool], queries: Sequence[str], embedder: Any, second: Any,
               late: float = 0.0) -> np.ndarray:  # fmt: skip
    from assistant_sdk.resolve.zero_shot import ZeroShotRanker, ZeroShotWeights

    started = time.perf_counter()
    ranker = ZeroShotRanker(tools, embedder, second=second, weights=ZeroShotWeights(late=late))
    built = time.perf_counter()
    scores = ranker.scores(queries)
    done = time.perf_counter()
    for query in queries[:20]:  # one request at a time, as a device asks
        ranker.scores([query])
    single = (time.perf_counter() - done) / max(1, min(20, len(queries)))
    per_request = 1000 * (done - built) / max(1, len(queries))
    COSTS.update(
        build_s=round(built - started, 2),
        batch_ms_per_request=round(per_request, 2),
        request_ms=round(1000 * single, 2),
    )
    return scores


def resolver(tools: list[Tool], queries: Sequence[str], embedder: Any) -> np.ndarray:
    """The SDK's ``Resolver`` as shipped (unfitted; its zero-shot cards and BM25 document)."""
    from assistant_sdk import Resolver, ToolRegistry
    from assistant_sdk.engines.schemas import EngineSchemaWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EngineSchemaWarning)
        registry = ToolRegistry(tools)
    resolving = Resolver(embedder, registry)
    resolving.build()
    position = {t.name: i for i, t in enumerate(tools)}
    scores = np.full((len(queries), len(tools)), -np.inf)
    for row, query in enumerate(queries):
        ranked = resolving.search(query, k=5)
        for rank, tool in enumerate(ranked):
            scores[row, position[tool.name]] = -rank
    return scores


METHODS: dict[str, Ranker] = {
    "nn": nn,
    "bm25": bm25,
    "rrf": rrf_baseline,
    "zeroshot": zeroshot,
    "zeroshot+static": zeroshot_static,
    "zeroshot+late": zeroshot_late,
    "zeroshot+static+late": zeroshot_static_late,
    "resolver": resolver,
}


def measure(scores: np.ndarray, tools: list[Tool], labels: Sequence[str]) -> dict[str, float]:
    position = {t.name: i for i, t in enumerate(tools)}
    target = np.array([position[label] for label in labels])
    order = np.argsort(-scores, axis=1, kind="stable")[:, :5]
    top1 = float(np.mean(order[:, 0] == target))
    recall5 = float(np.mean([t in row for t, row in zip(target, order, strict=True)]))
    return {"top1": round(100 * top1, 1), "recall5": round(100 * recall5, 1)}


def replay(
    tools: list[Tool],
    queries: Sequence[tuple[str, str]],
    embedder: Any,
    fit: Sequence[tuple[str, str | None]] = (),
    calls: Mapping[str, Mapping[str, Any]] | None = None,
    again: int = 0,
    only: Sequence[str] = (),
) -> dict[str, Any]:
    """Learning from use over a replayed stream: the first request for a tool goes to the
    engine, which settles it (the label stands for the engine's choice) and it is learned;
    later requests for the same tool count as resolved on the device when the resolver
    decides LOCAL on the right tool. Learning on: every request the device did not resolve
    itself is learned once settled. Learning off: the same stream, nothing learned. With
    ``fit`` (labelled requests from another split), the resolver is calibrated on them first,
    as a deployment would be; ``top1`` counts the right tool first, whatever the decision.
    With ``calls`` (request -> the arguments of its settled call), ``learning`` keeps each
    request as an annotated example (values as placeholders), as ``Assistant`` does;
    ``learning_fit_annotated`` also fits with the calls of ``fit`` (``Resolver.fit`` with
    ``calls``: its simulated use learns them annotated and hears them said again with other
    values); ``learning_plain`` keeps the requests as plain text. ``again``: how many
    requests at the end of the stream are earlier ones said again (``said_again``), counted
    on their own as well. ``only``: the passes to run (default: all)."""
    # pass -> (learning, learned with calls, fitted with calls, trust by the confirmed rule)
    passes = {"no_learning": (False, False, False, False), "learning": (True, True, False, False),
              "learning_rule": (True, True, False, True)}  # fmt: skip
    if calls:
        passes["learning_fit_annotated"] = (True, True, True, False)
        passes["learning_plain"] = (True, False, False, False)
    passes = {k: v for k, v in passes.items() if not only or k in only}
    out = _stream_counts(queries) | {"said_again": again}
    fitted: dict[str, Any] = {}
    for key, (learning, learned, annotated, rule) in passes.items():
        said = calls if learned else None
        fit_calls = calls if annotated else None
        out |= _replay_pass(key, (learning, rule), tools, queries, embedder, (fit, fit_calls),
                            said, out, fitted)  # fmt: skip
    return out


def _stream_counts(queries: Sequence[tuple[str, str]]) -> dict[str, Any]:
    counts = Counter(label for _, label in queries)
    stream = [label for _, label in queries if counts[label] > 1]
    return {"stream": len(stream), "repeats": len(stream) - len(set(stream))}


def _replay_pass(key: str, how: tuple[bool, bool], tools: list[Tool],
                 queries: Sequence[tuple[str, str]],
                 embedder: Any,
                 fitting: tuple[Sequence[tuple[str, str | None]], Mapping[str, Any] | None],
                 calls: Mapping[str, Mapping[str, Any]] | None,
                 sizes: dict[str, Any], fitted: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """One pass over the stream; ``fitted`` shares a calibration between passes fitted alike
    (``fitting``: the rows, and the calls that annotate them or None). ``how``: whether it
    learns, and whether the confirmed rule decides trust instead of the fitted model."""
    import tempfile
    from dataclasses import replace

    from assistant_sdk import FactStore, Resolver, ToolRegistry
    from assistant_sdk.engines.schemas import EngineSchemaWarning
    from assistant_sdk.resolve.learning import UsageMemory
    from assistant_sdk.types import Decision

    counts = Counter(label for _, label in queries)
    stream = [(t, q) for t, q in queries if counts[q] > 1]
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", EngineSchemaWarning)
        facts = FactStore(Path(tmp) / "facts.db")
        resolving = Resolver(embedder, ToolRegistry(tools), facts)
        resolving.build()
        fit, fit_calls = fitting
        shared = "annotated" if fit_calls else "plain"  # fitted on requests as they are learned
        if fit and shared not in fitted:
            resolving.fit(list(fit), calls=fit_calls)
            fitted[shared] = (resolving.calibration, resolving.reader)
            out[f"simulated_use_{shared}"] = simulated_use(resolving, fit, fit_calls)
        elif fit:
            resolving.calibration, resolving.reader = fitted[shared]
        learning, rule = how
        if rule:
            resolving.calibration = replace(resolving.calibration, trust=None)
        memory = UsageMemory(facts, resolving)
        seen: set[str] = set()
        local = wrong = first = new_wrong = 0
        again = len(stream) - sizes["said_again"]
        local_again = wrong_again = 0
        for n, (text, label) in enumerate(stream):
            result = resolving.resolve(text)
            on_device = result.decision is Decision.LOCAL and result.top is not None
            right = on_device and result.top is not None and result.top.tool.name == label
            if label in seen:
                local += right
                wrong += on_device and not right
                first += result.top is not None and result.top.tool.name == label
            else:  # a tool asked for the first time: what learning must not disturb
                new_wrong += on_device and not right
            if n >= again:
                local_again += right
                wrong_again += on_device and not right
            if learning and not right:
                memory.learn(text, label, (calls or {}).get(text))
            seen.add(label)
        repeats = max(sizes["repeats"], 1)
        firsts = max(sizes["stream"] - sizes["repeats"], 1)
        out[f"{key}_on_device_pct"] = round(100 * local / repeats, 1)
        out[f"{key}_wrong_on_device_pct"] = round(100 * wrong / repeats, 1)
        if sizes["said_again"]:
            said = sizes["said_again"]
            out[f"{key}_said_again_on_device_pct"] = round(100 * local_again / said, 1)
            out[f"{key}_said_again_wrong_on_device_pct"] = round(100 * wrong_again / said, 1)
        out[f"{key}_top1_pct"] = round(100 * first / repeats, 1)
        out[f"{key}_first_requests_wrong_on_device_pct"] = round(100 * new_wrong / firsts, 1)
        t = resolving.calibration.thresholds
        fitted_to = (t.learned, t.personal, t.confirmed, t.confirmed_margin)
        names = ("learned", "personal", "confirmed", "confirmed_margin")
        out[f"{key}_thresholds"] = {n: round(v, 3) for n, v in zip(names, fitted_to, strict=True)}
        model = resolving.calibration.trust
        out[f"{key}_trust_threshold"] = None if model is None else round(model.threshold, 4)
        facts.close()
    return out


REPLAY_PASSES = ("no_learning", "learning", "learning_rule", "learning_fit_annotated",
                 "learning_plain")  # fmt: skip
"""A replay's passes (``replay``), by the keys its figures are named with."""
SIMULATED_PRECISIONS = (0.8, 0.85, 0.9, 0.95, 0.97)


def simulated_use(
    resolving: Any,
    fit: Sequence[tuple[str, str | None]],
    calls: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """What the trust model was fitted from: the fit's requests replayed as a stream
    (``simulate.replay_use``, as ``Resolver.fit`` does), the rows it recorded, how often the
    first candidate was right there, for each target precision how many rows of the first
    order a model bounded for it accepts (0: none reaches the bound; the rule for requests
    said whole included), and how many of those rows say a learned template whole and how
    often they are right (what ``TrustModel.said_whole`` is judged on)."""
    from assistant_sdk.resolve.fit import _labelled
    from assistant_sdk.resolve.simulate import replay_use
    from assistant_sdk.resolve.trust import FEATURES, fit_trust
    from assistant_sdk.resolve.use_rows import use_stream

    calibration = resolving.calibration
    labelled = [_labelled(resolving, text, label) for text, label in fit]
    use = use_stream(resolving, fit, labelled, calls)
    seen = replay_use(use.rows, use.vectors, use.labels, calibration.weights,
                      calibration.thresholds, documents=use.documents,
                      said=(use.texts, use.templates))  # fmt: skip
    accepted = {}
    for precision in SIMULATED_PRECISIONS:
        model = fit_trust(seen.x, seen.right, seen.groups, seen.judged, precision=precision)
        judged = seen.x[seen.judged]
        accepted[str(precision)] = 0 if model is None else sum(model.trusts(row) for row in judged)
    share = float(seen.right[seen.judged].mean()) if seen.judged.any() else 0.0
    said = seen.judged & (seen.x[:, FEATURES.index("template_said")] >= 1.0)
    whole = {"rows": int(said.sum()), "right_pct": round(100 * float(seen.right[said].mean()), 1)
             if said.any() else None}  # fmt: skip
    return {"rows": int(seen.judged.sum()), "said_again": use.said_again,
            "right_pct": round(100 * share, 1), "accepted_at_precision": accepted,
            "said_whole": whole}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="catalogues to run (mcp github pool-dev ...)")
    parser.add_argument("--methods", nargs="*", choices=sorted(METHODS), help="default: all")
    parser.add_argument("--passes", nargs="*", choices=REPLAY_PASSES, help="default: all")
    args = parser.parse_args(argv)
    embedder = default_embedder()
    out = RESULTS / "catalogue.jsonl"
    catalogues: dict[str, Callable[[], Any]] = {
        "mcp": mcp,
        "github": github,
        "pool": pool,
        "apps": apps,
    }
    only = set(args.only or ())
    names = only - {"replay", "replay-dev"}

    def ranked(key: str, name: str) -> bool:
        return not only or name in names or key in names

    def replayed(key: str, name: str) -> bool:
        if name == "pool-dev":  # the development replay, on request only
            return "replay-dev" in only
        chosen = not names or name in names or key in names
        replays = ("mcp", "pool-test", "apps")
        return name in replays and (not only or ("replay" in only and chosen))

    from app_adapters.apps.calibration import calibration_rows

    fits: dict[str, Sequence[tuple[str, str | None]]] = {"apps": calibration_rows()}
    for key, load in catalogues.items():
        parts_of = ("pool-dev", "pool-test") if key == "pool" else (key,)
        if not any(ranked(key, n) or replayed(key, n) for n in parts_of):
            continue
        loaded = load()
        if isinstance(loaded, dict):  # each half of the pool is fitted on the other's requests
            fits["pool-test"] = loaded["pool-dev"][1]
            fits["pool-dev"] = loaded["pool-test"][1]
        parts = loaded if isinstance(loaded, dict) else {key: loaded}
        for name, (tools, queries) in parts.items():
            if ranked(key, name):
                _rank_all(name, tools, queries, embedder, out, args.methods)
            if replayed(key, name):
                started = time.perf_counter()
                record = {"bench": "catalogue", "catalogue": name, "method": "replay",
                          **replay(tools, queries, embedder, fits.get(name, ()), calls(name),
                                   only=args.passes or ()),
                          "seconds": round(time.perf_counter() - started, 2)}  # fmt: skip
                emit(record, out)
            if replayed(key, name) and calls(name):  # the same intents said again
                started = time.perf_counter()
                stream, settled = said_again(queries, calls(name))
                record = {"bench": "catalogue", "catalogue": f"{name}-again", "method": "replay",
                          **replay(tools, stream, embedder, fits.get(name, ()), settled,
                                   again=len(stream) - len(queries), only=args.passes or ()),
                          "seconds": round(time.perf_counter() - started, 2)}  # fmt: skip
                emit(record, out)


def _rank_all(name: str, tools: list[Tool], queries: Sequence[tuple[str, str]], embedder: Any,
              out: Path, methods: Sequence[str] | None = None) -> None:  # fmt: skip
    texts, labels = [q for q, _ in queries], [label for _, label in queries]
    for method, rank in METHODS.items():
        if methods and method not in methods:
            continue
        started = time.perf_counter()
        COSTS.clear()
        try:
            scores = rank(tools, texts, embedder)
        except MissingDependencyError as exc:  # an optional encoder that is not installed
            emit({"bench": "catalogue", "catalogue": name, "method": method,
                  "skipped": str(exc)}, out)  # fmt: skip
            continue
        record = {"bench": "catalogue", "catalogue": name, "method": method,
                  "tools": len(tools), "requests": len(queries),
                  **measure(scores, tools, labels), **COSTS,
                  "seconds": round(time.perf_counter() - started, 2)}  # fmt: skip
        emit(record, out)


if __name__ == "__main__":
    main()
