from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sample_phone import Phone, fixed_now

from app_adapters.apps import SampleWeatherProvider, WeatherProvider, load_sample_apps
from app_adapters.apps.location import SAMPLE_ADDRESS
from assistant_sdk.errors import ToolError


async def test_weather_defaults_to_where_the_device_is_today_and_is_labelled_sample_data(
    phone: Phone,
) -> None:
    weather = await phone("get_weather")
    assert weather["location"] == SAMPLE_ADDRESS
    assert weather["date"] == "2030-05-06"
    assert weather["source"] == "sample data (offline)"


async def test_the_sample_weather_is_the_same_every_time(phone: Phone) -> None:
    first = await phone("get_weather", location="work", date="2030-05-08")
    assert await phone.reopen()("get_weather", location="work", date="2030-05-08") == first


async def test_a_forecast_has_one_labelled_entry_per_day(phone: Phone) -> None:
    forecast = await phone("get_forecast", location="Chicago", days=3)
    assert [d["date"] for d in forecast] == ["2030-05-06", "2030-05-07", "2030-05-08"]
    assert {d["source"] for d in forecast} == {"sample data (offline)"}


@pytest.mark.parametrize(
    ("when", "dates"),
    [
        ("tomorrow", ["2030-05-07"]),
        ("Friday", ["2030-05-10"]),
        ("this weekend", ["2030-05-11", "2030-05-12"]),
        ("the next four days", ["2030-05-06", "2030-05-07", "2030-05-08", "2030-05-09"]),
        ("2030-05-08 to 2030-05-09", ["2030-05-08", "2030-05-09"]),
        ("Saturday and Sunday", ["2030-05-11", "2030-05-12"]),
        ("from Friday to Monday", ["2030-05-10", "2030-05-11", "2030-05-12", "2030-05-13"]),
        ("2030-05-11", ["2030-05-11"]),
    ],
)
async def test_a_forecast_answers_for_the_day_or_days_named(
    phone: Phone, when: str, dates: list[str]
) -> None:
    forecast = await phone("get_forecast", location="Springfield", when=when)
    assert [d["date"] for d in forecast] == dates


async def test_a_weekend_asked_for_on_a_sunday_is_that_sunday(data_dir: Path) -> None:
    sunday = Phone(data_dir, now=lambda: datetime(2030, 5, 12, 9, 0))
    forecast = await sunday("get_forecast", when="this weekend")
    assert [d["date"] for d in forecast] == ["2030-05-12"]


@pytest.mark.parametrize(
    ("when", "problem"),
    [
        ("whenever", "names no day I can read"),
        ("2030-02-30", "is not a day in the calendar"),
        ("in three weeks", "covers 1 to 10 days"),
        ("May 30", "reaches 10 days ahead"),
    ],
)
async def test_days_that_cannot_be_forecast_are_refused_in_plain_words(
    phone: Phone, when: str, problem: str
) -> None:
    with pytest.raises(ToolError, match=problem):
        await phone("get_forecast", when=when)


class FixedWeather:
    def daily(self, location: str, day: date) -> dict[str, Any]:
        return {"location": location, "date": day.isoformat(), "conditions": "snow"}


async def test_another_weather_provider_can_be_plugged_in(tmp_path: Path) -> None:
    assert isinstance(SampleWeatherProvider(), WeatherProvider)
    apps = {a.name: a for a in load_sample_apps(tmp_path, weather=FixedWeather(), now=fixed_now)}
    result = await apps["weather"].call("get_weather", {"location": "Oslo"})
    assert result == {"location": "Oslo", "date": "2030-05-06", "conditions": "snow"}


async def test_a_saved_place_is_found_by_any_case(phone: Phone) -> None:
    await phone("save_place", name="Dentist", address="5 Main Street, Springfield")
    found = await phone.reopen()("get_place", name="DENTIST")
    assert found == {"name": "dentist", "address": "5 Main Street, Springfield"}


async def test_directions_resolve_saved_places_and_take_longer_on_foot(phone: Phone) -> None:
    driving = await phone("get_directions", destination="gym", origin="work")
    walking = await phone("get_directions", destination="gym", origin="work", mode="walking")
    assert driving["origin"] == "400 Market Street, Springfield"
    assert driving["destination"] == "77 Elm Road, Springfield"
    assert walking["distance_km"] == driving["distance_km"]
    assert walking["duration_minutes"] > driving["duration_minutes"]
    assert "sample data" in driving["source"]


async def test_an_unknown_place_name_lists_the_saved_ones(phone: Phone) -> None:
    with pytest.raises(ToolError, match="'gym', 'home', 'work'"):
        await phone("get_place", name="school")
