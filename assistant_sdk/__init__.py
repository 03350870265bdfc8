"""assistant-sdk: resolve requests on the device, plan with an engine over only what was selected."""

from .errors import (
    AssistantError,
    ConfigurationError,
    EngineError,
    FactStoreError,
    IndexStoreError,
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
