"""Tuning the encoder for slots at ``adapt`` time is skipped where it would overfit."""

from __future__ import annotations

from pathlib import Path

from assistant_sdk.reading.slot_eval import TUNE_MIN_ROWS, SlotRow, tuned_embedder


def test_a_set_too_small_to_tune_on_keeps_the_base_encoder_and_builds_nothing(
    tmp_path: Path,
) -> None:
    rows = [
        SlotRow(f"wake me at {n}", "alarm", "train", (("time", 11, 11 + len(str(n))),))
        for n in range(TUNE_MIN_ROWS - 1)
    ]
    assert tuned_embedder(rows, None, 0, tmp_path) == (None, 0.0)
    assert not (tmp_path / "models").exists()
