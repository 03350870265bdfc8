from pathlib import Path

import pytest

from assistant_sdk import ConfigurationError, Fact, FactKind, FactStoreError
from assistant_sdk.facts import FactStore


def test_facts_persist_across_store_instances(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    FactStore(path).remember(Fact("Mom", "Jane Doe", FactKind.ALIAS, "contacts"))
    fact = FactStore(path).get("mom")
    assert fact == Fact("mom", "Jane Doe", FactKind.ALIAS, "contacts")


def test_remembering_a_key_again_updates_it_and_forget_removes_it() -> None:
    store = FactStore(":memory:")
    store.remember(Fact("rides", "Uber", FactKind.PREFERENCE))
    store.remember(Fact("rides", "Lyft", FactKind.PREFERENCE))
    assert [f.value for f in store.all()] == ["Lyft"]
    assert store.forget("RIDES") is True
    assert store.forget("rides") is False
    assert len(store) == 0


def test_each_change_bumps_the_version_so_indexes_can_refresh() -> None:
    store = FactStore(":memory:")
    before = store.version
    store.remember(Fact("home", "12 Oak Street", FactKind.PLACE, "location"))
    assert store.version == before + 1


def test_unknown_data_classes_and_empty_values_are_refused() -> None:
    store = FactStore(":memory:")
    with pytest.raises(ConfigurationError, match="unknown data class"):
        store.remember(Fact("blood type", "O+", FactKind.NOTE, "genome"))
    with pytest.raises(ConfigurationError, match="needs a value"):
        store.remember(Fact("mom", "  ", FactKind.ALIAS, "contacts"))


def test_a_corrupt_database_gives_a_clear_error_and_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    garbage = b"this is not sqlite" * 100
    path.write_bytes(garbage)
    with pytest.raises(FactStoreError, match="unreadable"):
        FactStore(path)
    assert path.read_bytes() == garbage
