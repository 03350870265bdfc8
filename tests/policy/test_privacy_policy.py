"""The user's privacy policy: defaults, files, which facts go where, and who may plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant_sdk.errors import ConfigurationError
from assistant_sdk.privacy import Destination, PolicyFileError, PrivacyPolicy
from assistant_sdk.types import Fact, FactKind, Tool

MOM = Fact("mom", "Jane Doe", FactKind.ALIAS, "contacts")
HOME = Fact("home", "12 Oak Street", FactKind.PLACE, "location")
PULSE = Fact("resting pulse", "52", FactKind.NOTE, "health")
BANK = Fact("bank", "Springfield Savings", FactKind.PREFERENCE, "finance")


def tool(name: str, *classes: str) -> Tool:
    return Tool(name, f"{name} tool", "app", data_classes=frozenset(classes))


def test_destinations_are_ordered_by_how_far_data_travels() -> None:
    assert Destination.DEVICE < Destination.LOCAL < Destination.CLOUD
    assert max(Destination) is Destination.CLOUD and min(Destination) is Destination.DEVICE


def test_health_and_finance_stay_on_the_device_by_default() -> None:
    policy = PrivacyPolicy()
    for data_class in ("health", "finance"):
        assert policy.allows(data_class, "device")
        assert not policy.allows(data_class, "local")
        assert not policy.allows(data_class, "cloud")


def test_everyday_data_may_reach_the_cloud_by_default() -> None:
    policy = PrivacyPolicy()
    for data_class in ("contacts", "messages", "email", "location", "calendar", "notes"):
        assert policy.allows(data_class, Destination.CLOUD)


def test_a_data_class_the_policy_does_not_know_stays_on_the_device() -> None:
    policy = PrivacyPolicy()
    assert policy.allows("genome", "device") and not policy.allows("genome", "local")


def test_a_policy_in_code_refuses_unknown_data_classes() -> None:
    with pytest.raises(ConfigurationError, match="genome"):
        PrivacyPolicy({"genome": Destination.DEVICE})


def test_a_policy_file_overrides_only_the_classes_it_names(tmp_path: Path) -> None:
    path = tmp_path / "privacy.toml"
    path.write_text('# mine\n[privacy]\nhealth = "local"\nlocation = device  # no cloud maps\n')
    policy = PrivacyPolicy.load(path)
    assert policy.limit("health") is Destination.LOCAL
    assert policy.limit("location") is Destination.DEVICE
    assert policy.limit("finance") is Destination.DEVICE
    assert policy.limit("contacts") is Destination.CLOUD


def test_an_unknown_data_class_in_a_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "privacy.toml"
    path.write_text('health = "local"\n\nshoe_size = "cloud"\n')
    with pytest.raises(PolicyFileError, match=r"line 3.*shoe_size") as caught:
        PrivacyPolicy.load(path)
    assert caught.value.line == 3 and isinstance(caught.value, ConfigurationError)


def test_an_unknown_destination_in_a_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "privacy.toml"
    path.write_text('contacts = "cloud"\nnotes = "moon"\n')
    with pytest.raises(PolicyFileError, match=r"line 2.*'moon'"):
        PrivacyPolicy.load(path)


@pytest.mark.parametrize("text", ["health local\n", 'health = "cloud"\nhealth = "device"\n'])
def test_malformed_or_repeated_lines_are_refused_with_their_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "privacy.toml"
    path.write_text(text)
    with pytest.raises(PolicyFileError, match="line"):
        PrivacyPolicy.load(path)


def test_split_facts_withholds_what_may_not_go_and_keeps_the_order() -> None:
    allowed, withheld = PrivacyPolicy().split_facts([MOM, PULSE, HOME, BANK], "cloud")
    assert allowed == (MOM, HOME) and withheld == (PULSE, BANK)


def test_a_local_engine_may_see_what_the_user_allowed_it() -> None:
    policy = PrivacyPolicy().with_limits(health="local")
    allowed, withheld = policy.split_facts([MOM, PULSE], "local")
    assert allowed == (MOM, PULSE) and withheld == ()
    assert policy.split_facts([MOM, PULSE], "cloud") == ((MOM,), (PULSE,))


def test_the_cloud_plans_everyday_tools_when_it_is_reachable() -> None:
    where = PrivacyPolicy().planner_for(
        [tool("send_message", "contacts", "messages")], local_available=True, cloud_available=True
    )
    assert where is Destination.CLOUD


def test_tools_that_may_not_reach_the_cloud_are_planned_by_the_local_engine() -> None:
    policy = PrivacyPolicy().with_limits(health="local")
    tools = [tool("log_pulse", "health"), tool("send_message", "messages")]
    assert policy.planner_for(tools, local_available=True, cloud_available=True) == "local"


def test_a_local_engine_that_is_down_never_falls_back_to_the_cloud() -> None:
    policy = PrivacyPolicy().with_limits(health="local")
    tools = [tool("log_pulse", "health")]
    assert policy.planner_for(tools, local_available=False, cloud_available=True) is None


def test_device_only_tools_cannot_be_planned_by_any_engine() -> None:
    tools = [tool("pay_bill", "finance")]
    assert PrivacyPolicy().planner_for(tools, local_available=True, cloud_available=True) is None


def test_everyday_tools_fall_back_to_the_local_engine_when_the_cloud_is_unreachable() -> None:
    tools = [tool("set_alarm", "device")]
    where = PrivacyPolicy().planner_for(tools, local_available=True, cloud_available=False)
    assert where is Destination.LOCAL


def test_split_tools_keeps_the_tools_a_destination_may_see() -> None:
    pulse, alarm = tool("log_pulse", "health"), tool("set_alarm", "device")
    assert PrivacyPolicy().split_tools([pulse, alarm], "cloud") == ((alarm,), (pulse,))


def test_a_ledger_entry_names_facts_sent_and_withheld_but_no_values() -> None:
    entry = PrivacyPolicy().ledger_entry(
        "cloud",
        "anthropic:claude",
        [MOM, PULSE],
        [tool("send_message", "contacts", "messages")],
        ["CONTACT_1"],
    )
    assert entry.facts_sent == ("mom",) and entry.facts_withheld == ("resting pulse",)
    assert entry.data_classes == ("contacts", "messages")
    assert entry.placeholders == ("CONTACT_1",)
    assert "Jane Doe" not in repr(entry) and "52" not in repr(entry)
