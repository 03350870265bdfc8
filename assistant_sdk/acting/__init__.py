"""Acting on the user's behalf: the risk gate, dispatch of checked calls, and the audit log.

gate = RiskGate(confirm, confirm_writes={"messages"})
audit = AuditLog(data_dir / "audit.jsonl", key=secret)   # key: optional HMAC chain
"""

from .audit import AuditLog, AuditVerification
from .dispatch import Confirm, Dispatcher
from .gate import GateResult, Origin, RiskGate
from .state import RequestState

__all__ = [
    "AuditLog",
    "AuditVerification",
    "Confirm",
    "Dispatcher",
    "GateResult",
    "Origin",
    "RequestState",
    "RiskGate",
]
