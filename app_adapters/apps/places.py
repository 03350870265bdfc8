"""Places: saved places ("home", "work") in a JSON file, and sample directions.

Distances are not real: ``sample_distance_km`` derives a stable figure from the two addresses
so that quotes and directions are reproducible offline.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError

from ._store import locked, read_json, write_json
from .location import Location, LocationProvider

__all__ = ["PlaceBook", "places_app", "sample_distance_km"]

SAMPLE_NOTE = "sample data (offline): distances and times are made up from the addresses"
_SPEED_KMH = {"driving": 40.0, "walking": 5.0, "transit": 25.0}


def sample_distance_km(origin: str, destination: str) -> float:
    """A deterministic, made-up distance between two addresses (1.0-25.0 km)."""
    if origin.strip().casefold() == destination.strip().casefold():
        return 0.0
    key = "|".join(sorted((origin.strip().casefold(), destination.strip().casefold())))
    digest = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    return round(1.0 + (digest % 2400) / 100, 1)


class PlaceBook:
    """Saved places, name -> address, in one JSON file; ``location`` says where the device is."""

    def __init__(self, path: Path, location: LocationProvider | None = None) -> None:
        self.path = path
        self.location = location

    def all(self) -> dict[str, str]:
        data: dict[str, str] = read_json(self.path, {})
        return data

    def save(self, name: str, address: str) -> None:
        with locked(self.path):
            write_json(self.path, {**self.all(), name.strip().casefold(): address.strip()})

    def get(self, name: str) -> str | None:
        return self.all().get(name.strip().casefold().removeprefix("my ").strip())

    def resolve(self, value: str) -> str:
        """A saved place's address, or the value itself (taken as an address)."""
        if not value.strip():
            raise ToolError("A place or address is needed")
        return self.get(value) or value.strip()

    def here(self) -> Location:
        """Where the device is, from its location provider (a trip with no start begins here)."""
        if self.location is None:
            raise ToolError("This device cannot tell where it is: say where from")
        return self.location.current()

    def start(self, value: str | None) -> tuple[str, str]:
        """A trip's starting address and where it came from: ``value`` if given, else here."""
        if value:
            return self.resolve(value), "you"
        here = self.here()
        return here.address, f"the device's location, {here.source}"


def places_app(places: PlaceBook) -> PythonApp:
    app = PythonApp("places")
    data = ["location"]

    @app.tool(
        examples=["what's my work address", "where is home saved as", "show me the gym's address"],
        risk="read",
        data_classes=data,
    )
    def get_place(name: str) -> dict[str, Any]:
        """Look up a saved place's address.

        Args:
            name: The saved place's name, such as "home" or "work".
        """
        address = places.get(name)
        if address is None:
            raise ToolError(f"No saved place called {name!r}; saved: {sorted(places.all())}")
        return {"name": name.strip().casefold(), "address": address}

    @app.tool(
        examples=[
            "save 9 Pine Lane as the dentist",
            "remember this address as work",
            "set my home address to 12 Oak Street",
        ],
        risk="write",
        data_classes=data,
    )
    def save_place(name: str, address: str) -> dict[str, Any]:
        """Save or update a named place.

        Args:
            name: A short name such as "home", "work" or "dentist".
            address: The street address.
        """
        if not name.strip() or not address.strip():
            raise ToolError("A place needs a name and an address")
        places.save(name, address)
        return {"saved": name.strip().casefold(), "address": address.strip()}

    @app.tool(
        examples=[
            "how do I get to work",
            "directions to the gym by transit",
            "walking directions home",
            "how far is 400 Market Street",
            "directions to {destination}",
            "how do I get to {destination} by {mode}",
            "{mode} directions to {destination} from {origin}",
        ],
        risk="read",
        data_classes=data,
    )
    def get_directions(
        destination: str,
        origin: str | None = None,
        mode: Literal["driving", "walking", "transit"] = "driving",
    ) -> dict[str, Any]:
        """Get directions, distance and travel time to a place.

        Args:
            destination: An address or a saved place name.
            origin: Where to start; defaults to where the device is.
            mode: How to travel.
        """
        start, start_from = places.start(origin)
        end = places.resolve(destination)
        km = sample_distance_km(start, end)
        minutes = max(1, round(km / _SPEED_KMH[mode] * 60))
        return {
            "origin": start,
            "origin_from": start_from,
            "destination": end,
            "mode": mode,
            "distance_km": km,
            "duration_minutes": minutes,
            "source": SAMPLE_NOTE,
        }

    return app
