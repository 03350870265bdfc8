"""The reader in a saved resolver folder: ``reader.npz`` beside the example head."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ..errors import IndexStoreError
from .reader import SCHEME, SpanReader, reader_arrays, reader_from_arrays

__all__ = ["read_reader_npz", "reader_npz"]


def reader_npz(reader: SpanReader | None) -> bytes:
    buffer = io.BytesIO()
    if reader is None:
        np.savez(buffer, empty=np.zeros(0))
    else:
        np.savez(buffer, **reader_arrays(reader))  # type: ignore[arg-type]
    return buffer.getvalue()


def read_reader_npz(path: Path) -> SpanReader | None:
    with np.load(path, allow_pickle=False) as data:
        if "labels" not in data:
            return None
        scheme = str(data["scheme"][0]) if "scheme" in data else "softmax-1"
        if scheme != SCHEME:
            raise IndexStoreError(
                f"{path}: the reader was saved by another tagger ({scheme!r}, this one reads "
                f"{SCHEME!r}); rebuild the index"
            )
        return reader_from_arrays({k: data[k] for k in data.files})
