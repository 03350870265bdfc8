"""Apps that already document an HTTP API with OpenAPI 3: each operation becomes a tool.

    app = OpenApiApp.from_document("todo", "openapi.json", "https://todo.example",
                                   headers=lambda: {"Authorization": f"Bearer {token()}"})
    registry.add_app(app)

Tool names come from ``operationId``; path, query, header and cookie parameters and the JSON
request body are merged into one JSON Schema. Parameters are written as their ``style`` and
``explode`` say; an absent or null optional parameter is not sent (a null one is sent empty
when the document allows empty values); null in a JSON body stays null. Server variables take
the app's ``server_variables`` or their defaults; path- and operation-level ``servers`` win
over the document's. ``Accept`` names the success responses' media types (JSON first).
Security schemes (API key in a header, the query or a cookie; bearer; basic; OAuth2 and
OpenID Connect access tokens) take the app's ``credentials``. GET/HEAD are read, DELETE
destructive, the rest write; ``x-assistant-risk``, ``x-assistant-examples``,
``x-assistant-data-classes`` and ``x-assistant-capability`` on an operation override or add
to that. An operation the adapter cannot call faithfully is skipped, with one warning that
lists every skipped operation: nothing is ever sent in a form the document did not define.
"""

from __future__ import annotations

import inspect
import json
import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin

from assistant_sdk.errors import (
    ConfigurationError,
    MissingDependencyError,
    ToolError,
    ToolTimeoutError,
)
from assistant_sdk.types import Tool

from ._openapi_auth import Credential, Unsupported, apply_security, server_url
from ._openapi_spec import Operation, parse_operations
from ._openapi_wire import serialise
from .base import jsonable

if TYPE_CHECKING:
    import httpx

__all__ = ["CredentialSource", "HeaderSource", "HttpStatusError", "OpenApiApp"]

HeaderSource = (
    Mapping[str, str] | Callable[[], Mapping[str, str] | Awaitable[Mapping[str, str]]] | None
)
"""Headers sent with every call (auth): fixed, or a function called before each call."""
CredentialSource = (
    Mapping[str, Credential]
    | Callable[[], Mapping[str, Credential] | Awaitable[Mapping[str, Credential]]]
    | None
)
"""Security scheme name → API key or token (or ``(user, password)`` for basic): fixed, or a
function called before each call (to refresh a token)."""

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
        credentials: CredentialSource = None,
        timeout: float = 30.0,
        client: httpx.AsyncClient | None = None,
        skipped: Sequence[str] = (),
    ) -> None:
        self._name = name
        self._ops = {op.tool.name: op for op in operations}
        self._base_url = base_url.rstrip("/")
        self._headers = headers
        self._credentials = credentials
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
        credentials: CredentialSource = None,
        server_variables: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        client: httpx.AsyncClient | None = None,
        prefix: str = "",
    ) -> OpenApiApp:
        """Read the document (a dict, or a JSON/YAML file); ``base_url`` defaults to its
        first ``servers`` entry, with ``server_variables`` (or the defaults) filled in."""
        doc = _load(document) if isinstance(document, str | Path) else document
        variables = dict(server_variables or {})
        operations, skipped = parse_operations(name, doc, prefix, variables)
        if skipped:
            warnings.warn(
                f"OpenAPI app {name!r}: skipped {len(skipped)} operation(s): " + "; ".join(skipped),
                stacklevel=2,
            )
        url = base_url or _server_url(name, doc, variables)
        return cls(
            name,
            operations,
            url,
            headers=headers,
            credentials=credentials,
            timeout=timeout,
            client=client,
            skipped=skipped,
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
        path, query, headers, cookies, body = _request_parts(op, arguments)
        try:
            auth_headers, auth_query, auth_cookies = apply_security(
                op.security, await _supplied(self._credentials)
            )
            headers = {**headers, **auth_headers, **(await _supplied(self._headers))}
        except Exception as exc:
            raise ToolError(
                f"{tool}: the app could not supply its auth headers or credentials: "
                f"{type(exc).__name__}: {exc}",
                tool=tool,
                retryable=True,
            ) from exc
        if op.accept and "accept" not in {h.lower() for h in headers}:
            headers["Accept"] = op.accept
        if cookies or auth_cookies:
            headers["Cookie"] = "; ".join([*cookies, *auth_cookies])
        query_text = "&".join([*query, *auth_query])
        url = self._base(op) + path + (f"?{query_text}" if query_text else "")
        _check_url(tool, url)
        client = self._http()
        try:
            response = await client.request(op.method, url, headers=headers, json=body)
        except httpx.InvalidURL as exc:
            raise ToolError(f"{tool}: cannot call {url!r}: {exc}", tool=tool) from None
        except httpx.TimeoutException:
            raise ToolTimeoutError(
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

    def _base(self, op: Operation) -> str:
        if op.server is None:
            return self._base_url
        return urljoin(self._base_url + "/", op.server).rstrip("/")

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(timeout=self._timeout)
        return self._client


def _check_url(tool: str, url: str) -> None:
    """A URL httpx would reject, or a port no socket takes, as a tool error before sending."""
    import httpx

    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ToolError(f"{tool}: cannot call {url!r}: {exc}", tool=tool) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ToolError(f"{tool}: cannot call {url!r}: not an absolute http(s) URL", tool=tool)
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise ToolError(f"{tool}: cannot call {url!r}: port {parsed.port} is invalid", tool=tool)


async def _supplied(source: Any) -> Mapping[str, Any]:
    """A fixed mapping, or what a (sync or async) supplier returns now."""
    if source is None:
        return {}
    if isinstance(source, Mapping):
        return source
    supplied = source()
    if inspect.isawaitable(supplied):
        supplied = await supplied
    return dict(supplied)


def _request_parts(
    op: Operation, arguments: Mapping[str, Any]
) -> tuple[str, list[str], dict[str, str], list[str], Any]:
    """Path, query fragments, headers, cookie pairs and JSON body for one call."""
    path = op.path
    query: list[str] = []
    headers: dict[str, str] = {}
    cookies: list[str] = []
    body: Any = None
    name = op.tool.name
    for arg, value in arguments.items():
        where, param = op.locations.get(arg), op.params.get(arg)
        if where == "body*":
            body = value
        elif where == "body":
            body = {**(body or {}), op.wire_names.get(arg, arg): value}
        elif param is None:
            raise ToolError(f"{name} takes no argument {arg!r}", tool=name)
        elif value is None and not (param.allow_empty and param.where == "query"):
            if where == "path" or arg in op.tool.parameters.get("required", ()):
                raise ToolError(f"{name}: {arg!r} is required and cannot be null", tool=name)
        elif where == "path":
            path = path.replace("{" + param.name + "}", serialise(param, value))
        elif where == "query":
            query.append(serialise(param, value))
        elif where == "header":
            text = serialise(param, value)
            if "\r" in text or "\n" in text:
                message = f"{name}: header {param.name!r} cannot hold a line break"
                raise ToolError(message, tool=name)
            headers[param.name] = text
        else:
            cookies.append(serialise(param, value))
    return path, query, headers, cookies, body


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


def _server_url(app: str, doc: Mapping[str, Any], variables: Mapping[str, str]) -> str:
    servers = doc.get("servers") or []
    try:
        url = server_url(servers[0], variables) if servers else ""
    except Unsupported as exc:
        raise ConfigurationError(f"OpenAPI app {app!r}: {exc}") from None
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
