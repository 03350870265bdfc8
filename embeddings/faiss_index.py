"""``VectorIndex`` on faiss: exact inner product, or HNSW for large catalogues.

Vectors are addressed by stable string ids. The index keeps its own float32 copy of the vectors,
so removals and updates are exact whichever faiss structure serves the searches; the faiss
structure is rebuilt lazily after changes. Files are written atomically with a header holding
the format, dimension, embedder fingerprint, ids and a SHA-256 of the payload.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .base import ConfigurationError, IndexStoreError, Vectors
from .files import atomic_write

__all__ = ["FaissIndex"]

MAGIC = b"ASDKVEC1"
APPROXIMATE_ABOVE = 50_000


class FaissIndex:
    """Inner-product search over L2-normalised vectors (cosine similarity)."""

    def __init__(
        self, dim: int, fingerprint: str, *, approximate_above: int = APPROXIMATE_ABOVE
    ) -> None:
        self._dim = dim
        self.fingerprint = fingerprint
        self.approximate_above = approximate_above
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._vectors = np.zeros((0, dim), dtype=np.float32)
        self._faiss: Any = None

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def approximate(self) -> bool:
        return len(self._ids) > self.approximate_above

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, id_: object) -> bool:
        return id_ in self._rows

    def add(self, ids: Sequence[str], vectors: Vectors) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape != (len(ids), self._dim):
            raise ConfigurationError(
                f"Expected {len(ids)} vectors of dimension {self._dim}, got {vectors.shape}"
            )
        if len(set(ids)) != len(ids):
            raise ConfigurationError("Duplicate ids in one add() call")
        fresh = [i for i in ids if i not in self._rows]
        if fresh:
            self._vectors = np.vstack(
                [self._vectors, np.zeros((len(fresh), self._dim), np.float32)]
            )
            for id_ in fresh:
                self._rows[id_] = len(self._ids)
                self._ids.append(id_)
        self._vectors[[self._rows[i] for i in ids]] = vectors
        self._faiss = None

    def remove(self, ids: Sequence[str]) -> None:
        gone = {i for i in ids if i in self._rows}
        if not gone:
            return
        keep = [n for n, id_ in enumerate(self._ids) if id_ not in gone]
        self._vectors = self._vectors[keep]
        self._ids = [self._ids[n] for n in keep]
        self._rows = {id_: n for n, id_ in enumerate(self._ids)}
        self._faiss = None

    def vectors(self, ids: Sequence[str]) -> Vectors:
        """The stored vectors for ``ids`` (KeyError for an unknown id)."""
        return self._vectors[[self._rows[i] for i in ids]]

    def search(self, queries: Vectors, k: int) -> list[list[tuple[str, float]]]:
        if not self._ids or k <= 0:
            return [[] for _ in range(len(queries))]
        import faiss

        index = self._structure()
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self._dim)
        threads = faiss.omp_get_max_threads()
        if len(queries) == 1:
            faiss.omp_set_num_threads(1)  # one query: threads only add overhead here
        try:
            scores, rows = index.search(queries, min(k, len(self._ids)))
        finally:
            faiss.omp_set_num_threads(threads)
        ids = self._ids
        return [
            [(ids[r], s) for r, s in zip(row, score, strict=True) if r >= 0]
            for row, score in zip(rows.tolist(), scores.tolist(), strict=True)
        ]

    def _structure(self) -> Any:
        import faiss

        if self._faiss is None:
            index: Any
            if self.approximate:
                index = faiss.IndexHNSWFlat(self._dim, 32, faiss.METRIC_INNER_PRODUCT)
                index.hnsw.efConstruction = 80
                index.hnsw.efSearch = 128
            else:
                index = faiss.IndexFlatIP(self._dim)
            index.add(self._vectors)
            self._faiss = index
        return self._faiss

    # ------------------------------------------------------------------ files
    def save(self, path: Path) -> None:
        payload = io.BytesIO()
        np.save(payload, self._vectors, allow_pickle=False)
        body = payload.getvalue()
        header = json.dumps(
            {
                "dim": self._dim,
                "fingerprint": self.fingerprint,
                "ids": self._ids,
                "approximate_above": self.approximate_above,
                "sha256": hashlib.sha256(body).hexdigest(),
            }
        ).encode()
        atomic_write(path, MAGIC + struct.pack("<Q", len(header)) + header + body)

    @classmethod
    def load(cls, path: Path, *, fingerprint: str) -> FaissIndex:
        """Load a saved index; ``IndexStoreError`` if it is corrupt or from another embedder."""
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise IndexStoreError(f"No index file at {path}") from None
        header, body = _split(path, blob)
        if header.get("fingerprint") != fingerprint:
            raise IndexStoreError(
                f"{path} was built with embedder {header.get('fingerprint')!r}, "
                f"not {fingerprint!r}: rebuild the index for this model"
            )
        if hashlib.sha256(body).hexdigest() != header.get("sha256"):
            raise IndexStoreError(f"{path} is corrupt (checksum mismatch): rebuild the index")
        vectors = np.load(io.BytesIO(body), allow_pickle=False)
        index = cls(int(header["dim"]), fingerprint, approximate_above=header["approximate_above"])
        index.add(list(header["ids"]), vectors)
        return index


def _split(path: Path, blob: bytes) -> tuple[dict[str, Any], bytes]:
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 8:
        raise IndexStoreError(f"{path} is not an assistant-sdk index file (or is truncated)")
    (size,) = struct.unpack("<Q", blob[len(MAGIC) : len(MAGIC) + 8])
    start = len(MAGIC) + 8
    try:
        header: dict[str, Any] = json.loads(blob[start : start + size])
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise IndexStoreError(
            f"{path} has a corrupt header (truncated?): rebuild the index"
        ) from None
    return header, blob[start + size :]
