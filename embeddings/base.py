"""The two interfaces the on-device index is built from, and the errors this layer raises.

``embeddings`` sits below ``assistant_sdk`` and imports nothing from it, so the roots of the
SDK's error families live here; ``assistant_sdk.errors`` re-exports these very classes and
builds the rest of the tree on them, so ``except assistant_sdk.IndexStoreError`` (or
``RunError``, ``AssistantError``) catches what this layer raises.

    AssistantError
    ├── ConfigurationError          a developer mistake: fix the code or the config
    │   └── MissingDependencyError  an optional extra is not installed (names the pip command)
    └── RunError                    something failed while the assistant was running
        ├── IndexStoreError         a saved index is corrupt, missing or built by another model
        └── ModelNotBuiltError      the on-device embedding model is missing from the cache

``Vectors`` (float32 rows) is resolved on first use, so importing this module loads no numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Vectors = NDArray[np.float32]

__all__ = [
    "AssistantError",
    "ConfigurationError",
    "Embedder",
    "IndexStoreError",
    "MissingDependencyError",
    "ModelNotBuiltError",
    "RunError",
    "VectorIndex",
    "Vectors",
]


def __getattr__(name: str) -> Any:
    """``Vectors`` is built on first use, so importing the errors loads no numpy."""
    if name == "Vectors":
        import numpy as np
        from numpy.typing import NDArray

        return NDArray[np.float32]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class AssistantError(Exception):
    """Base class of every error this SDK raises on purpose."""


class ConfigurationError(AssistantError):
    """A developer mistake: invalid configuration, arguments or definitions."""


class MissingDependencyError(ConfigurationError):
    """An optional dependency is missing; the message names the command that installs it."""

    def __init__(self, package: str, extra: str | None = None, purpose: str = "") -> None:
        self.package = package
        self.extra = extra
        what = f" for {purpose}" if purpose else ""
        how = f"pip install 'assistant-sdk[{extra}]'" if extra else f"pip install {package}"
        super().__init__(
            f"The package {package!r} is needed{what} but is not installed: run `{how}`"
        )


class RunError(AssistantError):
    """Something failed while handling a request."""


class IndexStoreError(RunError):
    """A saved index could not be used: corrupt, truncated, or built with a different embedder."""


class ModelNotBuiltError(RunError):
    """The on-device model has not been exported into the cache yet."""


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors of shape ``(len(texts), dim)``."""

    @property
    def dim(self) -> int: ...

    @property
    def fingerprint(self) -> str:
        """Identifies the model and its settings; an index built by another refuses to load."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...

    def embed_documents(self, texts: Sequence[str]) -> Vectors: ...


@runtime_checkable
class VectorIndex(Protocol):
    """Inner-product search over vectors addressed by stable string ids."""

    @property
    def dim(self) -> int: ...

    def __len__(self) -> int: ...

    def __contains__(self, id_: object) -> bool: ...

    def add(self, ids: Sequence[str], vectors: Vectors) -> None:
        """Add vectors; an id that is already present is updated in place."""
        ...

    def remove(self, ids: Sequence[str]) -> None: ...

    def search(self, queries: Vectors, k: int) -> list[list[tuple[str, float]]]:
        """For each query row, up to ``k`` ``(id, score)`` pairs, best first."""
        ...

    def save(self, path: Path) -> None:
        """Write atomically; the previous file stays intact if anything fails."""
        ...
