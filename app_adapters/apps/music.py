"""Music: a local library (JSON), playlists as M3U files, and the player's state.

A query is looked up in one order, and the first that finds anything wins: a playlist's name,
then a whole field (a title, an artist, a genre, an album), then songs whose fields hold every
word of the query. A query that finds nothing is an error that says so: nothing is played.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError

from ._store import AppDataError, atomic_write_text, locked, read_json, write_json

__all__ = ["MusicLibrary", "music_app"]

_DATA = ["media"]
_UNSAFE = re.compile(r"[^\w\- ]+")
_FIELDS = ("title", "artist", "genre", "album")
"""The fields a whole query may name, in the order they are tried."""


class MusicLibrary:
    """``library.json`` (songs), ``playlists/<name>.m3u`` and ``player.json`` in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def songs(self) -> list[dict[str, Any]]:
        songs: list[dict[str, Any]] = read_json(self.folder / "library.json", [])
        return songs

    def find(self, query: str) -> list[dict[str, Any]]:
        """The songs ``query`` names (see the module docstring); all of them for no query."""
        needle = " ".join(_words(query))
        songs = self.songs()
        if not needle:
            return songs
        for field in _FIELDS:
            named = [s for s in songs if " ".join(_words(str(s.get(field, "")))) == needle]
            if named:
                return named
        wanted = set(needle.split())
        return [s for s in songs if wanted <= set(_words(" ".join(_fields(s))))]

    def _m3u(self, name: str) -> Path:
        """The playlist's file: an existing one whatever its case, else a new file name."""
        clean = _UNSAFE.sub("", name).strip()
        clean = clean.removesuffix(" playlist").removesuffix(" Playlist").strip() or clean
        for path in (self.folder / "playlists").glob("*.m3u"):
            if path.stem.casefold() == clean.casefold():
                return path
        return self.folder / "playlists" / f"{clean}.m3u"

    def playlist(self, name: str) -> list[dict[str, Any]] | None:
        path = self._m3u(name)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return None
        if not lines or lines[0].strip() != "#EXTM3U":
            raise AppDataError(path, "an M3U playlist starts with #EXTM3U")
        by_file = {s["file"]: s for s in self.songs()}
        return [by_file[line] for line in lines if line in by_file]

    def write_playlist(self, name: str, songs: list[dict[str, Any]]) -> None:
        lines = ["#EXTM3U"]
        for song in songs:
            lines += [
                f"#EXTINF:{song['duration_s']},{song['artist']} - {song['title']}",
                song["file"],
            ]
        atomic_write_text(self._m3u(name), "\n".join(lines) + "\n")

    def playlists(self) -> list[str]:
        return sorted(p.stem for p in (self.folder / "playlists").glob("*.m3u"))

    def player(self, **changes: Any) -> dict[str, Any]:
        path = self.folder / "player.json"
        if not changes:
            state: dict[str, Any] = read_json(path, {"state": "stopped", "queue": []})
            return state
        with locked(path):
            state = read_json(path, {"state": "stopped", "queue": []})
            state.update(changes)
            write_json(path, state)
        return state


def _words(text: str) -> list[str]:
    return re.findall(r"\w+(?:'\w+)?", text.casefold())


def _fields(song: dict[str, Any]) -> list[str]:
    return [str(song.get(field, "")) for field in _FIELDS]


def _brief(song: dict[str, Any]) -> dict[str, str]:
    return {"title": song["title"], "artist": song["artist"]}


def music_app(library: MusicLibrary) -> PythonApp:
    app = PythonApp("music")

    @app.tool(
        examples=[
            "play some Beatles",
            "play my running playlist",
            "put on Clair de Lune",
            "play music",
            "play {query}",
            "put on {query}",
        ],
        risk="read",
        data_classes=_DATA,
    )
    def play_music(query: str) -> dict[str, Any]:
        """Play a song, artist, album, genre or playlist from the music library.

        Args:
            query: A song title, artist, album, genre or playlist name.
        """
        songs = library.playlist(query) if query.strip() else None
        if songs is None:
            songs = library.find(query)
        if not songs:
            raise ToolError(f"Nothing in your library matches {query.strip()}; nothing was played")
        state = library.player(state="playing", queue=[s["file"] for s in songs])
        return {"state": state["state"], "now_playing": _brief(songs[0]), "queued": len(songs)}

    @app.tool(
        examples=["pause the music", "stop playing", "pause"], risk="read", data_classes=_DATA
    )
    def pause_music() -> dict[str, Any]:
        """Pause the music that is playing."""
        if library.player()["state"] != "playing":
            return {"state": "paused", "note": "nothing was playing"}
        return {"state": library.player(state="paused")["state"]}

    @app.tool(
        examples=[
            "make a new playlist called road trip",
            "create a playlist named chill",
            "make a playlist called {name}",
            "new playlist {name}",
        ],
        risk="write",
        data_classes=_DATA,
    )
    def create_playlist(name: str) -> dict[str, Any]:
        """Create an empty playlist.

        Args:
            name: The playlist's name.
        """
        if not _UNSAFE.sub("", name).strip():
            raise ToolError("A playlist needs a name made of letters or digits")
        with locked(library.folder / "playlists"):
            if library.playlist(name) is not None:
                raise ToolError(f"There is already a playlist called {name!r}")
            library.write_playlist(name, [])
        return {"created": name, "playlists": library.playlists()}

    @app.tool(
        examples=[
            "add Yesterday to my road trip playlist",
            "put this song on the workout playlist",
            "save Hey Jude to chill",
            "add {song} to my {playlist} playlist",
            "put {song} on {playlist}",
        ],
        risk="write",
        data_classes=_DATA,
    )
    def add_to_playlist(song: str, playlist: str) -> dict[str, Any]:
        """Add a song from the library to a playlist.

        Args:
            song: The song's title (or title and artist).
            playlist: The playlist's name.
        """
        matches = library.find(song)
        exact = [s for s in matches if s["title"].casefold() == song.strip().casefold()]
        with locked(library.folder / "playlists"):
            current = library.playlist(playlist)
            if current is None:
                known = library.playlists()
                raise ToolError(f"No playlist called {playlist!r}; playlists: {known}")
            if not (exact or matches):
                raise ToolError(f"No song in the library matches {song!r}")
            chosen = (exact or matches)[0]
            library.write_playlist(playlist, [*current, chosen])
        return {"added": _brief(chosen), "playlist": playlist, "songs": len(current) + 1}

    return app
