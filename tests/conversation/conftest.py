"""One sample phone for the conversation tests: the sample apps over a seeded demo profile, the
calibrated resolver, and a fixed clock (Wednesday 4 March 2026, 10:00)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from app_adapters.apps import DEMO_FACTS, load_sample_apps, seed_demo_profile
from app_adapters.apps.calibration import calibration_rows
from app_adapters.apps.contacts import ContactBook
from assistant_sdk import Assistant, FactStore, Resolver, Tool, ToolRegistry
from assistant_sdk.engines.anthropic import AnthropicEngine
from embeddings.base import Embedder
from tests.engine.fake_anthropic import FakeAnthropic, anthropic_engine

NOW = datetime(2026, 3, 4, 10, 0)


@dataclass
class Phone:
    registry: ToolRegistry
    resolver: Resolver
    book: ContactBook
    asked: list[tuple[str, dict[str, Any]]]
    answer: bool = False
    """What the user says to every confirmation question."""

    def confirm(self, tool: Tool, arguments: Mapping[str, Any]) -> bool:
        self.asked.append((tool.name, dict(arguments)))
        return self.answer

    def assistant(self, engine: AnthropicEngine | None = None, **options: Any) -> Assistant:
        return Assistant(
            self.registry,
            self.resolver,
            engine,
            people=self.book.all,
            clock=lambda: NOW,
            confirm=self.confirm,
            **options,
        )


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Phone:
    folder = Path(tmp_path_factory.mktemp("conversation"))
    apps = folder / "apps"
    seed_demo_profile(apps, now=lambda: NOW)
    registry = ToolRegistry()
    for app in load_sample_apps(apps, now=lambda: NOW):
        registry.add_app(app)
    facts = FactStore(folder / "facts.sqlite3")
    for fact in DEMO_FACTS:
        facts.remember(fact)
    resolver = Resolver(embedder, registry, facts)
    resolver.build()
    resolver.fit(calibration_rows())
    return Phone(registry, resolver, ContactBook(apps / "contacts"), [])


@pytest.fixture
def phone(sample: Phone) -> Iterator[Phone]:
    sample.asked.clear()
    sample.answer = False
    yield sample


@pytest.fixture
def claude(fake: FakeAnthropic) -> AnthropicEngine:
    return anthropic_engine(fake)
