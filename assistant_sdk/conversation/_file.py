"""A conversation as a JSON file, for a front end that restarts.

The file records the catalogue it was saved over (a digest of every tool's name and schema):
loading it over another catalogue, or loading a file that is not one, raises
``ConversationFileError`` and changes nothing. Writes go to a temporary file first.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engines.base import Usage
from ..errors import ConversationFileError
from ..plan import Clarification
from ..privacy.policy import Destination, LedgerEntry
from ..trace import Reply, Step
from ._followup import Action
from ._history import HistoryTurn, message_from_json, message_to_json

if TYPE_CHECKING:
    from ..tools import ToolRegistry
    from .conversation import Conversation, Turn

__all__ = ["catalogue_digest", "read_file", "write_file"]

FORMAT = "assistant-sdk/conversation"
VERSION = 1


def catalogue_digest(registry: ToolRegistry) -> str:
    tools = [
        [t.name, t.description, dict(t.parameters)] for t in sorted(registry, key=lambda t: t.name)
    ]
    return hashlib.sha256(json.dumps(tools, sort_keys=True, default=str).encode()).hexdigest()


def write_file(path: Path, conversation: Conversation) -> None:
    data = {
        "format": FORMAT,
        "version": VERSION,
        "catalogue": catalogue_digest(conversation.assistant.registry),
        "turns": [_turn_json(t) for t in conversation.turns],
        "history": [_history_json(h) for h in conversation.history.turns],
        "facts": conversation.history.facts,
        "pending": _pending_json(conversation.pending),
    }
    text = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_file(path: Path, conversation: Conversation) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConversationFileError(f"Cannot read the conversation in {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ConversationFileError(f"{path} is not a saved conversation")
    if data.get("version") != VERSION:
        raise ConversationFileError(f"{path} has version {data.get('version')!r}, not {VERSION}")
    if data.get("catalogue") != catalogue_digest(conversation.assistant.registry):
        raise ConversationFileError(
            f"{path} was saved over another catalogue of tools; start a new conversation"
        )
    try:
        turns = [_turn_from(t) for t in data["turns"]]
        history = [_history_from(h) for h in data["history"]]
        facts = {str(k): [str(f) for f in v] for k, v in dict(data["facts"]).items()}
        pending = _pending_from(data["pending"], conversation)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConversationFileError(f"{path} is corrupt: {exc!r}") from exc
    conversation.turns[:] = turns
    conversation.history.turns[:] = history
    conversation.history.facts.update(facts)
    conversation.pending = pending


def _turn_json(turn: Turn) -> dict[str, Any]:
    return {
        "index": turn.index,
        "request": turn.request,
        "reply": turn.reply,
        "planned_by": turn.planned_by,
        "at": turn.at.isoformat(),
        "actions": [asdict(a) for a in turn.actions],
        "carried_from": turn.carried_from,
        "usage": asdict(turn.usage),
        "ledger": [{**asdict(e), "destination": e.destination.value} for e in turn.ledger],
    }


def _turn_from(data: dict[str, Any]) -> Turn:
    from .conversation import Turn

    return Turn(
        int(data["index"]),
        str(data["request"]),
        str(data["reply"]),
        str(data["planned_by"]),
        datetime.fromisoformat(data["at"]),
        tuple(Action(**a) for a in data["actions"]),
        None if data["carried_from"] is None else int(data["carried_from"]),
        Usage(**data["usage"]),
        tuple(_ledger_from(e) for e in data["ledger"]),
    )


def _ledger_from(data: dict[str, Any]) -> LedgerEntry:
    """A ledger entry read back: every field by the type of its default (counts, names)."""
    from ..privacy.delegate import DelegationEntry
    from ..privacy.derived import Derived

    values: dict[str, Any] = {}
    for spec in fields(LedgerEntry):
        if spec.name in ("destination", "engine", "delegations") or spec.name not in data:
            continue
        values[spec.name] = (
            int(data[spec.name]) if isinstance(spec.default, int) else tuple(data[spec.name])
        )
    delegations = tuple(
        DelegationEntry(**{**d, "setting": Derived(d["setting"])})
        for d in data.get("delegations", ())
    )
    return LedgerEntry(
        Destination(data["destination"]), str(data["engine"]), **values, delegations=delegations
    )


def _history_json(turn: HistoryTurn) -> dict[str, Any]:
    return {
        "messages": [message_to_json(m) for m in turn.messages],
        "data_classes": sorted(turn.data_classes),
        "tools": list(turn.tools),
        "sent": {k: [message_to_json(m) for m in v] for k, v in turn.sent.items()},
    }


def _history_from(data: dict[str, Any]) -> HistoryTurn:
    return HistoryTurn(
        tuple(message_from_json(m) for m in data["messages"]),
        frozenset(str(c) for c in data["data_classes"]),
        tuple(str(t) for t in data["tools"]),
        {str(k): tuple(message_from_json(m) for m in v) for k, v in data["sent"].items()},
    )


def _pending_json(reply: Reply | None) -> dict[str, Any] | None:
    question = reply.clarification if reply is not None else None
    if reply is None or question is None:
        return None
    return {
        "text": reply.text,
        "question": question.question,
        "options": list(question.options),
        "request": question.request,
        "parameter": question.parameter,
        "tool": question.tool.name if question.tool else None,
        "tools": [t.name for t in question.tools],
        "arguments": dict(question.arguments),
        "refused": question.refused,
        "carried_from": next(
            (s.detail.get("carried_from") for s in reply.steps if s.kind == "plan"), None
        ),
    }


def _pending_from(data: dict[str, Any] | None, conversation: Conversation) -> Reply | None:
    if data is None:
        return None
    registry = conversation.assistant.registry
    question = Clarification(
        str(data["question"]),
        tuple(str(o) for o in data["options"]),
        str(data["request"]),
        data["parameter"],
        registry[data["tool"]] if data["tool"] else None,
        tuple(registry[n] for n in data["tools"]),
        dict(data["arguments"]),
        str(data.get("refused", "")),
    )
    resolution = conversation.assistant.resolver.resolve(question.request)
    detail: dict[str, Any] = {"options": list(question.options)}
    if data.get("carried_from") is not None:
        detail["carried_from"] = int(data["carried_from"])
    step = Step("plan", "clarify", 0.0, detail)
    return Reply(str(data["text"]), resolution, "device", (step,), clarification=question)
