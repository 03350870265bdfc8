"""What the console drives: the sample phone, the user's facts and privacy policy, the
on-device resolver, and the assistant that plans on the device or hands over to an engine.

The first start seeds a demo profile, exports the model and builds the index (with a progress
callback); later starts load the saved index, which is keyed by the catalogue, so a changed
catalogue rebuilds it. The policy lives in ``<data>/demo/policy.toml`` and the audit log of
executed writes in ``<data>/demo/audit.jsonl``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import assistant_sdk
from app_adapters.apps import DEMO_FACTS, load_sample_apps, seed_demo_profile
from app_adapters.apps.calibration import calibration_rows
from app_adapters.apps.contacts import ContactBook
from assistant_sdk import (
    Assistant,
    AuditLog,
    ConfigurationError,
    Destination,
    Fact,
    FactKind,
    FactStore,
    IndexStoreError,
    PrivacyPolicy,
    Reply,
    Resolution,
    Resolver,
    Tool,
    ToolRegistry,
    load_resolver,
    save_resolver,
)
from assistant_sdk.assistant import Event
from assistant_sdk.conversation import Conversation
from assistant_sdk.engines import Engine
from assistant_sdk.manifest import dump_manifest
from assistant_sdk.resolve.learning import LearnedExample
from assistant_sdk.settings import Settings
from assistant_sdk.types import DATA_CLASSES

__all__ = ["Session"]

Progress = Callable[[str, float], None]
#: The sample apps' writes that another of their tools reverses, for "make it 7:30" and
#: "never mind" after a write (the console asks before it undoes anything).
WARM_UP = ("remind me tomorrow at 9 to call mom", "who is my boss", "play some music")
"""Requests resolved and planned (never run) while the prompt waits: they load the readers'
lazy imports (dates, numbers) and the model's first-run buffers before the user's first request."""


class Session:
    """``now`` is the clock of the apps and the planner (default: the real one); a fixed one
    makes a session reproducible, as the README's transcript is."""

    def __init__(
        self,
        settings: Settings,
        *,
        progress: Progress | None = None,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.settings = settings
        self.now = now
        self.root = settings.data_dir / "demo"
        apps_dir = self.root / "apps"
        if not apps_dir.exists():
            seed_demo_profile(apps_dir, now=now)
        self.registry = ToolRegistry()
        for app in load_sample_apps(apps_dir, now=now):
            self.registry.add_app(app)
        self.book = ContactBook(apps_dir / "contacts")
        self.facts = FactStore(self.root / "facts.sqlite3")
        if len(self.facts) == 0:
            for fact in DEMO_FACTS:
                self.facts.remember(fact)
        self.policy_file = self.root / "policy.toml"
        self.policy = (
            PrivacyPolicy.load(self.policy_file) if self.policy_file.exists() else PrivacyPolicy()
        )
        self.audit = AuditLog(self.root / "audit.jsonl")
        self.resolver = self._resolver(progress)
        self.last: Resolution | None = None
        self.engine: Engine | None = None
        self.local_engine: Engine | None = None
        self.ask: Callable[[Tool, Mapping[str, Any]], bool] | None = None
        """How the front end asks the user to approve a risky call (None: refuse them)."""
        self.assistant = self._assistant()
        self.conversation = self.assistant.conversation()
        """The dialogue the console keeps: follow-ups, corrections, history for the engine."""
        self.transcriber: Any = None
        self._warming: threading.Thread | None = None

    def use_engine(self, engine: Engine | None = None, local: Engine | None = None) -> None:
        """Let a cloud engine, a local engine, or both plan what the device cannot finish."""
        self.engine, self.local_engine = engine, local
        self.assistant = self._assistant()
        self.conversation.use(self.assistant)

    def _assistant(self) -> Assistant:
        return Assistant(
            self.registry,
            self.resolver,
            self.engine,
            local_engine=self.local_engine,
            policy=self.policy,
            people=self.book.all,
            clock=self.now,
            confirm=self._confirm,
            audit=self.audit,
            learn_from_use=True,
        )

    def _confirm(self, tool: Tool, arguments: Mapping[str, Any]) -> bool:
        return self.ask is not None and self.ask(tool, arguments)

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

    # ------------------------------------------------------------- warm-up
    def warm_up(self) -> None:
        """Start resolving and planning ``WARM_UP`` in the background (nothing runs or is
        shown). ``wait_warm`` before handling a request, so the two never overlap."""
        if self._warming is None:
            self._warming = threading.Thread(target=self._warm, name="warm-up", daemon=True)
            self._warming.start()

    def wait_warm(self) -> None:
        if self._warming is not None:
            self._warming.join()

    def _warm(self) -> None:
        from assistant_sdk.plan import plan_locally

        facts, names = self.facts.all(), [p.name for p in self.book.all()]
        for text in WARM_UP:
            try:
                resolution = self.resolver.resolve(text)
                if self.assistant.fact_answers is not None:
                    self.assistant.fact_answers.answer(resolution, facts, self.policy)
                plan_locally(
                    resolution,
                    facts,
                    now=self.now(),
                    contacts=names,
                    embedder=self.resolver.embedder,
                )
            except Exception:  # the real request meets (and reports) the same error
                return

    # ------------------------------------------------------------- requests
    def resolve(self, text: str) -> Resolution:
        self.resolver.build()  # picks up remembered or forgotten facts (only those re-embed)
        self.last = self.resolver.resolve(text)
        return self.last

    async def handle(self, text: str) -> Reply:
        """Plan on the device, or hand over to the engine the policy allows; act; reply."""
        self.resolver.build()
        reply = await self.assistant.ahandle(text)
        self.last = reply.resolution
        return reply

    def stream(self, text: str, resolution: Resolution | None = None) -> AsyncIterator[Event]:
        """``handle``, step by step; pass the ``resolve`` result already shown, if any."""
        if resolution is None:
            self.resolver.build()
        return self.assistant.stream(text, resolution=resolution)

    def stream_answer(self, reply: Reply, choice: str) -> AsyncIterator[Event]:
        return self.assistant.stream_answer(reply, choice)

    def turn(self, text: str, resolution: Resolution | None = None) -> AsyncIterator[Event]:
        """One turn of the conversation: a request, a follow-up, or the answer to a question."""
        self.resolver.build()
        return self.conversation.stream(text, resolution=resolution)

    def new_conversation(self) -> Conversation:
        self.conversation = self.assistant.conversation()
        return self.conversation

    async def answer(self, reply: Reply, choice: str) -> Reply:
        """Continue a request the assistant asked about (``reply.clarification``)."""
        return await self.assistant.aanswer(reply, choice)

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

    def learned(self) -> list[LearnedExample]:
        """The requests kept as personal examples of the tools they settled."""
        return self.assistant.memory.examples() if self.assistant.memory else []

    def unlearn(self, tool: str | None = None) -> int:
        """Forget the learned examples (of one tool, or all); the index drops them at once."""
        return self.assistant.memory.forget(tool) if self.assistant.memory else 0

    def apps(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for tool in sorted(self.registry, key=lambda t: (t.app, t.name)):
            grouped.setdefault(tool.app, []).append(tool.name)
        return grouped

    # --------------------------------------------------------------- policy
    def set_policy(self, data_class: str, destination: str) -> PrivacyPolicy:
        """Move one data class and save the policy file (checked as any policy file is)."""
        return self._save(self.policy.with_limits(**{data_class: Destination(destination)}))

    def set_derived(self, data_class: str, setting: str) -> PrivacyPolicy:
        """What of a local model's answer about ``data_class`` may go up: no, count or text."""
        if data_class not in DATA_CLASSES:
            raise ConfigurationError(f"unknown data class {data_class!r}")
        return self._save(self.policy.with_derived(**{data_class: setting}))

    def _save(self, policy: PrivacyPolicy) -> PrivacyPolicy:
        self.policy = policy
        header = "# Where each data class may go (device, local or cloud), and [derived]: what of\n"
        header += "# a local model's answer about it may go to the cloud (no, count or text).\n"
        self.policy_file.write_text(header + policy.dumps(), encoding="utf-8")
        self.assistant = self._assistant()
        self.conversation.use(self.assistant)
        return self.policy

    @staticmethod
    def data_classes() -> list[str]:
        return sorted(DATA_CLASSES)


def _catalogue_key(registry: ToolRegistry, package: Path | None = None) -> str:
    """What the fitted index depends on: the catalogue, its calibration requests and the code
    that builds and fits it (an index fitted by another version of the SDK is rebuilt)."""
    manifest = dump_manifest(list(registry))
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode())
    digest.update(
        Path(calibration_rows.__code__.co_filename).with_name("calibration.jsonl").read_bytes()
    )
    package = package or Path(assistant_sdk.__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]
