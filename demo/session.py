"""What the console drives: the sample phone, the user's facts and the on-device resolver.

The first start seeds a demo profile, exports the model and builds the index (with a progress
callback); later starts load the saved index, which is keyed by the catalogue, so a changed
catalogue rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app_adapters.apps import DEMO_FACTS, load_sample_apps, seed_demo_profile
from app_adapters.apps.calibration import calibration_rows
from assistant_sdk import (
    Assistant,
    Decision,
    Fact,
    FactKind,
    FactStore,
    IndexStoreError,
    Resolution,
    Resolver,
    ToolRegistry,
    load_resolver,
    save_resolver,
)
from assistant_sdk.dispatch import Confirm
from assistant_sdk.engines import Engine
from assistant_sdk.manifest import dump_manifest
from assistant_sdk.settings import Settings
from assistant_sdk.types import DATA_CLASSES

__all__ = ["Outcome", "Session"]

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Outcome:
    """What happened to one request."""

    resolution: Resolution
    action: str
    """"ran", "replied" (an engine planned it; ``result`` is the Reply), "needs_engine",
    "clarify" or "out_of_scope"."""
    result: Any = None
    would_send: tuple[str, ...] = ()
    """Tool names the engine would receive."""
    facts_sent: tuple[str, ...] = ()


class Session:
    def __init__(self, settings: Settings, *, progress: Progress | None = None) -> None:
        self.settings = settings
        self.root = settings.data_dir / "demo"
        apps_dir = self.root / "apps"
        if not apps_dir.exists():
            seed_demo_profile(apps_dir)
        self.registry = ToolRegistry()
        for app in load_sample_apps(apps_dir):
            self.registry.add_app(app)
        self.facts = FactStore(self.root / "facts.sqlite3")
        if len(self.facts) == 0:
            for fact in DEMO_FACTS:
                self.facts.remember(fact)
        self.resolver = self._resolver(progress)
        self.last: Resolution | None = None
        self.assistant = Assistant(self.registry, self.resolver)
        self.trace: list[tuple[str, str, float]] = []
        self.transcriber: Any = None

    def use_engine(self, engine: Engine, confirm: Confirm) -> None:
        """Let an engine plan what the device cannot finish alone."""
        self.assistant = Assistant(self.registry, self.resolver, engine, confirm=confirm)

    async def _with_engine(self, text: str) -> Outcome:
        self.resolver.build()
        reply = await self.assistant.ahandle(text)
        self.last = reply.resolution
        return Outcome(reply.resolution, "replied", reply)

    def _resolver(self, progress: Progress | None) -> Resolver:
        from embeddings.build import build_model
        from embeddings.onnx import OnnxEmbedder

        embedder = OnnxEmbedder(build_model(self.settings.cache_dir, progress=progress))
        folder = self.settings.cache_dir / "demo-index" / _catalogue_key(self.registry)
        try:
            return load_resolver(folder, embedder, self.registry, self.facts)
        except IndexStoreError:
            pass
        if progress:
            progress("indexing the sample apps", 0.5)
        resolver = Resolver(embedder, self.registry, self.facts)
        resolver.build()
        resolver.fit(calibration_rows())
        save_resolver(resolver, folder)
        if progress:
            progress("index ready", 1.0)
        return resolver

    # ------------------------------------------------------------- requests
    def resolve(self, text: str) -> Resolution:
        self.resolver.build()  # picks up remembered or forgotten facts (only those re-embed)
        self.last = self.resolver.resolve(text)
        return self.last

    async def handle(self, text: str) -> Outcome:
        if self.assistant.engine is not None:
            return await self._with_engine(text)
        res = self.resolve(text)
        if res.decision is Decision.OUT_OF_SCOPE:
            return Outcome(res, "out_of_scope")
        if res.decision is Decision.CLARIFY:
            return Outcome(res, "clarify")
        top = res.top
        assert top is not None
        if res.decision is Decision.LOCAL and not top.tool.required:
            adapter = self.registry.adapter_for(top.tool.name)
            assert adapter is not None
            return Outcome(res, "ran", await adapter.call(top.tool.name, {}))
        sent = tuple(t.name for t in self.assistant.select(res))
        return Outcome(
            res, "needs_engine", would_send=sent, facts_sent=tuple(m.fact.key for m in res.facts)
        )

    # ---------------------------------------------------------------- facts
    def remember(self, key: str, value: str) -> Fact:
        existing = self.facts.get(key)
        fact = Fact(
            key=key,
            value=value,
            kind=existing.kind if existing else FactKind.NOTE,
            data_class=existing.data_class if existing else "preferences",
        )
        self.facts.remember(fact)
        return fact

    def forget(self, key: str) -> bool:
        return self.facts.forget(key)

    def apps(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for tool in sorted(self.registry, key=lambda t: (t.app, t.name)):
            grouped.setdefault(tool.app, []).append(tool.name)
        return grouped

    @staticmethod
    def data_classes() -> list[str]:
        return sorted(DATA_CLASSES)


def _catalogue_key(registry: ToolRegistry) -> str:
    manifest = dump_manifest(list(registry))
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode())
    digest.update(
        Path(calibration_rows.__code__.co_filename).with_name("calibration.jsonl").read_bytes()
    )
    return digest.hexdigest()[:16]
