from __future__ import annotations

from pathlib import Path

from app_adapters.apps import DEMO_FACTS, load_sample_apps
from assistant_sdk.tools import ToolRegistry
from assistant_sdk.types import FactKind, Risk

CATALOGUE = {
    "contacts": ["search_contacts", "get_contact", "add_contact", "delete_contact", "call_contact"],
    "calendar": ["list_events", "create_event", "cancel_event", "find_free_time"],
    "messages": ["send_message", "read_messages", "delete_conversation"],
    "gmail": ["gmail_send_email", "gmail_search_email", "gmail_read_inbox"],
    "outlook": ["outlook_send_email", "outlook_search_email", "outlook_read_inbox"],
    "uber": ["uber_get_quote", "uber_book_ride", "uber_cancel_ride"],
    "lyft": ["lyft_get_quote", "lyft_book_ride", "lyft_cancel_ride"],
    "clock": ["set_alarm", "list_alarms", "delete_alarm", "start_timer", "cancel_timer"],
    "reminders": ["add_reminder", "list_reminders", "complete_reminder"],
    "notes": ["create_note", "search_notes", "append_to_note", "delete_note"],
    "music": ["play_music", "pause_music", "create_playlist", "add_to_playlist"],
    "weather": ["get_weather", "get_forecast"],
    "places": ["get_place", "save_place", "get_directions"],
}


def registry(tmp_path: Path) -> ToolRegistry:
    reg = ToolRegistry()
    for app in load_sample_apps(tmp_path):
        reg.add_app(app)
    return reg


def test_every_sample_tool_registers_and_there_are_at_least_35(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    assert len(reg) >= 35
    assert {app: [t.name for t in reg if t.app == app] for app in {t.app for t in reg}} == CATALOGUE


def test_loading_the_apps_writes_nothing_until_a_tool_runs(tmp_path: Path) -> None:
    registry(tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()


def test_every_tool_has_two_to_ten_examples_and_documents_each_parameter(tmp_path: Path) -> None:
    for tool in registry(tmp_path):
        assert 2 <= len(tool.examples) <= 10, tool.name
        assert len(set(tool.examples)) == len(tool.examples), tool.name
        for name, schema in tool.parameters["properties"].items():
            assert schema.get("description"), f"{tool.name}.{name}"


def test_duplicate_capability_pairs_are_offered_by_two_apps_each(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    for capability in ("mail.send", "mail.search", "mail.inbox"):
        assert {t.app for t in reg.by_capability(capability)} == {"gmail", "outlook"}
    for capability in ("ride.quote", "ride.book", "ride.cancel"):
        assert {t.app for t in reg.by_capability(capability)} == {"uber", "lyft"}


def test_parameter_names_types_and_risks_follow_the_catalogue(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    assert reg["add_contact"].parameter_names == ("name", "phone", "email", "nickname")
    assert reg["create_event"].required == ("title", "start")
    assert reg["uber_book_ride"].parameters["properties"]["ride_type"]["enum"] == [
        "economy",
        "comfort",
        "xl",
    ]
    assert reg["lyft_book_ride"].parameters["properties"]["ride_type"]["enum"] == [
        "standard",
        "extra_comfort",
        "xl",
    ]
    assert reg["start_timer"].parameters["properties"]["duration_seconds"]["type"] == "integer"
    destructive = {t.name for t in reg if t.risk is Risk.DESTRUCTIVE}
    assert destructive == {
        "delete_contact",
        "cancel_event",
        "delete_conversation",
        "delete_alarm",
        "delete_note",
    }
    assert reg["send_message"].data_classes == {"messages", "contacts"}


def test_demo_facts_name_the_seeded_preferences_aliases_and_places() -> None:
    facts = {f.key: f for f in DEMO_FACTS}
    assert facts["rides"].value == "Lyft" and facts["rides"].kind is FactKind.PREFERENCE
    assert facts["mom"].value == "Jane Doe" and facts["mom"].data_class == "contacts"
    assert facts["home"].kind is FactKind.PLACE and facts["home"].data_class == "location"
    assert len(DEMO_FACTS) == 7


def test_each_provider_pair_shares_an_unbranded_phrase_so_preference_decides(
    tmp_path: Path,
) -> None:
    reg = registry(tmp_path)
    for capability in (
        "mail.send",
        "mail.search",
        "mail.inbox",
        "ride.quote",
        "ride.book",
        "ride.cancel",
    ):
        first, second = (set(t.examples) for t in reg.by_capability(capability))
        shared = first & second
        assert shared, capability
        brands = ("gmail", "outlook", "uber", "lyft")
        assert all(not any(b in phrase.casefold() for b in brands) for phrase in shared)


def test_the_public_names_of_the_sample_apps_package_are_pinned() -> None:
    import app_adapters.apps as apps

    assert sorted(apps.__all__) == [
        "AppDataError",
        "AppDisabledWarning",
        "DEMO_FACTS",
        "Location",
        "LocationProvider",
        "SampleLocationProvider",
        "SampleWeatherProvider",
        "SmtpSettings",
        "WeatherProvider",
        "default_data_dir",
        "load_sample_apps",
        "seed_demo_profile",
    ]
    assert all(hasattr(apps, name) for name in apps.__all__)


def test_annotated_examples_of_the_sample_apps_name_only_their_tools_parameters(
    tmp_path: Path,
) -> None:
    from assistant_sdk.reading.examples import parse_example

    annotated = 0
    for tool in registry(tmp_path):
        for example in tool.examples:
            names = {p.parameter for p in parse_example(example) if p.parameter}
            assert names <= set(tool.parameter_names), (tool.name, example)
            annotated += bool(names)
    assert annotated >= 40
