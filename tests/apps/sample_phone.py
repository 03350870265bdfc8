"""The sample apps as one phone, with a fixed clock (imported by the app tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from app_adapters.apps import LocationProvider, SmtpSettings, load_sample_apps
from app_adapters.python import PythonApp

#: Monday 6 May 2030, 09:00 local time.
NOW = datetime(2030, 5, 6, 9, 0)


def fixed_now() -> datetime:
    return NOW


class Phone:
    """The sample apps over one data folder; ``await phone("tool", arg=...)`` calls a tool."""

    def __init__(
        self,
        data_dir: Path,
        smtp: SmtpSettings | None = None,
        now: Callable[[], datetime] = fixed_now,
        location: LocationProvider | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.apps: list[PythonApp] = load_sample_apps(
            data_dir, smtp=smtp, now=now, location=location
        )
        self._by_tool = {t.name: app for app in self.apps for t in app.tools()}

    async def __call__(self, tool: str, **arguments: Any) -> Any:
        return await self._by_tool[tool].call(tool, arguments)

    def reopen(self) -> Phone:
        """A fresh set of apps over the same folder, as another process would see it."""
        return Phone(self.data_dir)
