"""Register plain Python functions as tools: ``@tool(...)`` and ``PythonApp``.

    app = PythonApp("rides")

    @app.tool(examples=["book me a ride home"], risk="write", data_classes=["location"])
    def book_ride(destination: str, seats: int = 1) -> dict[str, str]:
        \"\"\"Book a ride to a destination.

        Args:
            destination: Where to go.
        \"\"\"

The decorator returns the function unchanged; the schema comes from the signature (pydantic
models are allowed as parameters) and the docstring.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic_core import PydanticSerializationError, to_jsonable_python

from assistant_sdk.errors import ToolDefinitionError, ToolError, ToolTimeoutError
from assistant_sdk.tools import validate_tool
from assistant_sdk.types import Inverse, Risk, Tool

__all__ = ["PythonApp", "tool"]

F = TypeVar("F", bound=Callable[..., Any])
_ATTR = "__assistant_tool__"
DEFAULT_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class _ToolSpec:
    name: str | None
    description: str | None
    examples: tuple[str, ...]
    risk: Risk
    data_classes: frozenset[str]
    capability: str | None
    timeout: float | None
    confirm: bool = False
    inverse: Inverse | None = None


def tool(
    _func: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    examples: Iterable[str] = (),
    risk: Risk | str = Risk.READ,
    data_classes: Iterable[str] = (),
    capability: str | None = None,
    timeout: float | None = None,
    confirm: bool = False,
    inverse: str | Inverse | None = None,
) -> Callable[[F], F]:
    """Mark a function as a tool; call it with parentheses: ``@tool()``, ``@tool(risk="write")``.

    ``inverse`` names the tool of the same app that reverses this write (``"delete_alarm"``),
    or says where its arguments come from: ``Inverse("delete_alarm", {"time":
    "result.alarm_set.time"})``."""
    if _func is not None:
        raise TypeError(
            "@tool must be called: write @tool() (or @tool(examples=[...], risk=...)) "
            "instead of @tool"
        )
    try:
        risk_value = Risk(risk)
    except ValueError:
        raise ToolDefinitionError(
            f"risk must be one of {[r.value for r in Risk]}, got {risk!r}"
        ) from None
    spec = _ToolSpec(
        name,
        description,
        tuple(examples),
        risk_value,
        frozenset(data_classes),
        capability,
        timeout,
        confirm,
        Inverse(inverse) if isinstance(inverse, str) else inverse,
    )

    def mark(func: F) -> F:
        setattr(func, _ATTR, spec)
        return func

    return mark


class PythonApp:
    """An app whose tools are Python functions (sync or async)."""

    def __init__(self, name: str, functions: Iterable[Callable[..., Any]] = ()) -> None:
        self._name = name
        self._tools: dict[str, Tool] = {}
        self._funcs: dict[str, Callable[..., Any]] = {}
        self._models: dict[str, type[BaseModel]] = {}
        self._timeouts: dict[str, float] = {}
        for func in functions:
            self.register(func)

    @property
    def name(self) -> str:
        return self._name

    def tools(self) -> Sequence[Tool]:
        return list(self._tools.values())

    def tool(self, **kwargs: Any) -> Callable[[F], F]:
        """``@app.tool(...)``: mark and register in one step."""
        if kwargs.keys() - {
            "name",
            "description",
            "examples",
            "risk",
            "data_classes",
            "capability",
            "timeout",
            "confirm",
            "inverse",
        }:
            raise TypeError(f"Unknown @app.tool options: {sorted(kwargs)}")
        marker = tool(**kwargs)

        def register(func: F) -> F:
            self.register(marker(func))
            return func

        return register

    def register(self, func: Callable[..., Any]) -> Tool:
        spec: _ToolSpec | None = getattr(func, _ATTR, None)
        if spec is None:
            spec = _ToolSpec(None, None, (), Risk.READ, frozenset(), None, None)
        name = spec.name or func.__name__
        if name in self._tools:
            raise ToolDefinitionError(f"App {self._name!r} already has a tool named {name!r}")
        summary, arg_docs = _parse_docstring(inspect.getdoc(func) or "")
        model = _arguments_model(name, func, arg_docs)
        description = spec.description or summary
        if not description:
            raise ToolDefinitionError(
                f"Tool {name!r} needs a description: add a docstring or pass description="
            )
        built = validate_tool(
            Tool(
                name=name,
                description=description,
                app=self._name,
                parameters=_clean_schema(model.model_json_schema()),
                examples=spec.examples,
                risk=spec.risk,
                data_classes=spec.data_classes,
                capability=spec.capability,
                confirm=spec.confirm,
                inverse=spec.inverse,
            )
        )
        self._tools[name] = built
        self._funcs[name] = func
        self._models[name] = model
        self._timeouts[name] = spec.timeout or DEFAULT_TIMEOUT_S
        return built

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> Any:
        func = self._funcs.get(tool)
        if func is None:
            raise ToolError(f"App {self._name!r} has no tool {tool!r}", tool=tool)
        try:
            parsed = self._models[tool].model_validate(dict(arguments))
        except ValidationError as exc:
            raise ToolError(f"Invalid arguments for {tool}: {_brief(exc)}", tool=tool) from None
        kwargs = {field: getattr(parsed, field) for field in type(parsed).model_fields}
        timeout = self._timeouts[tool]
        try:
            if inspect.iscoroutinefunction(func):
                result = await asyncio.wait_for(func(**kwargs), timeout)
            else:
                result = await asyncio.wait_for(asyncio.to_thread(func, **kwargs), timeout)
        except TimeoutError:
            raise ToolTimeoutError(
                f"{tool} did not finish within {timeout:g} s", tool=tool
            ) from None
        except ToolError:
            raise
        except Exception as exc:
            raise ToolError(f"{tool} failed: {type(exc).__name__}: {exc}", tool=tool) from exc
        try:
            return to_jsonable_python(result)
        except PydanticSerializationError:
            raise ToolError(
                f"{tool} returned a {type(result).__name__}, which is not JSON-serialisable",
                tool=tool,
            ) from None


def _arguments_model(name: str, func: Callable[..., Any], docs: dict[str, str]) -> type[BaseModel]:
    from pydantic import Field

    hints = get_type_hints(func)
    fields: dict[str, Any] = {}
    for param in inspect.signature(func).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise ToolDefinitionError(f"Tool {name!r}: *args and **kwargs cannot be described")
        if param.name not in hints:
            raise ToolDefinitionError(
                f"Tool {name!r}: parameter {param.name!r} needs a type annotation"
            )
        default = ... if param.default is param.empty else param.default
        fields[param.name] = (hints[param.name], Field(default, description=docs.get(param.name)))
    return create_model(f"{name}_arguments", __config__=ConfigDict(extra="forbid"), **fields)


def _clean_schema(schema: dict[str, Any]) -> dict[str, Any]:
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
    schema.setdefault("properties", {})
    return schema


_ARGS_HEADER = re.compile(r"^(Args|Arguments|Parameters):\s*$")
_ARG_LINE = re.compile(r"^\s+(\w+)\s*(\([^)]*\))?:\s*(.*)$")


def _parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """Summary (first paragraph) and Google-style ``Args:`` descriptions."""
    paragraphs = doc.strip().split("\n\n")
    summary = " ".join(paragraphs[0].split()) if paragraphs and paragraphs[0] else ""
    if _ARGS_HEADER.match(summary):
        summary = ""
    args: dict[str, str] = {}
    in_args, current = False, None
    for line in doc.splitlines():
        if _ARGS_HEADER.match(line.strip()):
            in_args = True
            continue
        if in_args:
            match = _ARG_LINE.match(line)
            if match:
                current = match.group(1)
                args[current] = match.group(3).strip()
            elif line.strip() and current and line.startswith("        "):
                args[current] += " " + line.strip()
            elif not line.startswith(" ") and line.strip():
                in_args = False
    return summary, args


def _brief(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'arguments'}: {err['msg']}"
        for err in exc.errors()
    )
