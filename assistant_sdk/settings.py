"""The one place the SDK reads environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "load_settings"]


@dataclass(frozen=True, slots=True)
class Settings:
    cache_dir: Path
    """Exported models and built indexes (safe to delete; rebuilt on demand)."""
    data_dir: Path
    """The user's data: facts, app state, audit log."""
    anthropic_api_key: str | None
    anthropic_model: str
    local_engine_url: str | None
    local_model: str


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment, with per-user platform directories as defaults.

    ``ASSISTANT_SDK_CACHE``, ``ASSISTANT_SDK_DATA``, ``ANTHROPIC_API_KEY``,
    ``ASSISTANT_SDK_MODEL`` (the cloud model), ``ASSISTANT_SDK_LOCAL_ENGINE`` (an
    OpenAI-compatible base URL) and ``ASSISTANT_SDK_LOCAL_MODEL`` (the model it serves).
    """
    import platformdirs

    env = os.environ if environ is None else environ
    cache = env.get("ASSISTANT_SDK_CACHE") or platformdirs.user_cache_dir("assistant-sdk")
    data = env.get("ASSISTANT_SDK_DATA") or platformdirs.user_data_dir("assistant-sdk")
    return Settings(
        cache_dir=Path(cache).expanduser(),
        data_dir=Path(data).expanduser(),
        anthropic_api_key=env.get("ANTHROPIC_API_KEY") or None,
        anthropic_model=env.get("ASSISTANT_SDK_MODEL") or "claude-sonnet-4-6",
        local_engine_url=env.get("ASSISTANT_SDK_LOCAL_ENGINE") or None,
        local_model=env.get("ASSISTANT_SDK_LOCAL_MODEL") or "llama3.2",
    )
