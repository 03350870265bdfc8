"""Python apps that the serve tests expose over MCP (``--apps served_apps:build``)."""

from __future__ import annotations

from pydantic import BaseModel

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError


class Stop(BaseModel):
    place: str
    minutes: int = 0


def build() -> list[PythonApp]:
    rides = PythonApp("rides")

    @rides.tool(
        examples=["get me a car home", "book a ride to work"],
        risk="write",
        data_classes=["location"],
        capability="ride.book",
    )
    def book_ride(
        destination: str, seats: int = 1, stops: list[Stop] | None = None
    ) -> dict[str, object]:
        """Book a ride to a destination.

        Args:
            destination: Where to go.
            seats: How many seats.
        """
        return {"destination": destination, "seats": seats, "stops": len(stops or [])}

    @rides.tool(risk="destructive", examples=["cancel my ride"])
    def cancel_ride(ride_id: str) -> str:
        """Cancel a booked ride."""
        raise ToolError(f"No ride {ride_id}")

    clock = PythonApp("clock")

    @clock.tool(examples=["what time is it"])
    def now() -> int:
        """The current time in seconds."""
        return 1_700_000_000

    return [rides, clock]
