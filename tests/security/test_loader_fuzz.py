"""Every loader meets malformed input with a library error and loses nothing: tool schemas,
manifests, fact databases, the sample apps' files, the audit log and requests (fuzzed with
hypothesis, plus the hand-made cases that once crashed)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from app_adapters.apps import AppDataError
from app_adapters.apps.calendar_app import CalendarStore
from app_adapters.apps.contacts import ContactBook
from app_adapters.apps.notes import NoteStore
from assistant_sdk import (
    AuditLog,
    FactStore,
    FactStoreError,
    Tool,
    ToolDefinitionError,
    ToolError,
    load_manifest,
    validate_tool,
)
from assistant_sdk.inputs import clean_text

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- tool schemas
NAMES = st.sampled_from(["a", "b", "c"])
REFS = st.one_of(
    st.sampled_from(
        [
            "#",
            "#/$defs/a",
            "#/$defs/zz",
            "#/properties/a",
            "#/$defs/a/properties/b",
            "#anchor",
            "http://example.com/s.json",
            "other.json#/a",
            "#/$defs/a/items/0",
            "#/%24defs/a",
        ]
    ),
    st.text(max_size=8),
)
PATTERNS = st.one_of(
    st.sampled_from(["^a+$", "([", "(?P<x>", "\\", "a{2,1}", "[z-a]", "(?<=a+)b", "\\p{L}"]),
    st.text(max_size=6),
)
TYPES = st.sampled_from(["string", "integer", "number", "boolean", "array", "object", "null"])
LEAF = st.fixed_dictionaries(
    {},
    optional={
        "type": TYPES,
        "pattern": PATTERNS,
        "$ref": REFS,
        "$anchor": st.sampled_from(["anchor", "other"]),
        "$id": st.sampled_from(["http://example.com/x", "y.json"]),
        "minimum": st.integers(),
        "enum": st.lists(st.integers(), max_size=3),
    },
)
SCHEMA = st.recursive(
    LEAF,
    lambda inner: st.fixed_dictionaries(
        {},
        optional={
            "type": TYPES,
            "$ref": REFS,
            "properties": st.dictionaries(NAMES, inner, max_size=3),
            "patternProperties": st.dictionaries(PATTERNS, inner, max_size=2),
            "$defs": st.dictionaries(NAMES, inner, max_size=2),
            "items": inner,
            "allOf": st.lists(inner, max_size=2),
            "anyOf": st.lists(inner, max_size=2),
            "not": inner,
        },
    ),
    max_leaves=12,
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES, inner, max_size=3),
    max_leaves=8,
)


def registered(schema: dict[str, Any]) -> bool:
    try:
        validate_tool(Tool("fuzzed", "A fuzzed tool.", "fuzz", schema))
    except ToolDefinitionError:
        return False
    return True


@FUZZ
@given(SCHEMA.map(lambda s: {**s, "type": "object"}), JSON)
def test_a_schema_accepted_at_registration_validates_any_arguments_without_crashing(
    schema: dict[str, Any], arguments: Any
) -> None:
    if registered(schema):
        list(Draft202012Validator(schema).iter_errors(arguments))


@pytest.mark.parametrize(
    "schema",
    [
        {"properties": {"a": {"$ref": "#/$defs/missing"}}},
        {"properties": {"a": {"$ref": "https://example.com/remote.json"}}},
        {"properties": {"a": {"type": "string", "pattern": "(["}}},
        {"patternProperties": {"(": {}}},
        {"$ref": "#"},
        {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"anyOf": [{"$ref": "#/$defs/a"}]}}},
        {"properties": {"deep": json.loads('{"items":' * 40 + "{}" + "}" * 40)}},
    ],
    ids=[
        "dangling-ref",
        "remote-ref",
        "bad-pattern",
        "bad-pattern-key",
        "self-ref",
        "ref-cycle",
        "too-deep",
    ],
)
def test_a_schema_that_would_crash_at_dispatch_is_refused_at_registration(
    schema: dict[str, Any],
) -> None:
    assert not registered({"type": "object", **schema})


def test_a_recursive_schema_that_consumes_data_is_accepted() -> None:
    node = {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#"}}}}
    assert registered(node)


# ---------------------------------------------------------------- manifests
@FUZZ
@given(st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()))
def test_any_manifest_file_loads_or_raises_a_tool_definition_error(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tools.json"
        path.write_bytes(raw)
        with contextlib.suppress(ToolDefinitionError):
            load_manifest(path)


def test_a_manifest_that_is_not_utf8_names_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "tools.json"
    path.write_bytes(b'{"tools": [\n{"name": "caf\xe9"}]}')
    with pytest.raises(ToolDefinitionError, match=r"tools\.json, line 2: not UTF-8"):
        load_manifest(path)


def test_a_bad_manifest_entry_names_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "tools.json"
    entries = [{"name": "a", "description": "x"}, {"name": "b", "description": "y", "risk": "?"}]
    path.write_text(json.dumps({"tools": entries}, indent=2))
    with pytest.raises(ToolDefinitionError, match=r"tools\.json: line 7: tools\[1\] \('b'\)"):
        load_manifest(path)


# ---------------------------------------------------------------- fact databases
CELLS = st.none() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=6) | st.sampled_from(
    ["preference", "alias", "place", "note", "health", "contacts"]
)  # fmt: skip


@FUZZ
@given(st.lists(st.tuples(st.text(min_size=1, max_size=5), CELLS, CELLS, CELLS), max_size=4))
def test_a_facts_database_written_by_another_program_reads_or_names_its_bad_row(
    rows: list[tuple[Any, ...]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.sqlite3"
        with sqlite3.connect(path) as db:  # a lax table, as another program might make
            db.execute("CREATE TABLE facts (key PRIMARY KEY, value, kind, data_class, updated)")
            db.executemany("INSERT OR IGNORE INTO facts VALUES (?, ?, ?, ?, 0)", rows)
        db.close()
        store = FactStore(path)
        try:
            store.all()
        except FactStoreError as exc:
            assert "row" in str(exc) and str(path) in str(exc)
        finally:
            store.close()


def test_a_fact_row_of_an_unknown_kind_names_the_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "facts.sqlite3"
    FactStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO facts (key, value, kind, data_class) VALUES ('x', 'y', 'z', 'w')")
    db.close()
    with pytest.raises(FactStoreError, match=r"facts\.sqlite3, row 1 .*unknown kind 'z'"):
        FactStore(path).all()


# ---------------------------------------------------------------- the sample apps' files
TEXTS = st.text(max_size=300) | st.sampled_from(
    [
        "BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n",
        "BEGIN:VCARD\nVERSION:3.0\nFN:\nTEL:\nEND:VCARD\n",
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n",
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:nonsense\nEND:VEVENT\nEND:VCALENDAR\n",
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20300101T090000\nDTEND:x\nEND:VEVENT\n"
        "END:VCALENDAR\n",
    ]
)


@FUZZ
@given(TEXTS)
def test_any_contact_card_reads_or_raises_an_app_data_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "x.vcf").write_text(clean_text(text), encoding="utf-8")
        with contextlib.suppress(AppDataError):
            ContactBook(Path(folder)).all()


@FUZZ
@given(TEXTS)
def test_any_calendar_file_reads_or_raises_an_app_data_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calendar.ics"
        path.write_text(clean_text(text), encoding="utf-8")
        with contextlib.suppress(AppDataError):
            CalendarStore(path).events()


@FUZZ
@given(st.binary(max_size=300))
def test_any_notes_database_file_opens_or_raises_an_app_data_error(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notes.sqlite3"
        path.write_bytes(raw)
        with contextlib.suppress(ToolError):
            NoteStore(path, datetime.now).search("milk")


# ---------------------------------------------------------------- the audit log
@FUZZ
@given(st.binary(max_size=300), st.binary(max_size=80))
def test_any_audit_log_and_head_verify_and_take_an_entry_without_crashing(
    log_bytes: bytes, head_bytes: bytes
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        log = AuditLog(Path(folder) / "audit.jsonl")
        log.path.write_bytes(log_bytes)
        log.head_path.write_bytes(head_bytes)
        log.verify()
        entry = log.append(
            tool="t", app="a", risk="write", arguments={}, outcome="ok", confirmed=False
        )
        assert log.entries()[-1]["hash"] == entry["hash"]


# ---------------------------------------------------------------- requests
SURROGATES = st.sampled_from(["\ud800", "\udfff", "\ud83d", "\ude00"])


@FUZZ
@given(st.lists(st.text(max_size=4) | SURROGATES, max_size=8).map("".join))
def test_cleaned_text_always_encodes_as_utf8(text: str) -> None:
    cleaned = clean_text(text)
    cleaned.encode("utf-8")
    assert len(cleaned) <= len(text)
