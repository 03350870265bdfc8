"""The complete examples in the docs run as written and print what the pages show."""

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("page", ["planning.md", "privacy.md", "conversations.md"])
def test_the_example_prints_what_the_page_shows(page: str, model_dir: Path) -> None:
    path = DOCS / page
    text = path.read_text(encoding="utf-8")
    found = re.search(r"## A complete example\n.*?```python\n(.*?)```\n+```\n(.*?)```", text, re.S)
    assert found, "the example or its output is missing"
    code, shown = found.groups()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(path), "exec"), {})
    assert out.getvalue().splitlines() == shown.splitlines()
