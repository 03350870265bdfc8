"""What of an answer derived from gated data may reach the cloud: the setting per class, its
policy-file syntax, and the cut that releases only what the setting allows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant_sdk import ConfigurationError, PolicyFileError, PrivacyPolicy
from assistant_sdk.engines import Usage
from assistant_sdk.privacy.derived import WITHHELD, Derived, raw_values
from assistant_sdk.trace import LocalPrice

RECORDS = json.dumps(
    [
        {"date": "2026-03-02", "entry": "migraine after the Riverside Clinic visit", "pain": 7},
        {"account": "Acme Bank 4417 2291 0050", "balance": 1520.5},
    ]
)
RAW = raw_values(["penicillin and peanuts"], [RECORDS])


def test_health_and_finance_answers_go_up_as_a_yes_a_no_or_a_count_by_default() -> None:
    policy = PrivacyPolicy()
    assert policy.derived_for("health") is Derived.COUNT
    assert policy.derived_for("finance") is Derived.COUNT


def test_the_derived_setting_is_read_from_its_own_section_of_the_policy_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "privacy.toml"
    path.write_text('[privacy]\nhealth = "local"\n\n[derived]\nhealth = "text"\nfinance = "no"\n')
    policy = PrivacyPolicy.load(path)
    assert policy.limit("health") == "local"
    assert (policy.derived_for("health"), policy.derived_for("finance")) == ("text", "no")


def test_a_saved_policy_reads_back_the_same(tmp_path: Path) -> None:
    policy = PrivacyPolicy().with_limits(health="local").with_derived(health="yes-no", notes="text")
    path = tmp_path / "privacy.toml"
    path.write_text(policy.dumps())
    assert PrivacyPolicy.load(path) == policy


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('health = "local"\n[derived]\nhealth = "sometimes"\n', 3, "'sometimes'"),
        ('[derived]\nhealth = "text"\nhealth = "no"\n', 3, "set twice"),
        ("[derived]\n\nshoe_size = count\n", 3, "shoe_size"),
        ('[privacy]\n[secrets]\nhealth = "local"\n', 2, "unknown section"),
        ("[derived]\nhealth count\n", 2, "no|count|text"),
    ],
)
def test_a_mistake_in_the_derived_section_names_its_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "privacy.toml"
    path.write_text(text)
    with pytest.raises(PolicyFileError, match=words) as caught:
        PrivacyPolicy.load(path)
    assert caught.value.line == line


def test_an_unknown_setting_given_in_code_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="no, count or text"):
        PrivacyPolicy().with_derived(health="maybe")


def test_a_count_setting_releases_only_the_leading_yes_no_or_number() -> None:
    assert Derived.COUNT.release("Yes, three times.", RAW).text == "yes"
    assert Derived.COUNT.release("2", RAW).text == "2"
    assert Derived.COUNT.release("1,024 steps", RAW).text == "1024"
    assert Derived.COUNT.release("You had migraines", RAW).text is None


def test_a_count_that_is_a_withheld_number_is_not_released() -> None:
    released = Derived.COUNT.release("4417", RAW)
    assert released.text is None and released.withheld == 1


def test_a_free_text_answer_keeps_its_words_and_loses_the_raw_values() -> None:
    answer = (
        "You had a migraine after the Riverside Clinic visit, are allergic to penicillin, and "
        "your account 4417 2291 0050 is fine."
    )
    released = Derived.TEXT.release(answer, RAW)
    assert released.text is not None and released.text.startswith("You had a")
    for raw in ("Riverside", "penicillin", "4417", "2291", "0050"):
        assert raw not in released.text
    assert WITHHELD in released.text and released.withheld >= 3


def test_a_free_text_answer_cannot_quote_a_record_two_words_at_a_time() -> None:
    released = Derived.TEXT.release("It said: Riverside Clinic.", RAW)
    assert released.text == f"It said: {WITHHELD}."


def test_no_setting_releases_nothing() -> None:
    assert Derived.NO.release("2", RAW).text is None


def test_local_tokens_are_free_unless_the_user_prices_them() -> None:
    usage = Usage(input_tokens=900_000, output_tokens=100_000)
    assert LocalPrice().cost(usage) == 0.0
    gpu = LocalPrice.from_gpu(usd_per_hour=1.8, tokens_per_second=500)
    assert gpu.usd_per_million == pytest.approx(1.0)
    assert gpu.cost(usage) == pytest.approx(1.0)


def test_a_gpu_price_needs_a_measured_throughput() -> None:
    with pytest.raises(ConfigurationError, match="tokens_per_second"):
        LocalPrice.from_gpu(usd_per_hour=1.0, tokens_per_second=0)


def test_a_delegation_tool_that_quotes_a_third_party_tool_is_as_untrusted_as_it() -> None:
    from assistant_sdk.privacy.delegate import delegate_tool
    from assistant_sdk.types import Tool

    ours = Tool("read_journal", "Read the health journal.", "health", data_classes={"health"})
    theirs = Tool("read_labs", "Read lab results.", "labs", data_classes={"health"}, trusted=False)
    assert delegate_tool("health", [ours], Derived.COUNT).trusted
    assert not delegate_tool("health", [ours, theirs], Derived.COUNT).trusted
