import subprocess
import sys

import assistant_sdk

EXPECTED = {
    "Clarification",
    "Delegation",
    "DelegationEntry",
    "Derived",
    "HelperLimits",
    "Inverse",
    "LocalPrice",
    "TierUsage",
    "LocalPlan",
    "PartialPlan",
    "answer_clarification",
    "plan_locally",
    "Destination",
    "LedgerEntry",
    "PolicyFileError",
    "PrivacyPolicy",
    "RiskGate",
    "Pseudonymizer",
    "PrivacyLeakError",
    "WireGuard",
    "SlotFill",
    "fill_arguments",
    "AnthropicEngine",
    "Assistant",
    "AuditLog",
    "OpenAICompatibleEngine",
    "EngineTurn",
    "Reply",
    "ScriptedEngine",
    "ToolCall",
    "Usage",
    "AppAdapter",
    "AssistantError",
    "Calibration",
    "Candidate",
    "ConfigurationError",
    "Conversation",
    "ConversationFileError",
    "Decision",
    "EngineError",
    "Fact",
    "FactKind",
    "FactMatch",
    "FactStore",
    "FactStoreError",
    "IndexStoreError",
    "InvalidRequestError",
    "MaxStepsExceeded",
    "MissingDependencyError",
    "ModelNotBuiltError",
    "Resolution",
    "Resolver",
    "ResolverConfig",
    "Risk",
    "RunError",
    "Settings",
    "Tool",
    "ToolDefinitionError",
    "ToolError",
    "ToolTimeoutError",
    "ToolRegistry",
    "dump_manifest",
    "load_manifest",
    "load_resolver",
    "load_settings",
    "save_resolver",
    "tool_card",
    "validate_tool",
}


def test_the_public_names_are_exactly_the_documented_ones() -> None:
    assert set(assistant_sdk.__all__) == EXPECTED
    for name in assistant_sdk.__all__:
        assert getattr(assistant_sdk, name) is not None


def test_importing_the_package_loads_no_heavy_backend() -> None:
    code = (
        "import sys, assistant_sdk; "
        "print(sorted(m for m in ('numpy', 'torch', 'faiss', 'onnxruntime', 'anthropic', 'mcp') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
