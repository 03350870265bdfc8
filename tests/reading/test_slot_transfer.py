"""The cross-intent transfer check: each intent read by a tagger trained on the others."""

from __future__ import annotations

import pytest

from assistant_sdk.reading.slot_eval import SlotRow
from assistant_sdk.reading.slot_transfer import evaluate_transfer, weighted_f1

CITIES = ["paris", "boston", "lima", "oslo", "denver", "madrid", "tokyo", "cairo"]


def _row(text: str, intent: str, split: str, **slots: str) -> SlotRow:
    found = tuple((k, text.index(v), text.index(v) + len(v)) for k, v in slots.items())
    return SlotRow(text, intent, split, found)


def _rows() -> list[SlotRow]:
    rows = []
    for n, city in enumerate(CITIES):
        split = "test" if n >= 6 else "val" if n == 5 else "train"
        rows.append(_row(f"weather in {city} tomorrow", "weather", split, city=city))
        rows.append(
            _row(
                f"book a table for {n + 2} in {city}", "booking", split, city=city, party=str(n + 2)
            )
        )
        rows.append(_row(f"play song number {n + 1}", "music", split, track=str(n + 1)))
    return rows


@pytest.mark.slow
def test_each_intent_is_scored_only_on_the_slot_types_the_other_intents_taught(
    embedder: object,
) -> None:
    reports = evaluate_transfer(_rows(), embedder, shots=None)  # type: ignore[arg-type]
    assert {r.intent: r.shared for r in reports} == {"booking": ("city",), "weather": ("city",)}
    assert all(r.n_test == 2 and 0.0 <= r.slot_f1 <= 100.0 for r in reports)
    assert weighted_f1(reports) == pytest.approx(sum(r.slot_f1 for r in reports) / 2, abs=0.01)
