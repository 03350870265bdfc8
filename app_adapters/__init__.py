"""How apps register their tools: plain Python, MCP servers, OpenAPI services, and sample apps.

Importing this package loads neither ``mcp`` nor ``httpx``; each is imported when first used.
"""

from assistant_sdk.tools import AppAdapter

from .base import ToolChanges
from .mcp import McpApp
from .openapi import OpenApiApp
from .python import PythonApp, tool

__all__ = ["AppAdapter", "McpApp", "OpenApiApp", "PythonApp", "ToolChanges", "tool"]
