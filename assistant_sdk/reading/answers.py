"""The user's answer to a device's question continues the same request: the chosen tool, or
the chosen value ("John Smith"), read with the rest of the request."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from ..slots import fill_arguments
from ..types import Fact
from .decide import Clarification, LocalPlan, PartialPlan, decide
from .kinds import Filled, SlotFill

if TYPE_CHECKING:
    from embeddings.base import Embedder

__all__ = ["answer_clarification"]


def answer_clarification(
    clarification: Clarification,
    choice: str,
    facts: Sequence[Fact],
    *,
    now: datetime,
    contacts: Sequence[str] | None = None,
    embedder: Embedder | None = None,
) -> LocalPlan | PartialPlan | Clarification:
    """Continue the same request with the user's answer (one of ``clarification.options``)."""
    if choice not in clarification.options:
        raise ValueError(f"{choice!r} is not one of {clarification.options}")
    if clarification.parameter is None:
        tool = clarification.tools[clarification.options.index(choice)]
        fill = fill_arguments(
            tool, clarification.request, facts, now=now, contacts=contacts, embedder=embedder
        )
        return decide(tool, clarification.request, fill)
    assert clarification.tool is not None
    fill = fill_arguments(
        clarification.tool,
        clarification.request,
        facts,
        now=now,
        contacts=contacts,
        embedder=embedder,
    )
    chosen = Filled("user", 1.0, choice)
    arguments = {**fill.arguments, clarification.parameter: choice}
    if clarification.refused:
        filled = {**fill.filled, clarification.parameter: chosen}
        return PartialPlan(clarification.tool, arguments, filled, (), clarification.refused)
    ambiguous = {k: v for k, v in fill.ambiguous.items() if k != clarification.parameter}
    answered = SlotFill(
        arguments,
        {**fill.filled, clarification.parameter: chosen},
        tuple(m for m in fill.missing if m != clarification.parameter),
        ambiguous,
        fill.unexplained,
        fill.problems,
    )
    return decide(clarification.tool, clarification.request, answered)
