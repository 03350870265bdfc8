"""Session-wide fixtures: one exported model and one loaded embedder for the whole run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant_sdk.settings import load_settings
from embeddings.base import Embedder
from tests.engine.fake_anthropic import FakeAnthropic


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The default model, built into the user's cache on first use (as ``make model`` does)."""
    from embeddings.build import build_model

    return build_model(load_settings().cache_dir)


@pytest.fixture(scope="session")
def embedder(model_dir: Path) -> Embedder:
    from embeddings.onnx import OnnxEmbedder

    return OnnxEmbedder(model_dir)


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    """A fake Anthropic Messages API server on 127.0.0.1 that records every byte it receives."""
    server = FakeAnthropic()
    yield server
    server.close()
