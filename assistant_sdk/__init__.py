"""assistant-sdk: resolve requests on the device; an engine plans over only what was selected."""

from typing import TYPE_CHECKING

from .errors import (
    AssistantError,
    ConfigurationError,
    ConversationFileError,
    EngineError,
    FactStoreError,
    IndexStoreError,
    InvalidRequestError,
    MaxStepsExceeded,
    MissingDependencyError,
    ModelNotBuiltError,
    PrivacyLeakError,
    RunError,
    ToolDefinitionError,
    ToolError,
    ToolTimeoutError,
)
from .settings import Settings, load_settings
from .tools import AppAdapter, ToolRegistry, tool_card, validate_tool
from .types import (
    Candidate,
    Decision,
    Fact,
    FactKind,
    FactMatch,
    Inverse,
    Resolution,
    Risk,
    Tool,
)

if TYPE_CHECKING:
    from .acting import AuditLog, RiskGate
    from .assistant import Assistant
    from .conversation.conversation import Conversation
    from .engines import EngineTurn, ScriptedEngine, ToolCall, Usage
    from .engines.anthropic import AnthropicEngine
    from .engines.openai_compat import OpenAICompatibleEngine
    from .facts import FactStore
    from .manifest import dump_manifest, load_manifest
    from .plan import Clarification, LocalPlan, PartialPlan, answer_clarification, plan_locally
    from .privacy.delegate import Delegation, DelegationEntry, HelperLimits
    from .privacy.derived import Derived
    from .privacy.guard import WireGuard
    from .privacy.policy import Destination, LedgerEntry, PolicyFileError, PrivacyPolicy
    from .privacy.pseudonym import Pseudonymizer
    from .resolve.calibrate import Calibration
    from .resolve.index_store import load_resolver, save_resolver
    from .resolve.resolver import Resolver, ResolverConfig
    from .slots import SlotFill, fill_arguments
    from .trace import LocalPrice, Reply, TierUsage

# Names whose modules import numpy or more: loaded on first use, so `import assistant_sdk` stays
# fast and loads no heavy backend.
_LAZY = {
    "AnthropicEngine": ".engines.anthropic",
    "Assistant": ".assistant",
    "AuditLog": ".acting",
    "EngineTurn": ".engines",
    "OpenAICompatibleEngine": ".engines.openai_compat",
    "Reply": ".trace",
    "LocalPrice": ".trace",
    "TierUsage": ".trace",
    "Delegation": ".privacy.delegate",
    "DelegationEntry": ".privacy.delegate",
    "HelperLimits": ".privacy.delegate",
    "Derived": ".privacy.derived",
    "ScriptedEngine": ".engines",
    "ToolCall": ".engines",
    "Usage": ".engines",
    "Calibration": ".resolve.calibrate",
    "Conversation": ".conversation",
    "FactStore": ".facts",
    "Resolver": ".resolve.resolver",
    "ResolverConfig": ".resolve.resolver",
    "dump_manifest": ".manifest",
    "load_manifest": ".manifest",
    "load_resolver": ".resolve.index_store",
    "save_resolver": ".resolve.index_store",
    "Clarification": ".plan",
    "LocalPlan": ".plan",
    "PartialPlan": ".plan",
    "answer_clarification": ".plan",
    "plan_locally": ".plan",
    "Destination": ".privacy",
    "LedgerEntry": ".privacy",
    "PolicyFileError": ".privacy",
    "PrivacyPolicy": ".privacy",
    "RiskGate": ".acting",
    "Pseudonymizer": ".privacy",
    "WireGuard": ".privacy",
    "SlotFill": ".slots",
    "fill_arguments": ".slots",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'assistant_sdk' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "AnthropicEngine",
    "AppAdapter",
    "Assistant",
    "AssistantError",
    "AuditLog",
    "Calibration",
    "Candidate",
    "Clarification",
    "ConfigurationError",
    "Conversation",
    "ConversationFileError",
    "Decision",
    "Delegation",
    "DelegationEntry",
    "Derived",
    "Destination",
    "EngineError",
    "EngineTurn",
    "Fact",
    "FactKind",
    "FactMatch",
    "FactStore",
    "FactStoreError",
    "HelperLimits",
    "IndexStoreError",
    "InvalidRequestError",
    "Inverse",
    "LedgerEntry",
    "LocalPlan",
    "LocalPrice",
    "MaxStepsExceeded",
    "MissingDependencyError",
    "ModelNotBuiltError",
    "OpenAICompatibleEngine",
    "PartialPlan",
    "PolicyFileError",
    "PrivacyLeakError",
    "PrivacyPolicy",
    "Pseudonymizer",
    "Reply",
    "Resolution",
    "Resolver",
    "ResolverConfig",
    "Risk",
    "RiskGate",
    "RunError",
    "ScriptedEngine",
    "Settings",
    "SlotFill",
    "TierUsage",
    "Tool",
    "ToolCall",
    "ToolDefinitionError",
    "ToolError",
    "ToolRegistry",
    "ToolTimeoutError",
    "Usage",
    "WireGuard",
    "answer_clarification",
    "dump_manifest",
    "fill_arguments",
    "load_manifest",
    "load_resolver",
    "load_settings",
    "plan_locally",
    "save_resolver",
    "tool_card",
    "validate_tool",
]
