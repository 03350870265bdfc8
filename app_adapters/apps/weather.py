"""Weather: the ``WeatherProvider`` interface and an offline sample provider.

``SampleWeatherProvider`` makes up stable weather from the place and the date; every result it
returns says ``"source": "sample data (offline)"``. With no place given, the weather is for
where the device is. A forecast answers for the day or days the user names ("tomorrow",
"this weekend"), read by ``_days.read_days``.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any, Protocol, runtime_checkable

from app_adapters.python import PythonApp
from assistant_sdk.errors import ToolError

from ._days import read_days
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
        return places.resolve(location) if location else places.here().address

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
            location: An address, city or saved place name; defaults to where the device is.
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
    def get_forecast(
        location: str | None = None, when: str | None = None, days: int | None = None
    ) -> list[dict[str, Any]]:
        """Get the forecast for a day or a run of days.

        Args:
            location: An address, city or saved place name; defaults to where the device is.
            when: The day or days in the user's words, such as tomorrow, Friday or this
                weekend; defaults to the next few days from today.
            days: How many days, 1 to 10, counted from the first day.
        """
        today = now().date()
        span = read_days(when, today) if when else None
        first = span.first if span else today
        count = days if days is not None else len(span.dates) if span else 3
        if not 1 <= count <= 10:
            raise ToolError("A forecast covers 1 to 10 days")
        if (first - today).days + count > 10:
            raise ToolError("The forecast reaches 10 days ahead, no further")
        place = where(location)
        return [provider.daily(place, first + timedelta(days=n)) for n in range(count)]

    return app
