from __future__ import annotations

import json

import pytest
from sample_phone import Phone

from assistant_sdk.errors import ToolError


async def test_a_quote_resolves_saved_places_and_labels_the_pricing(phone: Phone) -> None:
    quote = await phone("uber_get_quote", destination="work")
    assert quote["pickup"] == "12 Oak Street, Springfield"
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
