"""What every adapter shares: the ``AppAdapter`` protocol, safe tool names, JSON results, and
the difference between two tool lists (so a caller re-indexes only what changed)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant_sdk.errors import ToolError
from assistant_sdk.tools import TOOL_NAME, AppAdapter

if TYPE_CHECKING:
    from assistant_sdk.tools import ToolRegistry
    from assistant_sdk.types import Tool

__all__ = ["AppAdapter", "ToolChanges", "diff_tools", "jsonable", "safe_tool_name"]

_UNSAFE = re.compile(r"[^a-zA-Z0-9_-]+")
_MAX = 64


def safe_tool_name(raw: str, taken: Iterable[str] = (), *, prefix: str = "") -> str:
    """A name the cloud APIs accept (``[a-zA-Z0-9_-]{1,64}``) for a foreign tool name.

    Runs of other characters become ``_``; a name that is too long, or that collides with one
    in ``taken``, gets a short digest of the original so the mapping stays stable.
    """
    taken = set(taken)
    base = _UNSAFE.sub("_", f"{prefix}{raw}").strip("_") or "tool"
    if TOOL_NAME.match(base) and base not in taken:
        return base
    digest = hashlib.sha1(raw.encode()).hexdigest()
    for width in (6, 10, 40):
        name = f"{base[: _MAX - width - 1]}_{digest[:width]}"
        if name not in taken:
            return name
    raise ValueError(f"cannot find a free name for {raw!r}")  # pragma: no cover


def jsonable(value: Any, *, tool: str) -> Any:
    """``value`` as plain JSON types, or a ``ToolError`` saying what could not be converted."""
    from pydantic_core import PydanticSerializationError, to_jsonable_python

    try:
        return to_jsonable_python(value)
    except PydanticSerializationError:
        raise ToolError(
            f"{tool} returned a {type(value).__name__}, which is not JSON-serialisable",
            tool=tool,
        ) from None


@dataclass(frozen=True, slots=True)
class ToolChanges:
    """How an app's tool list moved between two listings."""

    added: tuple[Tool, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[Tool, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def apply(self, registry: ToolRegistry, adapter: AppAdapter | None = None) -> None:
        """Bring ``registry`` up to date; the caller then re-indexes only these tools.

        Only the app's own tools move: a change that names another app's tool raises
        ``ToolDefinitionError`` before anything is applied."""
        app = adapter.name if adapter is not None else None
        for tool in (*self.added, *self.changed):
            registry.check_owner(tool.name, app or tool.app)
        if app is not None:
            for name in self.removed:
                registry.check_owner(name, app)
        for name in self.removed:
            if name in registry:
                registry.remove(name, app=app)
        for tool in (*self.added, *self.changed):
            registry.replace(tool, adapter)


def diff_tools(before: Sequence[Tool], after: Sequence[Tool]) -> ToolChanges:
    old: Mapping[str, Tool] = {t.name: t for t in before}
    new: Mapping[str, Tool] = {t.name: t for t in after}
    return ToolChanges(
        added=tuple(t for name, t in new.items() if name not in old),
        removed=tuple(name for name in old if name not in new),
        changed=tuple(t for name, t in new.items() if name in old and old[name] != t),
    )
