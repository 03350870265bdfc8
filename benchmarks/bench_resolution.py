"""Resolution quality: this resolver vs. four baselines, same encoder, same examples, one run.

    python -m benchmarks.bench_resolution --datasets snips banking77 banking77_oos \
        --shots 0 5 10 all [--adapt] [--semantic-router]

Baselines (all see each tool's card text plus its K examples, and calibrate an abstention
threshold on the validation split): nearest example (1-NN), per-intent centroid, logistic
regression on the frozen embeddings (C chosen on validation), and semantic-router 1.x
``IndexedRouter`` (installed only for benchmarks: ``pip install semantic-router==1.1.1``).
``banking77_oos`` holds back every 7th BANKING77 intent: its rows become out-of-scope.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from assistant_sdk.resolve.evaluate import (
    OOS,
    LabelledRow,
    evaluate,
    load_dataset,
    tool_name,
    tools_for_dataset,
)
from assistant_sdk.tools import tool_card

from .common import CACHE, RESULTS, dataset, default_embedder, emit

Scorer = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]  # queries -> (pred idx, confidence)


def held_back(rows: Sequence[LabelledRow], every: int = 7) -> list[LabelledRow]:
    """BANKING77 with every ``every``-th intent held back as out-of-scope (train rows dropped)."""
    intents = sorted({r.intent for r in rows})
    hidden = set(intents[::every])
    return [
        LabelledRow(r.text, OOS if r.intent in hidden else r.intent, r.split)
        for r in rows
        if not (r.intent in hidden and r.split == "train")
    ]


def load(name: str) -> list[LabelledRow]:
    if name.endswith("_oos"):
        return held_back(load_dataset(dataset(name.removesuffix("_oos"))))
    return load_dataset(dataset(name))


def baselines(embed: Any, tools: list[Any], with_router: bool) -> dict[str, Scorer]:
    texts, labels = [], []
    for n, tool in enumerate(tools):
        for text in (tool_card(tool), *tool.examples):
            texts.append(text)
            labels.append(n)
    x = embed.embed_documents(texts)
    y = np.array(labels)
    classes = len(tools)
    centroids = np.stack([x[y == c].mean(0) for c in range(classes)])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)

    def nearest(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sims = q @ x.T
        best = sims.argmax(1)
        return y[best], sims.max(1)

    def centroid(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sims = q @ centroids.T
        return sims.argmax(1), sims.max(1)

    out: dict[str, Scorer] = {"1-NN": nearest, "centroid": centroid}
    out["logreg"] = _logreg(x, y)
    if with_router:
        out["semantic-router"] = _router(embed, texts, labels, tools)
    return out


def _logreg(x: np.ndarray, y: np.ndarray) -> Scorer:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=10.0, max_iter=3000).fit(x, y)

    def score(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = model.predict_proba(q)
        return model.classes_[p.argmax(1)], p.max(1)

    return score


def _router(embed: Any, texts: list[str], labels: list[int], tools: list[Any]) -> Scorer:
    from pydantic import PrivateAttr
    from semantic_router import Route
    from semantic_router.encoders import DenseEncoder
    from semantic_router.routers import IndexedRouter

    class Encoder(DenseEncoder):  # type: ignore[misc]
        name: str = "assistant-sdk-minilm-onnx"
        _embed: Any = PrivateAttr()

        def __call__(self, docs: list[Any]) -> list[list[float]]:
            return self._embed.embed_documents([str(d) for d in docs]).tolist()

    encoder = Encoder()
    encoder._embed = embed
    routes = [
        Route(name=str(n), utterances=[t for t, lab in zip(texts, labels, strict=True) if lab == n])
        for n in range(len(tools))
    ]
    router = IndexedRouter(encoder=encoder, routes=routes, top_k=5)

    from semantic_router.routers.base import run

    def score(q_texts: Any) -> tuple[np.ndarray, np.ndarray]:
        """Top-1 from the router's raw route scores; confidence 1 where its fitted thresholds
        let a route through, -1 where it abstains."""
        raw = run(router._scores_many(list(q_texts)))
        pred = np.array([int(max(s, key=s.get)) for s in raw])
        chosen = [router(t).name for t in q_texts]
        return pred, np.array([1.0 if c is not None else -1.0 for c in chosen])

    score.takes_text = True  # type: ignore[attr-defined]
    score.router = router  # type: ignore[attr-defined]
    return score


def run_baseline(
    scorer: Scorer, embed: Any, tools: list[Any], rows: Sequence[LabelledRow]
) -> dict[str, Any]:
    index = {tool_name(t.name): n for n, t in enumerate(tools)}
    val = [r for r in rows if r.split == "val"]
    test = [r for r in rows if r.split == "test"]
    takes_text = getattr(scorer, "takes_text", False)
    if takes_text and val:
        router = scorer.router  # type: ignore[attr-defined]
        router.fit(
            [r.text for r in val],
            [None if r.intent == OOS else str(index[tool_name(r.intent)]) for r in val],
        )

    def predict(batch: Sequence[LabelledRow]) -> tuple[np.ndarray, np.ndarray]:
        texts = [r.text for r in batch]
        return scorer(texts if takes_text else embed.embed_queries(texts))  # type: ignore[arg-type]

    def truth(batch):
        return np.array([-1 if r.intent == OOS else index[tool_name(r.intent)] for r in batch])

    threshold = 0.0 if takes_text else -np.inf
    if val and not takes_text:
        vp, vc = predict(val)
        threshold = _fit_threshold(vp, vc, truth(val))
    started = time.perf_counter()
    pred, conf = predict(test)
    elapsed = time.perf_counter() - started
    gold = truth(test)
    abstain = (conf < threshold) | (pred < 0)
    inscope = gold >= 0
    correct = np.where(inscope, (pred == gold) & ~abstain, abstain)
    return {
        "top1": float((pred[inscope] == gold[inscope]).mean()),
        "accuracy": float(correct.mean()),
        "oos_recall": float(abstain[~inscope].mean()) if (~inscope).any() else None,
        "abstain_rate": float(abstain.mean()),
        "ms_per_query": elapsed * 1000 / len(test),
    }


def _fit_threshold(pred: np.ndarray, conf: np.ndarray, gold: np.ndarray) -> float:
    inscope = gold >= 0
    if inscope.all():
        return float(np.quantile(conf, 0.01)) - 1e-9
    best, best_acc = -np.inf, -1.0
    for t in np.unique(conf):
        keep = conf >= t
        acc = float(np.where(inscope, (pred == gold) & keep, ~keep).mean())
        if acc > best_acc:
            best, best_acc = float(t), acc
    return best


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--datasets", nargs="+", default=["snips", "banking77", "banking77_oos"])
    parser.add_argument("--shots", nargs="+", default=["0", "5", "10", "all"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--adapt", action="store_true", help="also run with the encoder adapted by fit"
    )
    parser.add_argument("--semantic-router", action="store_true", dest="router")
    parser.add_argument("--out", type=Path, default=RESULTS / "resolution.jsonl")
    args = parser.parse_args(argv)
    embed = default_embedder()
    for name in args.datasets:
        rows = load(name)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{name}.jsonl"
            path.write_text("\n".join(json.dumps(asdict(r)) for r in rows))
            for shots_arg in args.shots:
                shots = None if shots_arg == "all" else int(shots_arg)
                tools = tools_for_dataset(rows, shots, args.seed)
                base = {"dataset": name, "shots": shots_arg, "seed": args.seed}
                for method, scorer in baselines(embed, tools, args.router).items():
                    emit(
                        {**base, "method": method, **run_baseline(scorer, embed, tools, rows)},
                        args.out,
                    )
                report = evaluate(path, embed, shots=shots, seed=args.seed)
                emit({**base, "method": "assistant-sdk", **_ours(report)}, args.out)
                if args.adapt and shots != 0:
                    report = evaluate(path, embed, shots=shots, seed=args.seed, adapt_cache=CACHE)
                    emit({**base, "method": "assistant-sdk+adapt", **_ours(report)}, args.out)


def _ours(report: Any) -> dict[str, Any]:
    d = report.to_dict()
    return {
        k: d[k]
        for k in (
            "top1",
            "accuracy",
            "oos_recall",
            "abstain_rate",
            "recall_at_5",
            "resolve_ms_p50",
            "local_rate",
            "local_precision",
            "fit_s",
        )
    }


if __name__ == "__main__":
    main()
