"""An ``Embedder`` over any sentence-transformers model the user has on disk.

Needs the ``build`` extra (sentence-transformers and torch). Used as the reference the ONNX
embedder is checked against, and by anyone who prefers another model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .base import MissingDependencyError, Vectors

__all__ = ["SentenceTransformerEmbedder"]


class SentenceTransformerEmbedder:
    """Embeddings from a local sentence-transformers model folder (never downloads)."""

    def __init__(
        self, model_path: Path | str, *, device: str = "cpu", batch_size: int = 32
    ) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise MissingDependencyError(
                "sentence-transformers", "build", "SentenceTransformerEmbedder"
            ) from None
        path = Path(model_path)
        if not path.exists():
            raise FileNotFoundError(f"No model folder at {path}: pass a local path")
        self._model: Any = SentenceTransformer(str(path), device=device, local_files_only=True)
        size = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        dim = size()
        if dim is None:
            raise ValueError(f"{path} does not declare its embedding dimension")
        self._dim = int(dim)
        self._fingerprint = "st-" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
        self.batch_size = batch_size

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.embed_documents(texts)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self._dim)
