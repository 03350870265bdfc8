"""A seeded demo phone in a temporary folder, with a fixed clock."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sample_phone import Phone, fixed_now

from app_adapters.apps import seed_demo_profile


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "apps"
    seed_demo_profile(folder, now=fixed_now)
    return folder


@pytest.fixture
def data_dir(tmp_path: Path, seeded_template: Path) -> Path:
    """A private copy of the seeded demo profile."""
    folder = tmp_path / "apps"
    shutil.copytree(seeded_template, folder)
    return folder


@pytest.fixture
def phone(data_dir: Path) -> Phone:
    return Phone(data_dir)
