"""The complete example in docs/planning.md runs as written and prints what the page shows."""

import contextlib
import io
import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "planning.md"

pytestmark = pytest.mark.slow


def test_the_planning_example_prints_what_the_page_shows(model_dir: Path) -> None:
    text = PAGE.read_text(encoding="utf-8")
    found = re.search(r"## A complete example\n.*?```python\n(.*?)```\n+```\n(.*?)```", text, re.S)
    assert found, "the example or its output is missing"
    code, shown = found.groups()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(PAGE), "exec"), {})
    assert out.getvalue().splitlines() == shown.splitlines()
