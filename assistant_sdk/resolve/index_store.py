"""Save and load a built resolver: its vector index, calibration, example head and reader.

A saved resolver is a folder: ``vectors.index`` (written by the vector index, checksummed and
stamped with the embedder's fingerprint), ``head.npz``, ``reader.npz`` (the argument reader
and its act threshold) and ``resolver.json`` (written last; it holds the SHA-256 of the
others, so a half-written or edited folder is detected). Every file
is replaced atomically, so a failed save leaves the previous good one in place.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embeddings.files import atomic_write

from ..errors import ConfigurationError, IndexStoreError
from ..reading.store import read_reader_npz, reader_npz
from ._meta_checks import check_resolver_meta
from .calibrate import Calibration
from .ranking import Head

if TYPE_CHECKING:
    from embeddings.base import Embedder

    from ..facts import FactStore
    from ..tools import ToolRegistry
    from .resolver import Resolver

__all__ = ["load_resolver", "save_resolver"]

FORMAT = "assistant-sdk.resolver/1"


def save_resolver(resolver: Resolver, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    resolver.index.save(folder / "vectors.index")
    head_bytes = _head_bytes(resolver.head)
    atomic_write(folder / "head.npz", head_bytes)
    reader_bytes = reader_npz(resolver.reader)
    atomic_write(folder / "reader.npz", reader_bytes)
    meta: dict[str, Any] = {
        "format": FORMAT,
        "fingerprint": resolver.embedder.fingerprint,
        "entries": resolver._entries,
        "calibration": resolver.calibration.to_dict(),
        "sha256": {
            "vectors.index": _sha256((folder / "vectors.index").read_bytes()),
            "head.npz": _sha256(head_bytes),
            "reader.npz": _sha256(reader_bytes),
        },
    }
    atomic_write(folder / "resolver.json", json.dumps(meta, indent=1).encode())
    return folder


def load_resolver(
    folder: Path,
    embedder: Embedder,
    registry: ToolRegistry,
    facts: FactStore | None = None,
) -> Resolver:
    """Load a saved resolver and bring it up to date with the registry and facts (only what
    changed is re-embedded). Raises ``IndexStoreError`` if the folder is corrupt or was built
    with another embedder."""
    from embeddings.faiss_index import FaissIndex

    from .resolver import Resolver

    meta = _read_meta(folder, embedder.fingerprint)
    index = FaissIndex.load(folder / "vectors.index", fingerprint=embedder.fingerprint)
    resolver = Resolver(embedder, registry, facts, index=index)
    resolver._entries = dict(meta["entries"])
    try:
        resolver.calibration = Calibration.from_dict(
            meta["calibration"], head=_read_head(folder / "head.npz")
        )
    except (TypeError, ValueError, ConfigurationError) as exc:
        raise IndexStoreError(f"{folder / 'resolver.json'}: 'calibration': {exc}") from None
    if "reader.npz" in meta.get("sha256", {}):
        resolver.reader = read_reader_npz(folder / "reader.npz")
    resolver.build()
    return resolver


def _read_meta(folder: Path, fingerprint: str) -> dict[str, Any]:
    path = folder / "resolver.json"
    try:
        text = path.read_text(encoding="utf-8")
        meta = check_resolver_meta(json.loads(text), text, path)
    except FileNotFoundError:
        raise IndexStoreError(f"No saved resolver in {folder} (missing {path.name})") from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise IndexStoreError(f"{path} is corrupt ({exc}); rebuild the index") from None
    if meta.get("format") != FORMAT:
        raise IndexStoreError(f"{path}: unsupported format {meta.get('format')!r}")
    if meta.get("fingerprint") != fingerprint:
        raise IndexStoreError(
            f"{path}: the index was built with embedder {meta.get('fingerprint')!r}, "
            f"not {fingerprint!r}; "
            "rebuild the index for this model"
        )
    for name, digest in meta.get("sha256", {}).items():
        file = folder / name
        if not file.exists() or _sha256(file.read_bytes()) != digest:
            raise IndexStoreError(f"{file} is missing or does not match its checksum; rebuild")
    return meta


def _head_bytes(head: Head | None) -> bytes:
    import io

    buffer = io.BytesIO()
    if head is None:
        np.savez(buffer, empty=np.zeros(0))
    else:
        np.savez(buffer, weights=head.weights, bias=head.bias, classes=np.array(head.classes))
    return buffer.getvalue()


def _read_head(path: Path) -> Head | None:
    with np.load(path, allow_pickle=False) as data:
        if "weights" not in data:
            return None
        return Head(data["weights"], data["bias"], tuple(str(c) for c in data["classes"]))


def _sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()
