"""The two interfaces the on-device index is built from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

__all__ = ["Embedder", "VectorIndex", "Vectors"]

Vectors = NDArray[np.float32]


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
