"""The assistant-sdk command: eval with a tool manifest, index, and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant_sdk import ToolRegistry, load_resolver
from assistant_sdk.manifest import dump_manifest, load_manifest
from assistant_sdk.resolve.evaluate import load_dataset, tools_for_dataset
from embeddings.base import Embedder

pytestmark = pytest.mark.slow


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant_sdk.cli", *args], capture_output=True, text=True
    )


def write_rows(path: Path) -> Path:
    rows = [
        {"text": "wake me at 7", "intent": "alarm_set", "split": "train"},
        {"text": "alarm for six", "intent": "alarm_set", "split": "test"},
        {"text": "play jazz", "intent": "play_music", "split": "train"},
        {"text": "put some music on", "intent": "play_music", "split": "test"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    return path


def test_a_manifest_supplies_the_descriptions_eval_indexes(tmp_path: Path) -> None:
    data = write_rows(tmp_path / "set.jsonl")
    manifest = tmp_path / "tools.json"
    manifest.write_text(json.dumps([{"name": "alarm_set", "description": "Set a wake-up alarm."}]))
    tools = tools_for_dataset(load_dataset(data), 1, 0, load_manifest(manifest))
    assert [t.description for t in tools] == ["Set a wake-up alarm.", "play music"]
    out = cli(
        "eval", str(data), "--shots", "1", "--tools", str(manifest), "--adapt", "no", "--json"
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["n_tools"] == 2


def _slot_rows(path: Path) -> Path:
    rows = [
        {
            "text": f"wake me at {h}",
            "intent": "alarm",
            "split": split,
            "slots": [{"type": "time", "value": str(h)}],
        }
        for h, split in [(5, "train"), (6, "train"), (7, "train"), (8, "test"), (9, "test")]
    ] + [
        {
            "text": f"play {q}",
            "intent": "music",
            "split": split,
            "slots": [{"type": "query", "value": q}],
        }
        for q, split in [("jazz", "train"), ("blues", "train"), ("rock", "test")]
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    return path


def test_eval_with_slots_reports_slot_f1_and_frame_accuracy(tmp_path: Path) -> None:
    data = _slot_rows(tmp_path / "slots.jsonl")
    out = cli("eval", str(data), "--shots", "all", "--adapt", "no", "--slots", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert {"slot_f1", "frame_accuracy", "frame_accuracy_e2e"} <= set(report)
    assert 0.0 <= report["frame_accuracy_e2e"] <= report["frame_accuracy"] <= 100.0


def test_a_slot_value_that_is_not_in_its_text_is_named_in_the_error(tmp_path: Path) -> None:
    data = _slot_rows(tmp_path / "slots.jsonl")
    bad = {
        "text": "wake me",
        "intent": "alarm",
        "split": "test",
        "slots": [{"type": "time", "value": "7"}],
    }
    data.write_text(data.read_text() + "\n" + json.dumps(bad))
    out = cli("eval", str(data), "--shots", "all", "--adapt", "no", "--slots", "--json")
    assert out.returncode == 2
    assert "slots.jsonl:9" in out.stderr and "'7'" in out.stderr


def test_a_malformed_dataset_line_is_named_in_the_error(tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "a", "intent": "x", "split": "test"}\n{"text": "b"}\n')
    out = cli("eval", str(data), "--json")
    assert out.returncode == 2
    assert "bad.jsonl:2" in out.stderr


def test_index_saves_a_resolver_that_loads_for_the_same_catalogue(
    tmp_path: Path, embedder: Embedder
) -> None:
    tools = tools_for_dataset(load_dataset(write_rows(tmp_path / "set.jsonl")), 1, 0)
    dump_manifest(tools, tmp_path / "tools.json")
    out = cli("index", str(tmp_path / "tools.json"), "--out", str(tmp_path / "idx"))
    assert out.returncode == 0, out.stderr
    resolver = load_resolver(tmp_path / "idx", embedder, ToolRegistry(tools))
    assert resolver.build() == 0
    top = resolver.resolve("set an alarm").top
    assert top is not None and top.tool.name == "alarm_set"


def test_demo_takes_the_consoles_own_options(tmp_path: Path, model_dir: Path) -> None:
    import os

    env = dict(os.environ, ASSISTANT_SDK_DATA=str(tmp_path), COLUMNS="200")
    env.pop("ANTHROPIC_API_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "assistant_sdk.cli", "demo", "--engine", "none"],
        input="set an alarm for 6:30 am\n:quit\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "set_alarm(time='06:30') by the device" in done.stdout
