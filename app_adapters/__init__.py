"""How apps register their tools: plain Python, MCP servers, OpenAPI services, and sample apps."""

from assistant_sdk.tools import AppAdapter

from .python import PythonApp, tool

__all__ = ["AppAdapter", "PythonApp", "tool"]
