"""Typed readers turn the spans the tagger found into arguments, by parameter kind."""

from __future__ import annotations

from datetime import datetime

from assistant_sdk.reading.typed import Found, typed_fill
from assistant_sdk.slots import SlotFill
from assistant_sdk.types import Fact, FactKind, Tool

NOW = datetime(2026, 3, 4, 10, 0)
FACTS = [Fact("mom", "Jane Doe", FactKind.ALIAS), Fact("home", "12 Oak St", FactKind.PLACE)]
CONTACTS = ["Jane Doe", "John Park", "John Smith"]


def _tool(properties: dict[str, dict[str, str]], required: list[str]) -> Tool:
    schema = {"type": "object", "properties": properties, "required": required}
    return Tool("t", "A tool.", "app", schema)


def _fill(tool: Tool, request: str, **spans: str) -> SlotFill:
    found = {
        name: Found(request.index(said), request.index(said) + len(said), 0.9)
        for name, said in spans.items()
    }
    return typed_fill(tool, request, found, FACTS, now=NOW, contacts=CONTACTS)


def test_a_clock_time_in_words_becomes_hours_and_minutes() -> None:
    tool = _tool({"time": {"type": "string", "description": "When, HH:MM."}}, ["time"])
    fill = _fill(tool, "wake me at half six", time="half six")
    assert fill.arguments == {"time": "06:30"}


def test_an_alias_becomes_the_contact_it_points_to() -> None:
    tool = _tool({"recipient": {"type": "string", "description": "Who."}}, ["recipient"])
    fill = _fill(tool, "text mom", recipient="mom")
    assert fill.arguments == {"recipient": "Jane Doe"}
    assert fill.filled["recipient"].source == "fact:mom"


def test_a_first_name_two_contacts_share_stays_ambiguous() -> None:
    tool = _tool({"recipient": {"type": "string", "description": "Who."}}, ["recipient"])
    fill = _fill(tool, "text John", recipient="John")
    assert fill.ambiguous == {"recipient": ["John Park", "John Smith"]}


def test_a_person_nobody_knows_is_a_problem_not_a_guess() -> None:
    tool = _tool({"recipient": {"type": "string", "description": "Who."}}, ["recipient"])
    fill = _fill(tool, "text Zed", recipient="Zed")
    assert fill.missing == ("recipient",) and "contacts" in fill.problems["recipient"]


def test_a_saved_place_becomes_its_address() -> None:
    tool = _tool({"destination": {"type": "string", "description": "Where."}}, ["destination"])
    fill = _fill(tool, "ride home", destination="home")
    assert fill.arguments == {"destination": "12 Oak St"}


def test_a_length_of_time_becomes_the_parameters_unit() -> None:
    tool = _tool({"duration_minutes": {"type": "integer", "description": "How long."}}, [])
    fill = _fill(tool, "for an hour and a half", duration_minutes="an hour and a half")
    assert fill.arguments == {"duration_minutes": 90}


def test_a_required_parameter_without_a_span_is_missing() -> None:
    tool = _tool({"time": {"type": "string", "description": "When, HH:MM."}}, ["time"])
    assert _fill(tool, "set an alarm").missing == ("time",)
