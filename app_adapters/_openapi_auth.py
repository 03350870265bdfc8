"""Security schemes and servers of an OpenAPI 3 document, resolved for one operation.

Credentials come from the app (``credentials={"scheme name": value}``): a string for an API
key (header, query or cookie), a bearer token (``http`` ``bearer``, ``oauth2`` and
``openIdConnect`` access tokens), or a ``(user, password)`` pair for ``http`` ``basic``. An
operation lists alternatives; the first one whose every scheme has a credential is used.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin

__all__ = ["Credential", "Scheme", "Unsupported", "apply_security", "parse_security", "server_url"]

Credential = str | tuple[str, str]
_VARIABLE = re.compile(r"\{([^{}]+)\}")


class Unsupported(Exception):
    """This operation uses something the adapter cannot call faithfully."""


@dataclass(frozen=True, slots=True)
class Scheme:
    key: str  # the scheme's name in components.securitySchemes
    kind: str  # "apiKey" | "bearer" | "basic"
    where: str = "header"  # for apiKey: header | query | cookie
    name: str = "Authorization"


def _scheme(key: str, raw: Any) -> Scheme:
    if not isinstance(raw, Mapping):
        raise Unsupported(f"security scheme {key!r} is not defined")
    kind, where = raw.get("type"), raw.get("in")
    if kind == "apiKey" and where in ("header", "query", "cookie") and raw.get("name"):
        return Scheme(key, "apiKey", str(where), str(raw["name"]))
    if kind == "http" and str(raw.get("scheme", "")).lower() in ("bearer", "basic"):
        return Scheme(key, str(raw["scheme"]).lower())
    if kind in ("oauth2", "openIdConnect"):
        return Scheme(key, "bearer")
    detail = f"{kind} {raw.get('scheme') or where or ''}".strip()
    raise Unsupported(f"security scheme {key!r} ({detail}) is not supported")


def parse_security(
    spec: Mapping[str, Any], doc: Mapping[str, Any]
) -> tuple[tuple[Scheme, ...], ...]:
    """The operation's alternatives; an empty alternative means "no auth" is acceptable."""
    defined = (doc.get("components") or {}).get("securitySchemes") or {}
    requirements = spec.get("security", doc.get("security")) or ()
    alternatives: list[tuple[Scheme, ...]] = []
    refused: list[str] = []
    for requirement in requirements:
        try:
            alternatives.append(tuple(_scheme(k, defined.get(k)) for k in requirement))
        except Unsupported as exc:
            refused.append(str(exc))
    if requirements and not alternatives:
        raise Unsupported("; ".join(refused))
    return tuple(alternatives)


def apply_security(
    alternatives: Sequence[Sequence[Scheme]], credentials: Mapping[str, Credential]
) -> tuple[dict[str, str], list[str], list[str]]:
    """Headers, query fragments and cookie pairs for the first satisfiable alternative."""
    for alternative in alternatives:
        if all(s.key in credentials for s in alternative):
            headers: dict[str, str] = {}
            query: list[str] = []
            cookies: list[str] = []
            for scheme in alternative:
                _one(scheme, credentials[scheme.key], headers, query, cookies)
            return headers, query, cookies
    return {}, [], []


def _one(
    scheme: Scheme, value: Credential, headers: dict[str, str], query: list[str], cookies: list[str]
) -> None:
    if scheme.kind == "basic":
        user, password = value if isinstance(value, tuple) else (value, "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    elif not isinstance(value, str):
        raise TypeError(f"credential for {scheme.key!r} must be a string")
    elif scheme.kind == "bearer":
        headers["Authorization"] = f"Bearer {value}"
    elif scheme.where == "header":
        headers[scheme.name] = value
    elif scheme.where == "query":
        query.append(f"{quote(scheme.name, safe='')}={quote(value, safe='')}")
    else:
        cookies.append(f"{scheme.name}={quote(value, safe='')}")


def server_url(server: Mapping[str, Any], supplied: Mapping[str, str], base: str = "") -> str:
    """A ``servers`` entry with its variables filled in (the app's values, else the
    defaults); a relative URL is resolved against ``base`` as a URL reference (RFC 3986), so
    ``/v2`` is on ``base``'s origin and ``v2`` below its path."""
    url = str(server.get("url", ""))
    variables = server.get("variables") or {}

    def fill(match: re.Match[str]) -> str:
        key = match[1]
        spec = variables.get(key)
        if not isinstance(spec, Mapping):
            raise Unsupported(f"server URL {url!r} uses undeclared variable {key!r}")
        value = str(supplied.get(key, spec.get("default", "")))
        allowed = spec.get("enum")
        if allowed and value not in [str(v) for v in allowed]:
            raise Unsupported(f"server variable {key!r} = {value!r} is not one of {allowed}")
        return value

    filled = _VARIABLE.sub(fill, url)
    if filled.startswith(("http://", "https://")):
        return filled.rstrip("/")
    if not base:
        return filled.rstrip("/")
    return urljoin(base.rstrip("/") + "/", filled).rstrip("/")
