"""The risk gate every planned call passes before it runs."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..types import Risk, Tool

__all__ = ["GateResult", "Origin", "RiskGate"]


Origin = Literal["user", "engine"]
"""Who planned a call: the device, straight from the user's request, or an engine."""


@dataclass(frozen=True, slots=True)
class GateResult:
    allowed: bool
    asked: bool
    """Whether the user was asked (and so ``allowed`` is their answer)."""
    reason: str


class RiskGate:
    """Decides whether a planned call may run, asking the user when it must.

    ``read`` tools run. ``write`` tools ask when the app marked them (``Tool.confirm``), when
    the user's ``confirm_writes`` is true or names the tool's app, and always when an engine
    planned them after reading tool results (``tainted``): text from an e-mail, a note or a web
    page must not act for the user unseen. ``destructive`` tools always ask; without a
    ``confirm`` callback they are refused.
    """

    def __init__(
        self,
        confirm: Callable[[Tool, Mapping[str, Any]], bool] | None = None,
        *,
        confirm_writes: bool | Collection[str] = False,
    ) -> None:
        self.confirm = confirm
        self.confirm_writes = confirm_writes

    def must_ask(self, tool: Tool, *, origin: Origin = "user", tainted: bool = False) -> bool:
        if tool.risk is Risk.READ:
            return False
        if tool.risk is not Risk.WRITE:
            return True  # destructive, or a risk this gate does not know
        if tool.confirm or (origin == "engine" and tainted):
            return True
        if isinstance(self.confirm_writes, bool):
            return self.confirm_writes
        return tool.app in self.confirm_writes

    def check(
        self,
        tool: Tool,
        arguments: Mapping[str, Any],
        *,
        origin: Origin = "user",
        tainted: bool = False,
    ) -> GateResult:
        """Whether ``tool`` may run with ``arguments``; asks through ``confirm`` when needed."""
        if not self.must_ask(tool, origin=origin, tainted=tainted):
            return GateResult(True, False, f"{tool.risk.value} tool: runs without asking")
        if self.confirm is None:
            return GateResult(False, False, f"{tool.name} needs the user's confirmation")
        if self.confirm(tool, arguments):
            return GateResult(True, True, "the user confirmed")
        return GateResult(False, True, "the user declined")
