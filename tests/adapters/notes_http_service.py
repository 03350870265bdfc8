"""A notes service over real HTTP on 127.0.0.1 (http.server in a thread) and its OpenAPI
document, for the OpenAPI adapter tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "Bearer s3cret"

NOTE = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "description": "What to remember."},
        "tags": {"type": "array", "items": {"type": "string"}},
        "pinned": {"type": "boolean", "nullable": True},
    },
    "required": ["text"],
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Notes", "version": "1"},
    "servers": [{"url": "/api"}],
    "components": {
        "schemas": {
            "Note": NOTE,
            "Folder": {
                "type": "object",
                "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Folder"}}
                },
            },
        },
        "parameters": {
            "NoteId": {
                "name": "note_id",
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
            }
        },
        "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "sid"}},
    },
    "paths": {
        "/notes": {
            "get": {
                "operationId": "searchNotes",
                "summary": "Search notes.",
                "description": "Finds notes containing a word.\n\nMore details nobody reads.",
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "Authorization",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
                    },
                ],
                "x-assistant-examples": ["find my note about milk"],
                "x-assistant-data-classes": ["notes"],
                "x-assistant-capability": "notes.search",
            },
            "post": {
                "operationId": "createNote",
                "summary": "Create a note.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Note"}}
                    },
                },
            },
        },
        "/notes/{note_id}": {
            "parameters": [{"$ref": "#/components/parameters/NoteId"}],
            "get": {"operationId": "getNote", "summary": "Read one note."},
            "delete": {"operationId": "deleteNote", "summary": "Delete a note."},
        },
        "/notes/{note_id}/export": {
            "parameters": [{"$ref": "#/components/parameters/NoteId"}],
            "get": {"operationId": "notes.export", "summary": "Export a note as plain text."},
        },
        "/echo/{part}": {
            "post": {
                "operationId": "echo",
                "description": "Echo the request back.",
                "x-assistant-risk": "read",
                "parameters": [
                    {"name": "part", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "flag", "in": "query", "schema": {"type": "boolean"}},
                    {
                        "name": "tags",
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"type": "array", "items": {"type": "integer"}}
                        }
                    }
                },
            }
        },
        "/slow": {"get": {"operationId": "slow", "summary": "Answer after two seconds."}},
        "/import": {
            "put": {
                "operationId": "importXml",
                "summary": "Import notes from XML.",
                "requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}},
            }
        },
        "/prefs": {
            "get": {
                "operationId": "getPrefs",
                "summary": "Read preferences.",
                "parameters": [{"name": "sid", "in": "cookie", "schema": {"type": "string"}}],
            },
            "put": {
                "operationId": "setPrefs",
                "summary": "Set preferences.",
                "security": [{"session": []}],
            },
        },
        "/subscribe": {
            "post": {
                "operationId": "subscribe",
                "summary": "Subscribe to changes.",
                "callbacks": {
                    "changed": {
                        "{$request.body#/url}": {
                            "post": {"responses": {"200": {"description": "ok"}}}
                        }
                    }
                },
            }
        },
        "/folders": {
            "post": {
                "operationId": "createFolder",
                "summary": "Create a folder tree.",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Folder"}}
                    }
                },
            }
        },
    },
}


class _Handler(BaseHTTPRequestHandler):
    notes: dict[str, dict[str, Any]]

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any = None, kind: str = "application/json") -> None:
        data = (
            b""
            if body is None
            else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
        )
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self, method: str) -> None:
        url = urlsplit(self.path)
        parts = [unquote(p) for p in url.path.split("/")[2:]]  # drop "" and "api"
        query = parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        body: Any = json.loads(self.rfile.read(length)) if length else None
        if parts[:1] == ["echo"]:
            return self._send(
                200,
                {
                    "part": parts[1],
                    "query": query,
                    "trace": self.headers.get("X-Trace"),
                    "body": body,
                },
            )
        if parts == ["slow"]:
            time.sleep(2)
            return self._send(200, {"ok": True})
        if self.headers.get("Authorization") != TOKEN:
            return self._send(401, {"message": "bad token"})
        if parts == ["notes"] and method == "GET":
            return self._send(200, [n for n in self.notes.values() if query["q"][0] in n["text"]])
        if parts == ["notes"] and method == "POST":
            note_id = f"n{len(self.notes) + 1}"
            self.notes[note_id] = {"id": note_id, **(body or {})}
            return self._send(201, self.notes[note_id])
        note = self.notes.get(parts[1]) if len(parts) > 1 else None
        if note is None:
            return self._send(404, {"error": {"message": f"no note {parts[1]!r}"}})
        if len(parts) == 3:
            return self._send(200, note["text"], "text/plain; charset=utf-8")
        if method == "DELETE":
            del self.notes[parts[1]]
            return self._send(204)
        return self._send(200, note)

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")


@contextmanager
def running_service() -> Iterator[str]:
    """Start the service on a free port; yield its base URL."""
    handler = type("Handler", (_Handler,), {"notes": {"n1": {"id": "n1", "text": "buy milk"}}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()
