"""Whatever a person types, reading arguments on the device never raises: text it cannot read
becomes a problem, a missing argument or an unexplained word."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app_adapters.apps import DEMO_FACTS
from assistant_sdk import ToolRegistry
from assistant_sdk.slots import fill_arguments

NOW = datetime(2026, 3, 4, 10, 0)
WORDS = (
    "text mom call John remind me tomorrow at 7 pm in 20 minutes 99999999999999 hours half "
    "past quarter to noon February 30 next week the Shopping note to work from home saying "
    "subject body all delete play something and then ? , : 2026-13-45 13:75 am twenty-five "
    "Friday March 12 tonight tmrw 1e400 -5 ' \" 🙂 \x00"
).split(" ")


phrases = st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(request=st.one_of(phrases, st.text(max_size=60)))
def test_reading_any_request_for_any_tool_never_raises(tools: ToolRegistry, request: str) -> None:
    for tool in tools:
        fill = fill_arguments(
            tool, request, DEMO_FACTS, now=NOW, contacts=["Jane Doe", "John Smith", "John Park"]
        )
        assert set(fill.missing) <= set(tool.parameter_names)
        assert set(fill.arguments) <= set(tool.parameter_names)
