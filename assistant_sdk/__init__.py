"""assistant-sdk: resolve requests on the device; an engine plans over only what was selected."""

from .errors import (
    AssistantError,
    ConfigurationError,
    EngineError,
    FactStoreError,
    IndexStoreError,
    InvalidRequestError,
    MaxStepsExceeded,
    MissingDependencyError,
    ModelNotBuiltError,
    RunError,
    ToolDefinitionError,
    ToolError,
)
from .tools import AppAdapter, ToolRegistry, tool_card, validate_tool
from .types import Candidate, Decision, Fact, FactKind, FactMatch, Resolution, Risk, Tool

__all__ = [
    "AppAdapter",
    "AssistantError",
    "Candidate",
    "ConfigurationError",
    "Decision",
    "EngineError",
    "Fact",
    "FactKind",
    "FactMatch",
    "FactStoreError",
    "IndexStoreError",
    "InvalidRequestError",
    "MaxStepsExceeded",
    "MissingDependencyError",
    "ModelNotBuiltError",
    "Resolution",
    "Risk",
    "RunError",
    "Tool",
    "ToolDefinitionError",
    "ToolError",
    "ToolRegistry",
    "tool_card",
    "validate_tool",
]
