"""The README's console transcript is what the console prints for its requests.

The block after the marker in README.md is compared with a fresh offline session at a fixed
moment; timings and booking ids, which change from run to run, are compared as placeholders.
After changing the console or the sample apps, rewrite the block with

    python tests/demo/test_readme_transcript.py --write
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MARKER = "<!-- console transcript: written by tests/demo/test_readme_transcript.py -->"
BLOCK = re.compile(re.escape(MARKER) + r"\n```\n(.*?)```", re.S)
NOW = "2026-03-04T09:00"
TYPED = [
    "text mom running late",
    "play some jazz",
    "book me a ride home",
    "what's the weather in Springfield tomorrow",
    "who is my boss",
    "call John",
    "2",
    "delete the Shopping note",
    "n",
    ":remember rides Uber",
    "book me a ride to work",
    "email my boss a summary of my meetings today",
]
_VARYING = [
    (re.compile(r"\d+\.\d ms"), "0.0 ms"),
    (re.compile(r'"id": "[0-9a-f]{8}"'), '"id": "…"'),
]


def transcript(data_dir: Path) -> str:
    """The session's output from the first prompt on, as the README shows it."""
    from assistant_sdk.settings import load_settings

    env = dict(os.environ, ASSISTANT_SDK_DATA=str(data_dir), COLUMNS="100")
    env["ASSISTANT_SDK_CACHE"] = str(load_settings().cache_dir)
    env.pop("ANTHROPIC_API_KEY", None)
    out = subprocess.run(
        [sys.executable, "-m", "demo", "--engine", "none", "--now", NOW],
        input="\n".join(TYPED) + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=True,
    ).stdout
    session = out[out.index("you> ") :].rstrip().removesuffix("you>").rstrip()
    return "\n".join(line.rstrip() for line in session.splitlines()) + "\n"


def comparable(text: str) -> str:
    for pattern, placeholder in _VARYING:
        text = pattern.sub(placeholder, text)
    return text


def shown() -> str:
    found = BLOCK.search(README.read_text(encoding="utf-8"))
    assert found, f"README.md has no console transcript after {MARKER!r}"
    return found.group(1)


@pytest.mark.slow
def test_the_readme_console_transcript_is_what_the_console_prints(
    tmp_path: Path, model_dir: Path
) -> None:
    assert comparable(shown()) == comparable(transcript(tmp_path))


def write() -> None:
    with tempfile.TemporaryDirectory() as folder:
        made = transcript(Path(folder))
    text = README.read_text(encoding="utf-8")
    README.write_text(BLOCK.sub(lambda _: f"{MARKER}\n```\n{made}```", text), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit(f"usage: python {Path(__file__).relative_to(ROOT)} --write")
    write()
