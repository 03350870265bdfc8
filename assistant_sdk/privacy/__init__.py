"""Privacy on the device: the user's policy, placeholders for personal values, the last-mile
guard over every outbound engine body, and the ledger of what actually left.

    policy = PrivacyPolicy.load("privacy.toml")
    names = Pseudonymizer(facts, contacts)
"""

from __future__ import annotations

from .guard import WITHHELD, Sent, WireGuard
from .policy import DEFAULT_LIMITS, Destination, LedgerEntry, PolicyFileError, PrivacyPolicy
from .pseudonym import ContactLike, Pseudonymizer
from .request import RequestPrivacy

__all__ = [
    "DEFAULT_LIMITS",
    "WITHHELD",
    "ContactLike",
    "Destination",
    "LedgerEntry",
    "PolicyFileError",
    "PrivacyPolicy",
    "Pseudonymizer",
    "RequestPrivacy",
    "Sent",
    "WireGuard",
]
