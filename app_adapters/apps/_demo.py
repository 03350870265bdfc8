"""The demo profile: the people, places, events, notes, songs, texts and mail the demo uses.

``seed_demo_profile`` only adds what is missing, so running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from assistant_sdk.types import Fact, FactKind

from ._store import write_json
from .calendar_app import CalendarStore
from .contacts import Contact, ContactBook
from .mail import MailProvider
from .messages import MessageStore
from .music import MusicLibrary
from .notes import NoteStore
from .places import PlaceBook

__all__ = ["DEMO_FACTS", "seed_demo_profile"]

DEMO_FACTS: list[Fact] = [
    Fact("rides", "Lyft", FactKind.PREFERENCE, "preferences"),
    Fact("mail", "Outlook", FactKind.PREFERENCE, "preferences"),
    Fact("mom", "Jane Doe", FactKind.ALIAS, "contacts"),
    Fact("boss", "Alex Kim", FactKind.ALIAS, "contacts"),
    Fact("sis", "Sam Lee", FactKind.ALIAS, "contacts"),
    Fact("home", "12 Oak Street, Springfield", FactKind.PLACE, "location"),
    Fact("work", "400 Market Street, Springfield", FactKind.PLACE, "location"),
]

_PEOPLE = [
    Contact("Jane Doe", ("+1 555 0100",), ("jane.doe@example.com",), "mom", "demo-jane-doe"),
    Contact("John Smith", ("+1 555 0101",), ("john.smith@example.com",), None, "demo-john-smith"),
    Contact("John Park", ("+1 555 0102",), ("jpark@example.com",), None, "demo-john-park"),
    Contact("Alex Kim", ("+1 555 0103",), ("alex.kim@example.com",), "boss", "demo-alex-kim"),
    Contact("Sam Lee", ("+1 555 0104",), (), "sis", "demo-sam-lee"),
]
_PLACES = {
    "home": "12 Oak Street, Springfield",
    "work": "400 Market Street, Springfield",
    "gym": "77 Elm Road, Springfield",
}
# (days from today, start, minutes, title, location)
_EVENTS = [
    (0, time(15, 0), 30, "Team standup", "400 Market Street, Springfield"),
    (1, time(9, 30), 60, "Dentist appointment", "Springfield Dental, 5 Main Street"),
    (1, time(12, 30), 60, "Lunch with Sam", "Blue Door Cafe"),
    (2, time(18, 0), 60, "Yoga class", "77 Elm Road, Springfield"),
    (3, time(10, 0), 45, "1:1 with Alex", "400 Market Street, Springfield"),
]
_NOTES = {
    "Packing list": "passport\nphone charger\nswimsuit",
    "Wifi password": "Home network: OakStreet12, password: sunflower-42",
    "Gift ideas": "Mom: gardening gloves\nSam: concert tickets",
    "Shopping": "milk\neggs\ncoffee beans",
}
_SONGS = [
    ("Here Comes the Sun", "The Beatles", "Abbey Road", 185, "rock"),
    ("Hey Jude", "The Beatles", "Hey Jude", 431, "rock"),
    ("Yesterday", "The Beatles", "Help!", 125, "rock"),
    ("Clair de Lune", "Claude Debussy", "Suite bergamasque", 300, "classical"),
    ("Bohemian Rhapsody", "Queen", "A Night at the Opera", 354, "rock"),
    ("Don't Stop Me Now", "Queen", "Jazz", 209, "rock"),
    ("Dancing Queen", "ABBA", "Arrival", 230, "pop"),
    ("Take On Me", "a-ha", "Hunting High and Low", 225, "pop"),
    ("Lose Yourself", "Eminem", "8 Mile", 326, "hip hop"),
    ("Eye of the Tiger", "Survivor", "Eye of the Tiger", 245, "rock"),
    ("So What", "Miles Davis", "Kind of Blue", 562, "jazz"),
    ("Blue in Green", "Miles Davis", "Kind of Blue", 337, "jazz"),
    ("Superstition", "Stevie Wonder", "Talking Book", 266, "soul"),
    ("Dreams", "Fleetwood Mac", "Rumours", 257, "rock"),
]
_PLAYLISTS = {
    "Running": ["Eye of the Tiger", "Lose Yourself", "Don't Stop Me Now", "Take On Me"],
    "Chill": ["Clair de Lune", "Blue in Green", "Here Comes the Sun", "Dreams"],
}
# (hours ago, contact, direction, body, read)
_TEXTS = [
    (26, "Jane Doe", "in", "Are you coming for dinner on Sunday?", True),
    (25, "Jane Doe", "out", "Yes! I'll bring dessert.", True),
    (3, "Alex Kim", "in", "Can you send me the slides before the 1:1?", False),
    (1, "Sam Lee", "in", "Lunch tomorrow still on?", False),
]
# (provider folder, hours ago, sender, subject, body)
_MAILS = [
    (
        "outlook",
        20,
        "Alex Kim <alex.kim@example.com>",
        "Q3 budget review",
        "Please review the Q3 budget numbers before Thursday.",
    ),
    (
        "outlook",
        5,
        "Springfield Dental <noreply@dental.example>",
        "Appointment reminder",
        "This is a reminder of your dentist appointment tomorrow at 9:30.",
    ),
    (
        "gmail",
        30,
        "Jane Doe <jane.doe@example.com>",
        "Sunday dinner",
        "Dinner is at 6. Your dad is making lasagna.",
    ),
    (
        "gmail",
        2,
        "Air Example <tickets@air.example>",
        "Your flight confirmation",
        "Flight AE 212 to Portland is confirmed. Booking code XK7Q2.",
    ),
]


def seed_demo_profile(data_dir: Path, *, now: Callable[[], datetime] | None = None) -> None:
    """Fill ``data_dir`` with the demo profile; what is already there is kept."""
    clock = now or datetime.now
    book = ContactBook(data_dir / "contacts")
    known = {c.uid for c in book.all()}
    for person in _PEOPLE:
        if person.uid not in known:
            book.add(person)
    places = PlaceBook(data_dir / "places.json")
    for name, address in _PLACES.items():
        if places.get(name) is None:
            places.save(name, address)
    _seed_calendar(CalendarStore(data_dir / "calendar.ics"), clock())
    notes = NoteStore(data_dir / "notes.sqlite3", clock)
    for title, body in _NOTES.items():
        if notes.get(title) is None:
            notes.create(title, body)
    _seed_music(MusicLibrary(data_dir / "music"))
    _seed_texts(MessageStore(data_dir / "messages.sqlite3", book, clock), clock())
    for folder in ("gmail", "outlook"):
        _seed_mail(
            MailProvider(folder, data_dir / "mail" / folder, book, clock, None, ""), folder, clock()
        )


def _seed_calendar(store: CalendarStore, now: datetime) -> None:
    existing = {(e["title"], e["start"]) for e in store.events()}
    for days, at, minutes, title, location in _EVENTS:
        start = datetime.combine(now.date() + timedelta(days=days), at)
        if (title, start) not in existing and not any(t == title for t, _ in existing):
            store.add(title, start, minutes, location)


def _seed_music(library: MusicLibrary) -> None:
    if not library.songs():
        songs = [
            {"title": t, "artist": a, "album": al, "genre": g, "duration_s": d}
            | {"file": f"{a}/{al}/{t}.mp3"}
            for t, a, al, d, g in _SONGS
        ]
        write_json(library.folder / "library.json", songs)
    by_title = {s["title"]: s for s in library.songs()}
    for name, titles in _PLAYLISTS.items():
        if library.playlist(name) is None:
            library.write_playlist(name, [by_title[t] for t in titles if t in by_title])


def _seed_texts(store: MessageStore, now: datetime) -> None:
    if store.read(None, unread_only=False, mark_read=False):
        return
    for hours, who, direction, body, read in _TEXTS:
        stamp = (now - timedelta(hours=hours)).isoformat(timespec="minutes")
        store.add(who, body, direction, stamp, read)


def _seed_mail(provider: MailProvider, folder: str, now: datetime) -> None:
    if provider.messages():
        return
    for where, hours, sender, subject, body in _MAILS:
        if where != folder:
            continue
        message = EmailMessage()
        message["From"], message["To"] = sender, f"me@{folder}.example"
        message["Subject"] = subject
        message["Date"] = format_datetime((now - timedelta(hours=hours)).astimezone())
        message.set_content(body)
        provider.store(message)
