"""A phone's worth of sample apps with state on disk, registered through the Python adapter.

    apps = load_sample_apps(Path("~/assistant-data").expanduser())
    for app in apps:
        registry.add_app(app)

Every app reads its files on each call, so changes made by another process show at once.
An app whose files are corrupt when the apps are loaded is left out with an
``AppDisabledWarning`` naming the file; the other apps load as usual.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app_adapters.python import PythonApp

from ._demo import DEMO_FACTS, seed_demo_profile
from ._store import AppDataError, AppDisabledWarning, read_json, sqlite_transaction
from .calendar_app import CalendarStore, calendar_app
from .clock import clock_app
from .contacts import ContactBook, contacts_app
from .location import Location, LocationProvider, SampleLocationProvider
from .mail import MailProvider, SmtpSettings, gmail_app, outlook_app
from .messages import MessageStore, messages_app
from .music import MusicLibrary, music_app
from .notes import NoteStore, notes_app
from .places import PlaceBook, places_app
from .reminders import reminders_app
from .rides import lyft_app, uber_app
from .weather import SampleWeatherProvider, WeatherProvider, weather_app

__all__ = [
    "DEMO_FACTS",
    "AppDataError",
    "AppDisabledWarning",
    "Location",
    "LocationProvider",
    "SampleLocationProvider",
    "SampleWeatherProvider",
    "SmtpSettings",
    "WeatherProvider",
    "default_data_dir",
    "load_sample_apps",
    "seed_demo_profile",
]


def default_data_dir() -> Path:
    """The per-user folder the sample apps use when no folder is given."""
    import platformdirs

    return Path(platformdirs.user_data_dir("assistant-sdk")) / "apps"


def load_sample_apps(
    data_dir: Path | None = None,
    *,
    smtp: SmtpSettings | None = None,
    weather: WeatherProvider | None = None,
    location: LocationProvider | None = None,
    now: Callable[[], datetime] | None = None,
) -> list[PythonApp]:
    """Every sample app, keeping its state under ``data_dir``.

    ``smtp`` is the server mail is sent through (none: mail is filed in Sent, undelivered);
    ``weather`` and ``location`` (where the device is) default to the offline sample
    providers, which label what they return as sample data; ``now`` is the clock (local, naive).
    """
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    clock = now or datetime.now
    book = ContactBook(root / "contacts")
    places = PlaceBook(root / "places.json", location or SampleLocationProvider())
    mail = root / "mail"
    apps = [
        contacts_app(book, root, clock),
        calendar_app(CalendarStore(root / "calendar.ics"), clock),
        messages_app(MessageStore(root / "messages.sqlite3", book, clock)),
        gmail_app(MailProvider("Gmail", mail / "gmail", book, clock, smtp, "me@gmail.example")),
        outlook_app(
            MailProvider("Outlook", mail / "outlook", book, clock, smtp, "me@outlook.example")
        ),
        uber_app(places, root / "rides", clock),
        lyft_app(places, root / "rides", clock),
        clock_app(root / "clock.json", clock),
        reminders_app(root / "reminders.json", clock),
        notes_app(NoteStore(root / "notes.sqlite3", clock)),
        music_app(MusicLibrary(root / "music")),
        weather_app(weather or SampleWeatherProvider(), places, clock),
        places_app(places),
    ]
    checks = _checks(root, book, places)
    return [app for app in apps if _usable(app.name, checks)]


def _checks(root: Path, book: ContactBook, places: PlaceBook) -> dict[str, Callable[[], object]]:
    """How to read each app's own files once, to find a corrupt one before any request."""
    return {
        "contacts": lambda: (book.all(), read_json(root / "calls.json", [])),
        "calendar": lambda: CalendarStore(root / "calendar.ics").events(),
        "messages": lambda: _open_sqlite(root / "messages.sqlite3"),
        "clock": lambda: read_json(root / "clock.json", {}),
        "reminders": lambda: read_json(root / "reminders.json", []),
        "notes": lambda: _open_sqlite(root / "notes.sqlite3"),
        "music": lambda: MusicLibrary(root / "music").songs(),
        "places": places.all,
        "uber": lambda: read_json(root / "rides" / "uber.json", []),
        "lyft": lambda: read_json(root / "rides" / "lyft.json", []),
    }


def _open_sqlite(path: Path) -> None:
    if path.exists():
        with sqlite_transaction(path, "", write=False):
            pass


def _usable(name: str, checks: dict[str, Callable[[], object]]) -> bool:
    check = checks.get(name)
    try:
        if check is not None:
            check()
    except AppDataError as exc:
        warnings.warn(AppDisabledWarning(f"The {name} app is disabled: {exc}"), stacklevel=3)
        return False
    return True
