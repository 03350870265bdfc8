"""Rides: an Uber-like and a Lyft-like app sharing one booking engine.

Prices are sample pricing: a base fare plus a per-km rate applied to ``sample_distance_km``
between the two addresses, so the same trip always costs the same. A ride with no pickup
starts where the device is (the places' ``LocationProvider``), and says so in ``pickup_from``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError

from ._store import Now, locked, read_json, write_json
from .places import PlaceBook, sample_distance_km

__all__ = ["RideService", "lyft_app", "uber_app"]

PRICING_NOTE = "sample pricing (offline): not a real fare"


@dataclass(frozen=True, slots=True)
class _Fare:
    base: float
    per_km: float
    pickup_minutes: int


class RideService:
    """One provider's quotes and bookings; bookings live in ``<folder>/<provider>.json``."""

    def __init__(
        self, provider: str, fares: dict[str, _Fare], places: PlaceBook, folder: Path, now: Now
    ) -> None:
        self.provider, self.fares, self.places = provider, fares, places
        self.path, self.now = folder / f"{provider.lower()}.json", now

    def _trip(self, destination: str, pickup: str | None) -> tuple[str, str, str, float]:
        start, start_from = self.places.start(pickup)
        end = self.places.resolve(destination)
        if start.casefold() == end.casefold():
            where = "You are" if pickup is None else "The pickup is"
            raise ToolError(f"{where} already at {end} ({start_from}): say where to go")
        return start, start_from, end, sample_distance_km(start, end)

    def quote(self, destination: str, pickup: str | None) -> dict[str, Any]:
        start, start_from, end, km = self._trip(destination, pickup)
        options = [
            {
                "ride_type": kind,
                "price_usd": round(fare.base + fare.per_km * km, 2),
                "pickup_minutes": fare.pickup_minutes,
            }
            for kind, fare in self.fares.items()
        ]
        return {
            "provider": self.provider,
            "pickup": start,
            "pickup_from": start_from,
            "destination": end,
            "distance_km": km,
            "options": options,
            "pricing": PRICING_NOTE,
        }

    def bookings(self) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = read_json(self.path, [])
        return data

    def book(self, destination: str, pickup: str | None, ride_type: str) -> dict[str, Any]:
        with locked(self.path):
            return self._book(destination, pickup, ride_type)

    def _book(self, destination: str, pickup: str | None, ride_type: str) -> dict[str, Any]:
        history = self.bookings()
        if any(b["status"] == "booked" for b in history):
            raise ToolError(f"You already have a {self.provider} ride booked: cancel it first")
        start, start_from, end, km = self._trip(destination, pickup)
        fare = self.fares[ride_type]
        booking = {
            "id": uuid.uuid4().hex[:8],
            "provider": self.provider,
            "status": "booked",
            "ride_type": ride_type,
            "pickup": start,
            "pickup_from": start_from,
            "destination": end,
            "distance_km": km,
            "price_usd": round(fare.base + fare.per_km * km, 2),
            "pickup_minutes": fare.pickup_minutes,
            "booked_at": self.now().isoformat(timespec="minutes"),
            "pricing": PRICING_NOTE,
        }
        write_json(self.path, [*history, booking])
        return booking

    def cancel(self) -> dict[str, Any]:
        with locked(self.path):
            return self._cancel()

    def _cancel(self) -> dict[str, Any]:
        history = self.bookings()
        active = [b for b in history if b["status"] == "booked"]
        if not active:
            raise ToolError(f"There is no {self.provider} ride to cancel")
        active[-1]["status"] = "cancelled"
        write_json(self.path, history)
        return {
            "cancelled": active[-1]["id"],
            "provider": self.provider,
            "destination": active[-1]["destination"],
        }


_DATA = ["location"]


def uber_app(places: PlaceBook, folder: Path, now: Now) -> PythonApp:
    fares = {"economy": _Fare(2.5, 1.6, 4), "comfort": _Fare(3.5, 2.1, 6), "xl": _Fare(4.0, 2.6, 8)}
    rides = RideService("Uber", fares, places, folder, now)
    app = PythonApp("uber")

    @app.tool(
        examples=[
            "how much is an Uber to the airport",
            "Uber price to work",
            "get me an Uber quote home",
            "how much is a ride to work",
            "how much is an Uber to {destination}",
            "price of an Uber from {pickup} to {destination}",
        ],
        risk="read",
        data_classes=_DATA,
        capability="ride.quote",
    )
    def uber_get_quote(destination: str, pickup: str | None = None) -> dict[str, Any]:
        """Get Uber prices for a trip.

        Args:
            destination: An address or a saved place name.
            pickup: Where to be picked up; defaults to where the device is.
        """
        return rides.quote(destination, pickup)

    @app.tool(
        examples=[
            "book an Uber to work",
            "get me an Uber XL home",
            "order an Uber Comfort to 9 Pine Lane",
            "book me a ride to the gym",
            "get me an Uber to {destination}",
            "book an Uber {ride_type} to {destination}",
            "Uber from {pickup} to {destination}",
        ],
        risk="write",
        inverse="uber_cancel_ride",
        data_classes=_DATA,
        capability="ride.book",
    )
    def uber_book_ride(
        destination: str,
        pickup: str | None = None,
        ride_type: Literal["economy", "comfort", "xl"] = "economy",
    ) -> dict[str, Any]:
        """Book an Uber ride.

        Args:
            destination: An address or a saved place name.
            pickup: Where to be picked up; defaults to where the device is.
            ride_type: The kind of car.
        """
        return rides.book(destination, pickup, ride_type)

    @app.tool(
        examples=["cancel my Uber", "I don't need the Uber anymore", "cancel my ride"],
        risk="write",
        data_classes=_DATA,
        capability="ride.cancel",
    )
    def uber_cancel_ride() -> dict[str, Any]:
        """Cancel the active Uber booking."""
        return rides.cancel()

    return app


def lyft_app(places: PlaceBook, folder: Path, now: Now) -> PythonApp:
    fares = {
        "standard": _Fare(2.2, 1.55, 5),
        "extra_comfort": _Fare(3.2, 2.0, 7),
        "xl": _Fare(4.2, 2.5, 9),
    }
    rides = RideService("Lyft", fares, places, folder, now)
    app = PythonApp("lyft")

    @app.tool(
        examples=[
            "how much is a Lyft to the gym",
            "Lyft quote to work",
            "what would a Lyft home cost",
            "how much is a ride to work",
            "how much is a Lyft to {destination}",
            "Lyft price from {pickup} to {destination}",
        ],
        risk="read",
        data_classes=_DATA,
        capability="ride.quote",
    )
    def lyft_get_quote(destination: str, pickup: str | None = None) -> dict[str, Any]:
        """Get Lyft prices for a trip.

        Args:
            destination: An address or a saved place name.
            pickup: Where to be picked up; defaults to where the device is.
        """
        return rides.quote(destination, pickup)

    @app.tool(
        examples=[
            "book a Lyft to work",
            "get me a Lyft XL to the gym",
            "call a Lyft home from work",
            "book me a ride to the gym",
            "get me a Lyft to {destination}",
            "book a Lyft {ride_type} to {destination}",
            "Lyft from {pickup} to {destination}",
        ],
        risk="write",
        inverse="lyft_cancel_ride",
        data_classes=_DATA,
        capability="ride.book",
    )
    def lyft_book_ride(
        destination: str,
        pickup: str | None = None,
        ride_type: Literal["standard", "extra_comfort", "xl"] = "standard",
    ) -> dict[str, Any]:
        """Book a Lyft ride.

        Args:
            destination: An address or a saved place name.
            pickup: Where to be picked up; defaults to where the device is.
            ride_type: The kind of car.
        """
        return rides.book(destination, pickup, ride_type)

    @app.tool(
        examples=["cancel my Lyft", "call off the Lyft", "cancel my ride"],
        risk="write",
        data_classes=_DATA,
        capability="ride.cancel",
    )
    def lyft_cancel_ride() -> dict[str, Any]:
        """Cancel the active Lyft booking."""
        return rides.cancel()

    return app
