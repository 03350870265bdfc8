"""On-device embedding backends and the vector index."""

from .base import Embedder, VectorIndex, Vectors

__all__ = ["Embedder", "VectorIndex", "Vectors"]
