"""Session-wide fixtures: one exported model and one loaded embedder for the whole run."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant_sdk.settings import load_settings
from embeddings.base import Embedder


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The default model, built into the user's cache on first use (as ``make model`` does)."""
    from embeddings.build import build_model

    return build_model(load_settings().cache_dir)


@pytest.fixture(scope="session")
def embedder(model_dir: Path) -> Embedder:
    from embeddings.onnx import OnnxEmbedder

    return OnnxEmbedder(model_dir)
