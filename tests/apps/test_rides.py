from __future__ import annotations

import json
from pathlib import Path

import pytest
from sample_phone import Phone

from app_adapters.apps import Location, LocationProvider, SampleLocationProvider
from app_adapters.apps.location import SAMPLE_ADDRESS
from assistant_sdk.errors import ConfigurationError, ToolError


async def test_a_quote_resolves_saved_places_and_labels_the_pricing(phone: Phone) -> None:
    quote = await phone("uber_get_quote", destination="work")
    assert quote["destination"] == "400 Market Street, Springfield"
    assert [o["ride_type"] for o in quote["options"]] == ["economy", "comfort", "xl"]
    assert "sample pricing" in quote["pricing"]


async def test_the_same_trip_is_always_quoted_the_same_price(phone: Phone) -> None:
    first = await phone("lyft_get_quote", destination="gym", pickup="work")
    again = await phone.reopen()(
        "lyft_get_quote",
        destination="77 Elm Road, Springfield",
        pickup="400 Market Street, Springfield",
    )
    assert first["options"] == again["options"]


async def test_the_two_providers_price_the_same_trip_differently(phone: Phone) -> None:
    uber = await phone("uber_get_quote", destination="gym")
    lyft = await phone("lyft_get_quote", destination="gym")
    assert uber["distance_km"] == lyft["distance_km"]
    assert uber["options"][0]["price_usd"] != lyft["options"][0]["price_usd"]


async def test_a_booking_is_persisted_and_cancel_cancels_it(phone: Phone) -> None:
    booking = await phone("lyft_book_ride", destination="work", ride_type="extra_comfort")
    saved = json.loads((phone.data_dir / "rides" / "lyft.json").read_text())
    assert saved[0]["id"] == booking["id"] and saved[0]["status"] == "booked"
    cancelled = await phone.reopen()("lyft_cancel_ride")
    assert cancelled["cancelled"] == booking["id"]
    saved = json.loads((phone.data_dir / "rides" / "lyft.json").read_text())
    assert saved[0]["status"] == "cancelled"


async def test_a_second_booking_while_one_is_active_is_refused(phone: Phone) -> None:
    await phone("uber_book_ride", destination="gym", ride_type="xl")
    with pytest.raises(ToolError, match="already have"):
        await phone("uber_book_ride", destination="work")


async def test_cancelling_with_no_active_ride_says_so(phone: Phone) -> None:
    await phone("lyft_book_ride", destination="work")
    with pytest.raises(ToolError, match="no Uber ride"):
        await phone("uber_cancel_ride")


async def test_a_ride_type_of_the_other_provider_is_rejected(phone: Phone) -> None:
    with pytest.raises(ToolError, match="ride_type"):
        await phone("uber_book_ride", destination="work", ride_type="extra_comfort")


async def test_with_no_pickup_a_ride_starts_where_the_device_is_labelled_sample_data(
    phone: Phone,
) -> None:
    booking = await phone("lyft_book_ride", destination="home")
    assert booking["pickup"] == SAMPLE_ADDRESS
    assert booking["destination"] == "12 Oak Street, Springfield"
    assert "sample data" in booking["pickup_from"]


async def test_a_ride_to_where_the_device_already_is_is_refused_in_plain_words(
    data_dir: Path,
) -> None:
    at_home = Phone(data_dir, location=SampleLocationProvider("12 Oak Street, Springfield"))
    with pytest.raises(ToolError, match="You are already at 12 Oak Street, Springfield"):
        await at_home("uber_book_ride", destination="home")
    assert not (data_dir / "rides" / "uber.json").exists()


class Lost:
    def current(self) -> Location:
        raise ToolError("No location fix: say where to be picked up")


async def test_a_provider_that_cannot_locate_the_device_asks_for_the_pickup(
    data_dir: Path,
) -> None:
    assert isinstance(Lost(), LocationProvider)
    with pytest.raises(ToolError, match="No location fix"):
        await Phone(data_dir, location=Lost())("lyft_get_quote", destination="work")
    quote = await Phone(data_dir, location=Lost())(
        "lyft_get_quote", destination="work", pickup="gym"
    )
    assert quote["pickup"] == "77 Elm Road, Springfield" and quote["pickup_from"] == "you"


def test_a_sample_location_needs_an_address() -> None:
    with pytest.raises(ConfigurationError, match="needs an address"):
        SampleLocationProvider("  ")
