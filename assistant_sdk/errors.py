"""Errors, in three families that never mix.

    AssistantError
    ├── ConfigurationError          a developer mistake: fix the code or the config
    │   ├── ToolDefinitionError     invalid tool name, schema or duplicate tool
    │   └── MissingDependencyError  an optional extra is not installed (names the pip command)
    ├── RunError                    something failed while the assistant was running
    │   ├── InvalidRequestError     the request itself cannot be handled (empty, not UTF-8)
    │   ├── EngineError             the engine could not answer (after retries)
    │   │   ├── MaxStepsExceeded    the plan/act loop hit its bound (carries the partial trace)
    │   │   ├── EngineTimeoutError  the engine took longer than its timeout (nothing retried)
    │   │   ├── EngineUnreachableError  nothing answered at the engine's address
    │   │   ├── TruncatedAnswerError    the answer stopped at the output cap (``max_tokens``)
    │   │   └── ToolsIgnoredError   the server dropped the tools (wrote a call as text)
    │   ├── IndexStoreError         a saved index is corrupt, missing or built by another model
    │   ├── FactStoreError          the facts database is unreadable
    │   ├── ConversationFileError   a saved conversation is corrupt or from another catalogue
    │   ├── PrivacyLeakError        an outbound engine body held a withheld value; not sent
    │   └── ModelNotBuiltError      the on-device embedding model is missing from the cache
    └── ToolError                   a tool call failed; goes back to the engine as an error result
        └── ToolTimeoutError        the tool did not finish in time: it may have had its effect

The roots and the errors of the embedding layer (``AssistantError``, ``ConfigurationError``,
``MissingDependencyError``, ``RunError``, ``IndexStoreError``, ``ModelNotBuiltError``) are
defined in ``embeddings.base``, which imports nothing from this package, and re-exported here:
they are the same classes, so either import catches them.

"No tool matched" is not an exception: it is ``Decision.OUT_OF_SCOPE`` on a ``Resolution``.
"""

from __future__ import annotations

from typing import Any

from embeddings.base import (
    AssistantError,
    ConfigurationError,
    IndexStoreError,
    MissingDependencyError,
    ModelNotBuiltError,
    RunError,
)

__all__ = [
    "AssistantError",
    "ConfigurationError",
    "ConversationFileError",
    "EngineError",
    "EngineTimeoutError",
    "EngineUnreachableError",
    "FactStoreError",
    "IndexStoreError",
    "InvalidRequestError",
    "MaxStepsExceeded",
    "MissingDependencyError",
    "ModelNotBuiltError",
    "PrivacyLeakError",
    "RunError",
    "ToolDefinitionError",
    "ToolError",
    "ToolTimeoutError",
    "ToolsIgnoredError",
    "TruncatedAnswerError",
]


class ToolDefinitionError(ConfigurationError):
    """A tool's name, schema or metadata is invalid, or its name is already taken."""


class InvalidRequestError(RunError):
    """The request cannot be resolved as given: empty, whitespace only, or not UTF-8."""


class EngineError(RunError):
    """The engine could not produce an answer (network, protocol or server error after retries)."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


class MaxStepsExceeded(EngineError):
    """The loop reached ``max_steps`` before the engine answered; ``trace`` holds what happened."""

    def __init__(self, message: str, trace: Any = None) -> None:
        super().__init__(message)
        self.trace = trace


class EngineTimeoutError(EngineError):
    """The engine did not answer within its timeout. Not retried: the server may still be
    working on the request, and a second one could repeat what it decides."""


class EngineUnreachableError(EngineError):
    """Nothing answered at the engine's address (refused, unknown host): nothing was sent."""


class TruncatedAnswerError(EngineError):
    """The answer stopped at the output cap; ``partial`` holds the text that did arrive."""

    def __init__(self, message: str, *, partial: str = "") -> None:
        super().__init__(message)
        self.partial = partial


class ToolsIgnoredError(EngineError):
    """The server took the request but not its tools (a chat template without tool support
    writes the call as text instead)."""


class FactStoreError(RunError):
    """The facts database could not be read or written."""


class ConversationFileError(RunError):
    """A saved conversation could not be loaded: unreadable, corrupt, or saved over another
    catalogue of tools (its turns would name tools this assistant does not have)."""


class PrivacyLeakError(RunError):
    """An engine body still held a value the privacy policy withholds from its destination,
    and the guard was set to refuse rather than replace: nothing was sent. ``kinds`` names
    what was found (``"name"``, ``"phone"``...), never the value itself."""

    def __init__(self, message: str, *, kinds: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.kinds = kinds


class ToolError(AssistantError):
    """A tool failed. The harness turns it into an error ``tool_result`` for the engine."""

    def __init__(self, message: str, *, tool: str | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.tool = tool
        self.retryable = retryable


class ToolTimeoutError(ToolError):
    """A tool did not finish within its time limit. It may still have had its effect, so a
    write that times out is reported as one that may have run, and is never retried."""
