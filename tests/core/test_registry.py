import pytest

from assistant_sdk import Risk, Tool, ToolDefinitionError, ToolRegistry, tool_card
from assistant_sdk.tools import split_identifier


def make(name: str = "book_ride", **kw: object) -> Tool:
    fields: dict[str, object] = {"description": "Book a ride.", "app": "rides"}
    fields.update(kw)
    return Tool(name=name, **fields)  # type: ignore[arg-type]


def test_a_valid_tool_is_registered_and_found_by_name() -> None:
    registry = ToolRegistry([make()])
    assert registry["book_ride"].app == "rides"
    assert "book_ride" in registry and len(registry) == 1


@pytest.mark.parametrize("name", ["book ride", "book.ride", "", "x" * 65, "réserver"])
def test_names_the_cloud_apis_reject_are_refused_with_the_rule(name: str) -> None:
    with pytest.raises(ToolDefinitionError, match="letters, digits"):
        ToolRegistry([make(name)])


def test_a_duplicate_tool_name_raises_instead_of_replacing() -> None:
    registry = ToolRegistry([make()])
    with pytest.raises(ToolDefinitionError, match="Duplicate tool name 'book_ride'"):
        registry.add(make(app="other"))
    assert registry["book_ride"].app == "rides"


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"type": "array"}, "type"),
        ({"type": "object", "properties": {"x": {"type": "strin"}}}, "invalid JSON Schema"),
        ({"type": "object", "properties": {}, "required": ["x"]}, "not defined"),
    ],
)
def test_schemas_that_are_not_valid_json_schema_objects_are_refused(
    schema: dict[str, object], message: str
) -> None:
    with pytest.raises(ToolDefinitionError, match=message):
        ToolRegistry([make(parameters=schema)])


def test_unknown_data_classes_and_empty_descriptions_are_refused() -> None:
    with pytest.raises(ToolDefinitionError, match="unknown data classes"):
        ToolRegistry([make(data_classes=frozenset({"dna"}))])
    with pytest.raises(ToolDefinitionError, match="description"):
        ToolRegistry([make(description="  ")])


def test_the_tool_card_carries_name_description_and_parameter_names() -> None:
    tool = make(
        parameters={"type": "object", "properties": {"destination": {}, "rideType": {}}},
        risk=Risk.WRITE,
    )
    assert tool_card(tool) == "book ride: Book a ride. (destination, ride type)"


def test_identifiers_in_snake_kebab_and_camel_case_split_into_words() -> None:
    assert split_identifier("card_arrival") == "card arrival"
    assert split_identifier("AddToPlaylist") == "add to playlist"
    assert split_identifier("get-top-up") == "get top up"
