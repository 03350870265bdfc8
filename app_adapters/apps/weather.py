"""Weather: the ``WeatherProvider`` interface and an offline sample provider.

``SampleWeatherProvider`` makes up stable weather from the place and the date; every result it
returns says ``"source": "sample data (offline)"``.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any, Protocol, runtime_checkable

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError

from ._store import Now, parse_date
from .places import PlaceBook

__all__ = ["SampleWeatherProvider", "WeatherProvider", "weather_app"]

_DATA = ["location"]
_SKIES = ("sunny", "partly cloudy", "cloudy", "light rain", "showers", "windy", "fog")


@runtime_checkable
class WeatherProvider(Protocol):
    """Weather for an address on a day; results are small JSON-able dicts."""

    def daily(self, location: str, day: date) -> dict[str, Any]: ...


class SampleWeatherProvider:
    """Offline, deterministic, clearly labelled made-up weather."""

    source = "sample data (offline)"

    def daily(self, location: str, day: date) -> dict[str, Any]:
        seed = hashlib.sha256(f"{location.casefold()}|{day.isoformat()}".encode()).digest()
        season = 10 * (1 - abs(day.month - 7) / 6)
        high = round(8 + season + seed[0] % 12)
        return {
            "location": location,
            "date": day.isoformat(),
            "conditions": _SKIES[seed[1] % 7],
            "high_c": high,
            "low_c": high - 4 - seed[2] % 6,
            "chance_of_rain_pct": seed[3] % 101,
            "source": self.source,
        }


def weather_app(provider: WeatherProvider, places: PlaceBook, now: Now) -> PythonApp:
    app = PythonApp("weather")

    def where(location: str | None) -> str:
        return places.resolve(location) if location else places.here()

    @app.tool(
        examples=[
            "what's the weather like",
            "do I need an umbrella today",
            "how hot will it be at work tomorrow",
            "weather in Chicago",
            "weather in {location}",
            "what's the weather {date} in {location}",
            "is it cold in {location}",
        ],
        risk="read",
        data_classes=_DATA,
    )
    def get_weather(location: str | None = None, date: str | None = None) -> dict[str, Any]:
        """Get the weather for a place on a day.

        Args:
            location: An address, city or saved place name; defaults to home.
            date: The day, YYYY-MM-DD; defaults to today.
        """
        day = parse_date(date) if date else now().date()
        return provider.daily(where(location), day)

    @app.tool(
        examples=[
            "what's the forecast for the week",
            "weather for the next 3 days",
            "will it rain this weekend in Springfield",
            "forecast for {location}",
            "weather for the next {days} days in {location}",
        ],
        risk="read",
        data_classes=_DATA,
    )
    def get_forecast(location: str | None = None, days: int = 3) -> list[dict[str, Any]]:
        """Get a day-by-day forecast starting today.

        Args:
            location: An address, city or saved place name; defaults to home.
            days: How many days, 1 to 10.
        """
        if not 1 <= days <= 10:
            raise ToolError("A forecast covers 1 to 10 days")
        place, today = where(location), now().date()
        return [provider.daily(place, today + timedelta(days=n)) for n in range(days)]

    return app
