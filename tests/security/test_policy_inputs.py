"""Every malformed privacy policy is a typed library error that names the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant_sdk import ConfigurationError, PolicyFileError, PrivacyPolicy
from assistant_sdk.privacy import Destination


def test_an_unknown_destination_in_code_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="Unknown destination 'moon' for 'health'"):
        PrivacyPolicy({"health": "moon"})  # type: ignore[dict-item]


def test_limits_that_are_not_a_mapping_are_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="must map data classes"):
        PrivacyPolicy(["health"])  # type: ignore[arg-type]


def test_moving_a_class_to_an_unknown_destination_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="Unknown destination"):
        PrivacyPolicy().with_limits(health="mars")


def test_a_missing_policy_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "privacy.toml"
    with pytest.raises(
        PolicyFileError, match=r"privacy\.toml, line 0: the policy file does not exist"
    ):
        PrivacyPolicy.load(path)


def test_a_directory_given_as_policy_file_is_a_policy_file_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyFileError, match="cannot be read"):
        PrivacyPolicy.load(tmp_path)


def test_bytes_that_are_not_utf8_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "privacy.toml"
    path.write_bytes(b"health = device\nnotes = \xff\xfe local\n")
    with pytest.raises(PolicyFileError, match=r"line 2: not UTF-8 text \(byte 0xff") as caught:
        PrivacyPolicy.load(path)
    assert caught.value.path == path and caught.value.line == 2


def test_an_unknown_destination_in_a_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "privacy.toml"
    path.write_text('# mine\nhealth = "device"\nfinance = "moon"\n', encoding="utf-8")
    with pytest.raises(PolicyFileError, match="line 3: unknown destination 'moon'"):
        PrivacyPolicy.load(path)


def test_a_well_formed_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "privacy.toml"
    path.write_text('[privacy]\nhealth = "local"\n', encoding="utf-8")
    assert PrivacyPolicy.load(path).limit("health") is Destination.LOCAL


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=200))
def test_any_bytes_either_load_or_raise_a_policy_file_error(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "privacy.toml"
        path.write_bytes(data)
        try:
            policy = PrivacyPolicy.load(path)
        except PolicyFileError as exc:
            assert exc.path == path and exc.line >= 1
        else:
            assert set(policy.limits.values()) <= set(Destination)


@settings(max_examples=150, deadline=None)
@given(limits=st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=4))
def test_any_limits_mapping_either_builds_or_raises_a_configuration_error(
    limits: dict[str, str],
) -> None:
    try:
        policy = PrivacyPolicy(limits)  # type: ignore[arg-type]
    except ConfigurationError:
        return
    assert set(policy.limits.values()) <= set(Destination)
