"""A small MCP server (the mcp package's own MCPServer) that the adapter tests start over stdio."""

from __future__ import annotations

import os

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.types import ToolAnnotations

server = MCPServer("notes")
NOTES: dict[int, str] = {1: "buy milk"}


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@server.tool(name="notes.search", annotations=ToolAnnotations(read_only_hint=True))
def search(query: str) -> dict[str, list[str]]:
    """Find notes that contain a word."""
    return {"matches": [text for text in NOTES.values() if query in text]}


@server.tool()
def save_note(text: str) -> int:
    """Save a note; returns its id."""
    NOTES[len(NOTES) + 1] = text
    return len(NOTES)


@server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True))
def delete_note(note_id: int) -> str:
    """Delete a note for good."""
    NOTES.pop(note_id, None)
    return "deleted"


@server.tool()
def fail() -> str:
    """Always fails."""
    raise ValueError("the notes database is locked")


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
async def slow(seconds: float) -> str:
    """Take a while to answer."""
    await anyio.sleep(seconds)
    return "done"


@server.tool()
def crash() -> str:
    """Exit the server process in the middle of a call."""
    os._exit(3)


@server.tool()
async def grow(ctx: Context) -> str:
    """Add a tool, drop another, and tell the client."""

    def shout(text: str) -> str:
        """Say something loudly."""
        return text.upper()

    server.add_tool(shout)
    server.remove_tool("fail")
    await ctx.notify_tools_changed()
    return "grown"


if __name__ == "__main__":
    server.run()
