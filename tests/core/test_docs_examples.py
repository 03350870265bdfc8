"""The complete examples in the docs run as written and print what the pages show."""

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("page", "heading"),
    [
        ("planning.md", "## A complete example"),
        ("privacy.md", "## A complete example"),
        ("privacy.md", "### A complete delegation example"),
        ("conversations.md", "## A complete example"),
    ],
)
def test_the_example_prints_what_the_page_shows(page: str, heading: str, model_dir: Path) -> None:
    path = DOCS / page
    text = path.read_text(encoding="utf-8")
    pattern = re.escape(heading) + r"\n.*?```python\n(.*?)```\n+```\n(.*?)```"
    found = re.search(pattern, text, re.S)
    assert found, "the example or its output is missing"
    code, shown = found.groups()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(path), "exec"), {})
    assert out.getvalue().splitlines() == shown.splitlines()
