"""Apps that already document an HTTP API with OpenAPI 3: each operation becomes a tool.

    app = OpenApiApp.from_document("todo", "openapi.json", "https://todo.example",
                                   headers=lambda: {"Authorization": f"Bearer {token()}"})
    registry.add_app(app)

Tool names come from ``operationId``; path, query and header parameters and the JSON request
body are merged into one JSON Schema. GET/HEAD are read, DELETE destructive, the rest write;
``x-assistant-risk``, ``x-assistant-examples``, ``x-assistant-data-classes`` and
``x-assistant-capability`` on an operation override or add to that. An operation the adapter
cannot call faithfully is skipped, with one warning that lists every skipped operation.
"""

from __future__ import annotations

import inspect
import json
import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import quote

from assistant_sdk.errors import ConfigurationError, MissingDependencyError, ToolError
from assistant_sdk.types import Tool

from ._openapi_spec import Operation, parse_operations
from .base import jsonable

if TYPE_CHECKING:
    import httpx

__all__ = ["HeaderSource", "HttpStatusError", "OpenApiApp"]

HeaderSource = (
    Mapping[str, str] | Callable[[], Mapping[str, str] | Awaitable[Mapping[str, str]]] | None
)
"""Headers sent with every call (auth): fixed, or a function called before each call."""

_RETRYABLE = {408, 425, 429, 500, 502, 503, 504}


class HttpStatusError(ToolError):
    """The service answered with an HTTP error status."""

    def __init__(self, message: str, *, tool: str, status: int) -> None:
        super().__init__(message, tool=tool, retryable=status in _RETRYABLE)
        self.status = status


class OpenApiApp:
    """An HTTP service described by an OpenAPI 3 document, called over httpx."""

    trusted = False
    """Its tool descriptions come from a third party: data for the engine, not instructions."""

    def __init__(
        self,
        name: str,
        operations: Sequence[Operation],
        base_url: str,
        *,
        headers: HeaderSource = None,
        timeout: float = 30.0,
        client: httpx.AsyncClient | None = None,
        skipped: Sequence[str] = (),
    ) -> None:
        self._name = name
        self._ops = {op.tool.name: op for op in operations}
        self._base_url = base_url.rstrip("/")
        self._headers = headers
        self._timeout = timeout
        self._client = client
        self._owns_client = client is None
        self.skipped: tuple[str, ...] = tuple(skipped)
        """``"METHOD /path: reason"`` for each operation that did not become a tool."""

    @classmethod
    def from_document(
        cls,
        name: str,
        document: Mapping[str, Any] | str | Path,
        base_url: str | None = None,
        *,
        headers: HeaderSource = None,
        timeout: float = 30.0,
        client: httpx.AsyncClient | None = None,
        prefix: str = "",
    ) -> OpenApiApp:
        """Read the document (a dict, or a JSON/YAML file); ``base_url`` defaults to its
        first ``servers`` entry."""
        doc = _load(document) if isinstance(document, str | Path) else document
        operations, skipped = parse_operations(name, doc, prefix)
        if skipped:
            warnings.warn(
                f"OpenAPI app {name!r}: skipped {len(skipped)} operation(s): " + "; ".join(skipped),
                stacklevel=2,
            )
        url = base_url or _server_url(name, doc)
        return cls(
            name, operations, url, headers=headers, timeout=timeout, client=client, skipped=skipped
        )

    @property
    def name(self) -> str:
        return self._name

    def tools(self) -> Sequence[Tool]:
        return [op.tool for op in self._ops.values()]

    async def aclose(self) -> None:
        if self._owns_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> Any:
        import httpx

        op = self._ops.get(tool)
        if op is None:
            raise ToolError(f"App {self._name!r} has no tool {tool!r}", tool=tool)
        url, params, headers, body = _request_parts(op, arguments)
        try:
            headers = {**headers, **(await self._auth_headers())}
        except Exception as exc:
            raise ToolError(
                f"{tool}: the app could not supply its auth headers: {type(exc).__name__}: {exc}",
                tool=tool,
                retryable=True,
            ) from exc
        client = self._http()
        try:
            response = await client.request(
                op.method, self._base_url + url, params=params, headers=headers, json=body
            )
        except httpx.TimeoutException:
            raise ToolError(
                f"{tool}: {self._name!r} did not answer within {self._timeout:g} s",
                tool=tool,
                retryable=True,
            ) from None
        except httpx.HTTPError as exc:
            raise ToolError(
                f"{tool}: cannot reach {self._name!r} at {self._base_url}: {exc}",
                tool=tool,
                retryable=True,
            ) from None
        if response.is_error:
            raise HttpStatusError(
                f"{tool} failed: HTTP {response.status_code} {response.reason_phrase}: "
                f"{_error_message(response)}",
                tool=tool,
                status=response.status_code,
            )
        return jsonable(_result(response), tool=tool)

    async def _auth_headers(self) -> Mapping[str, str]:
        if self._headers is None:
            return {}
        if isinstance(self._headers, Mapping):
            return self._headers
        supplied = self._headers()
        if inspect.isawaitable(supplied):
            supplied = await supplied
        return supplied

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(timeout=self._timeout)
        return self._client


def _request_parts(
    op: Operation, arguments: Mapping[str, Any]
) -> tuple[str, dict[str, Any], dict[str, str], Any]:
    path = op.path
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    body: Any = None
    for arg, value in arguments.items():
        where, wire = op.locations.get(arg), op.wire_names.get(arg, arg)
        if where == "path":
            path = path.replace("{" + wire + "}", quote(_text(value), safe=""))
        elif where == "query":
            params[wire] = [_text(v) for v in value] if isinstance(value, list) else _text(value)
        elif where == "header":
            headers[wire] = _text(value)
        elif where == "body*":
            body = value
        elif where == "body":
            body = {**(body or {}), wire: value}
        else:
            raise ToolError(f"{op.tool.name} takes no argument {arg!r}", tool=op.tool.name)
    return path, params, headers, body


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _result(response: httpx.Response) -> Any:
    if not response.content:
        return None
    kind = response.headers.get("content-type", "").split(";")[0].strip()
    if kind == "application/json" or kind.endswith("+json"):
        try:
            return response.json()
        except ValueError:
            pass
    return response.text


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:500] or "no details"
    if isinstance(body, dict):
        for key in ("message", "detail", "error_description", "title", "error"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message", value)
            if value:
                return value if isinstance(value, str) else json.dumps(value)
    return json.dumps(body)[:500]


def _server_url(app: str, doc: Mapping[str, Any]) -> str:
    servers = doc.get("servers") or []
    url = servers[0].get("url", "") if servers else ""
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"OpenAPI app {app!r}: pass base_url= (the document names no absolute server URL)"
        )
    return str(url)


def _load(path: str | Path) -> Mapping[str, Any]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"Cannot read OpenAPI document {path}: {exc}") from None
    if path.suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise MissingDependencyError("pyyaml", purpose="YAML OpenAPI documents") from None
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigurationError(f"{path}: not valid YAML: {exc}") from None
    else:
        try:
            loaded = json.loads(text)
        except ValueError as exc:
            raise ConfigurationError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(loaded, dict):
        raise ConfigurationError(f"{path}: an OpenAPI document is a JSON/YAML object")
    return loaded
