"""A health journal and a bank app with two months of generated records, for the delegation
benchmark: the data classes a user keeps off the cloud, big enough that reading them costs
tokens."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from app_adapters import PythonApp

__all__ = ["TODAY", "bank_app", "health_app"]

TODAY = date(2026, 3, 4)
_SYMPTOMS = ["migraine", "headache", "poor sleep", "back pain", "workout", "blood pressure pill"]
_NOTES = [
    "after the late shift at Riverside Clinic",
    "woke at 3am, could not fall asleep again",
    "45 minutes at the Elm Street gym",
    "took it with breakfast",
    "after skipping lunch",
    "slept 5.5 hours",
]
_SHOPS = [
    ("restaurants", "Trattoria Lucca"),
    ("coffee", "Bean There Cafe"),
    ("groceries", "Green Basket Market"),
    ("utilities", "Springfield Electric"),
    ("rent", "Oakwood Property Management"),
    ("subscriptions", "StreamMax Premium"),
]


def _journal(seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for back in range(60):
        for _ in range(rng.randint(0, 2)):
            kind = rng.randrange(len(_SYMPTOMS))
            rows.append(
                {
                    "date": (TODAY - timedelta(days=back)).isoformat(),
                    "entry": _SYMPTOMS[kind],
                    "note": _NOTES[kind],
                    "severity": rng.randint(1, 9),
                }
            )
    return rows


def _transactions(seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for back in range(60):
        for _ in range(rng.randint(1, 3)):
            category, shop = _SHOPS[rng.randrange(len(_SHOPS))]
            rows.append(
                {
                    "date": (TODAY - timedelta(days=back)).isoformat(),
                    "payee": shop,
                    "category": category,
                    "amount": round(rng.uniform(3, 140), 2),
                    "card": "Visa 4929 1180 2231",
                }
            )
    return rows


def _since(rows: list[dict[str, Any]], days: int) -> list[dict[str, Any]]:
    first = (TODAY - timedelta(days=max(days, 1) - 1)).isoformat()
    return [r for r in rows if r["date"] >= first]


def health_app() -> PythonApp:
    app = PythonApp("health")
    journal = _journal()

    @app.tool(
        examples=["what's in my health journal", "how often did I have migraines"],
        data_classes=["health"],
    )
    def read_health_journal(days: int = 30) -> list[dict[str, Any]]:
        """Read the health journal entries (symptoms, sleep, workouts, pills) of the last days."""
        return _since(journal, days)

    @app.tool(
        examples=["log a headache", "note that I took my pill"],
        risk="write",
        data_classes=["health"],
    )
    def log_symptom(symptom: str) -> str:
        """Record a symptom in the health journal."""
        journal.insert(0, {"date": TODAY.isoformat(), "entry": symptom, "note": "", "severity": 0})
        return f"logged {symptom}"

    return app


def bank_app() -> PythonApp:
    app = PythonApp("bank")
    rows = _transactions()

    @app.tool(
        examples=["what did I spend at restaurants", "show my card transactions"],
        data_classes=["finance"],
    )
    def list_transactions(days: int = 30, category: str = "") -> list[dict[str, Any]]:
        """List the card transactions of the last days, optionally of one category."""
        return [r for r in _since(rows, days) if not category or r["category"] == category]

    @app.tool(examples=["what's my bank balance"], data_classes=["finance"])
    def get_balance() -> dict[str, Any]:
        """The balance of the checking account."""
        return {"account": "Acme Checking 0071 5523 9910", "balance": 2314.87}

    return app
