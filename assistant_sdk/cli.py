"""The ``assistant-sdk`` command: ``demo``, ``eval``, ``index`` and ``build-model``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import AssistantError
from .settings import load_settings

if TYPE_CHECKING:
    from embeddings.base import Embedder

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["demo"]:  # the console parses its own options (--engine, --voice)
        return _demo(argparse.Namespace(rest=given[1:]))
    args = parser.parse_args(given)
    try:
        return int(args.run(args))
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant-sdk", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    build = commands.add_parser("build-model", help="export the on-device embedding model once")
    build.add_argument("--force", action="store_true", help="rebuild even if cached")
    build.set_defaults(run=_build_model)

    ev = commands.add_parser("eval", help="benchmark resolution on a labelled request set")
    ev.add_argument("dataset", type=Path, help="JSON Lines with text, intent, split")
    ev.add_argument("--shots", default="5", help="examples per intent: a number or 'all'")
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument("--tools", type=Path, help="manifest describing the tools (JSON)")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument(
        "--slots",
        action="store_true",
        help="also train the argument reader on the rows' slots and report slot F1 and frames",
    )
    ev.add_argument(
        "--adapt",
        choices=("auto", "yes", "no"),
        default="auto",
        help="adapt the encoder to the examples first (auto: when the build extra is installed)",
    )
    ev.set_defaults(run=_eval)

    index = commands.add_parser("index", help="build and save an index for a tool manifest")
    index.add_argument("manifest", type=Path, help="tools to index (JSON manifest)")
    index.add_argument("--facts", type=Path, help="facts database to index beside the tools")
    index.add_argument("--out", type=Path, required=True, help="folder to save the index in")
    index.set_defaults(run=_index)

    demo = commands.add_parser("demo", help="the interactive console", add_help=False)
    demo.add_argument("rest", nargs=argparse.REMAINDER)
    demo.set_defaults(run=_demo)
    return parser


def _embedder() -> Embedder:
    from embeddings.onnx import OnnxEmbedder

    return OnnxEmbedder.from_cache(load_settings().cache_dir)


def _build_model(args: argparse.Namespace) -> int:
    from embeddings.build import build_model

    path = build_model(load_settings().cache_dir, progress=_progress, force=args.force)
    print(f"\nmodel ready: {path}")
    return 0


def _progress(stage: str, fraction: float) -> None:
    width = 30
    filled = int(width * min(max(fraction, 0.0), 1.0))
    print(f"\r{stage:<28} [{'#' * filled}{'.' * (width - filled)}]", end="", flush=True)


def _eval(args: argparse.Namespace) -> int:
    from .resolve.evaluate import evaluate

    shots = None if args.shots == "all" else int(args.shots)
    manifest = None
    if args.tools:
        from .manifest import load_manifest

        manifest = load_manifest(args.tools)
    cache = load_settings().cache_dir if _wants_adapt(args.adapt, shots) else None
    embedder = _embedder()
    report = evaluate(
        args.dataset, embedder, shots=shots, seed=args.seed, manifest=manifest, adapt_cache=cache
    ).to_dict()
    if args.slots:
        report |= _eval_slots(args.dataset, embedder, shots, args.seed, cache)
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key:>16}: {value:.4f}" if isinstance(value, float) else f"{key:>16}: {value}")
    return 0


def _eval_slots(
    dataset: Path, embedder: Embedder, shots: int | None, seed: int, adapt_cache: Path | None
) -> dict[str, Any]:
    """Slot figures; with ``adapt_cache``, over the encoder fine-tuned to tag the train rows."""
    from .reading.slot_eval import evaluate_slots, load_slot_rows, tuned_embedder

    rows = load_slot_rows(dataset)
    tuned_s = 0.0
    if adapt_cache is not None:
        tuned, tuned_s = tuned_embedder(rows, shots, seed, adapt_cache)
        embedder = tuned or embedder
    slots = evaluate_slots(rows, embedder, shots=shots, seed=seed, dataset=dataset.stem)  # type: ignore[arg-type]
    keep = ("slot_f1", "frame_accuracy", "frame_accuracy_e2e", "intent_accuracy", "read_ms_p50")
    figures = {k: v for k, v in slots.to_dict().items() if k in keep}
    return figures | {"slot_train_s": slots.train_s, "slot_adapt_s": tuned_s}


def _wants_adapt(choice: str, shots: int | None) -> bool:
    if choice == "no" or shots == 0:
        return False
    if choice == "yes":
        return True
    import importlib.util

    return all(importlib.util.find_spec(m) for m in ("torch", "sentence_transformers"))


def _index(args: argparse.Namespace) -> int:
    from .facts import FactStore
    from .manifest import load_manifest
    from .resolve.index_store import save_resolver
    from .resolve.resolver import Resolver
    from .tools import ToolRegistry

    registry = ToolRegistry(load_manifest(args.manifest))
    facts = FactStore(args.facts) if args.facts else None
    resolver = Resolver(_embedder(), registry, facts)
    embedded = resolver.build()
    out = save_resolver(resolver, args.out)
    print(f"indexed {len(registry)} tools ({embedded} entries embedded); saved to {out}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from demo.__main__ import main as demo_main

    return int(demo_main(args.rest))


if __name__ == "__main__":
    raise SystemExit(main())
