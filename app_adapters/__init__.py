"""How apps register their tools: plain Python, MCP servers, OpenAPI services, and sample apps.

Importing this package loads neither ``mcp`` nor ``httpx``: ``McpApp`` and ``OpenApiApp`` are
imported on first use (which also keeps ``python -m app_adapters.mcp`` clean).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from assistant_sdk.tools import AppAdapter

from .base import ToolChanges
from .python import PythonApp, tool

if TYPE_CHECKING:
    from .mcp import McpApp
    from .openapi import OpenApiApp

__all__ = ["AppAdapter", "McpApp", "OpenApiApp", "PythonApp", "ToolChanges", "tool"]

_LAZY = {"McpApp": ".mcp", "OpenApiApp": ".openapi"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
