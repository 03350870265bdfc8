"""Where the device is: the ``LocationProvider`` interface and an offline sample provider.

Tools that start from "here" (a ride's pickup, the origin of directions, today's weather) ask
the provider, never a saved place: "book me a ride home" is picked up where the phone is. A
phone's GPS or network location sits behind the same one-method interface:

    class GpsLocation:
        def current(self) -> Location:
            fix = gps.read()
            return Location(reverse_geocode(fix), source="GPS")

``SampleLocationProvider`` always answers one made-up address and says so in ``source``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from assistant_sdk.errors import ConfigurationError

__all__ = ["SAMPLE_ADDRESS", "Location", "LocationProvider", "SampleLocationProvider"]

SAMPLE_ADDRESS = "1 Station Square, Springfield"
"""Where the sample provider says the device is (a made-up address, no saved place)."""


@dataclass(frozen=True, slots=True)
class Location:
    """An address the device is at, and where that knowledge came from."""

    address: str
    source: str


@runtime_checkable
class LocationProvider(Protocol):
    """The device's current location.

    Raise ``ToolError`` with a plain sentence when it is unknown (no fix, permission denied):
    the tool then asks the user to say where from instead of guessing.
    """

    def current(self) -> Location: ...


class SampleLocationProvider:
    """Offline and fixed: the device is always at ``address`` (not where it really is), and
    every location says ``source = "sample data (offline)"``."""

    source = "sample data (offline)"

    def __init__(self, address: str = SAMPLE_ADDRESS) -> None:
        if not address.strip():
            raise ConfigurationError("A sample location needs an address")
        self.address = address.strip()

    def current(self) -> Location:
        return Location(self.address, self.source)
