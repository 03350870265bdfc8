"""Values written out in a request that the device recognises wherever they appear (e-mail
addresses, phone numbers, street addresses), and ``Mention``: a stretch of the request and
the value read from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["ADDRESS", "EMAIL", "PHONE", "STREET", "Mention"]

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{5,18}\d(?!\w)")
STREET = r"(?i:street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct)\b"
ADDRESS = rf"\d+\s+(?:[A-Za-z][\w'.-]*\s+){{1,4}}?{STREET}(?:,\s*[A-Z][\w-]*)*"
"""A street address: "9 Pine Lane", "400 Market Street, Springfield"."""


@dataclass(frozen=True, slots=True)
class Mention:
    """A stretch of the request (``start``..``end``) and the value read from it."""

    start: int
    end: int
    value: Any = None
    problem: str = ""
    """Why the words could not become a value (an impossible date, an unknown alias)."""
    fact: str = ""
    """The key of the alias or place fact the words stand for, when they stand for one."""
