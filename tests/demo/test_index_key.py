"""The demo's fitted index is kept per catalogue and per version of the code that fits it."""

from __future__ import annotations

from pathlib import Path

from assistant_sdk import Tool, ToolRegistry
from demo.session import _catalogue_key


def _registry(description: str) -> ToolRegistry:
    registry = ToolRegistry()
    registry.add(Tool("set_alarm", description, "clock"))
    return registry


def _package(folder: Path, source: str) -> Path:
    (folder / "resolve").mkdir(parents=True, exist_ok=True)
    (folder / "resolve" / "resolver.py").write_text(source, encoding="utf-8")
    return folder


def test_an_index_fitted_by_other_code_is_not_reused(tmp_path: Path) -> None:
    registry = _registry("Set an alarm.")
    before = _catalogue_key(registry, _package(tmp_path / "a", "THRESHOLD = 0.5\n"))
    after = _catalogue_key(registry, _package(tmp_path / "b", "THRESHOLD = 0.6\n"))
    assert before != after


def test_the_same_code_and_catalogue_give_the_same_index(tmp_path: Path) -> None:
    package = _package(tmp_path, "THRESHOLD = 0.5\n")
    assert _catalogue_key(_registry("Set an alarm."), package) == _catalogue_key(
        _registry("Set an alarm."), package
    )


def test_another_catalogue_gets_another_index(tmp_path: Path) -> None:
    package = _package(tmp_path, "THRESHOLD = 0.5\n")
    assert _catalogue_key(_registry("Set an alarm."), package) != _catalogue_key(
        _registry("Set an alarm clock."), package
    )
