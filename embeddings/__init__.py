"""On-device embedding backends and the vector index."""

from typing import TYPE_CHECKING, Any

from .base import Embedder, VectorIndex

if TYPE_CHECKING:
    from .base import Vectors

__all__ = ["Embedder", "VectorIndex", "Vectors"]


def __getattr__(name: str) -> Any:
    if name == "Vectors":
        from . import base

        return base.Vectors
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
