"""The sample apps' tools, registered once for the policy and planning tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from app_adapters.apps import load_sample_apps
from assistant_sdk import ToolRegistry


@pytest.fixture(scope="session")
def tools(tmp_path_factory: pytest.TempPathFactory) -> ToolRegistry:
    registry = ToolRegistry()
    for app in load_sample_apps(Path(tmp_path_factory.mktemp("apps"))):
        registry.add_app(app)
    return registry
