"""The faiss-backed vector index: updates by id, atomic checksummed files, clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant_sdk import ConfigurationError, IndexStoreError
from embeddings.faiss_index import FaissIndex


def unit(rng: np.random.Generator, n: int, dim: int = 16) -> np.ndarray:
    x = rng.normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture
def index() -> FaissIndex:
    idx = FaissIndex(16, "model-a")
    idx.add([f"id{i}" for i in range(50)], unit(np.random.default_rng(0), 50))
    return idx


def test_a_stored_vector_is_its_own_nearest_neighbour(index: FaissIndex) -> None:
    query = index.vectors(["id7"])
    (hits,) = index.search(query, 3)
    assert hits[0][0] == "id7" and hits[0][1] == pytest.approx(1.0, abs=1e-5)


def test_adding_an_existing_id_updates_it_in_place(index: FaissIndex) -> None:
    target = index.vectors(["id3"])
    index.add(["id9"], target)
    assert len(index) == 50
    (hits,) = index.search(target, 2)
    assert {h[0] for h in hits} == {"id3", "id9"}


def test_removed_ids_never_come_back(index: FaissIndex) -> None:
    query = index.vectors(["id5"])
    index.remove(["id5", "unknown"])
    assert "id5" not in index and len(index) == 49
    assert all(h[0] != "id5" for h in index.search(query, 49)[0])


def test_vectors_of_the_wrong_shape_are_refused(index: FaissIndex) -> None:
    with pytest.raises(ConfigurationError, match="dimension 16"):
        index.add(["x"], np.zeros((1, 8), dtype=np.float32))


def test_a_saved_index_loads_with_the_same_answers(index: FaissIndex, tmp_path: Path) -> None:
    path = tmp_path / "v.index"
    index.save(path)
    loaded = FaissIndex.load(path, fingerprint="model-a")
    query = index.vectors(["id11"])
    assert loaded.search(query, 5) == index.search(query, 5)


def test_an_index_from_another_embedder_is_refused(index: FaissIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "v.index")
    with pytest.raises(IndexStoreError, match="model-a"):
        FaissIndex.load(tmp_path / "v.index", fingerprint="model-b")


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_corrupt_or_truncated_file_gives_a_clear_error(
    index: FaissIndex, tmp_path: Path, damage: str
) -> None:
    path = tmp_path / "v.index"
    index.save(path)
    blob = bytearray(path.read_bytes())
    if damage == "flip":
        blob[-10] ^= 0xFF
    elif damage == "truncate":
        blob = blob[: len(blob) // 2]
    else:
        blob = bytearray(b"not an index at all")
    path.write_bytes(bytes(blob))
    with pytest.raises(IndexStoreError, match=r"corrupt|truncated|not an assistant-sdk"):
        FaissIndex.load(path, fingerprint="model-a")


def test_a_failed_save_keeps_the_previous_good_file(index: FaissIndex, tmp_path: Path) -> None:
    path = tmp_path / "v.index"
    index.save(path)
    good = path.read_bytes()
    index._ids.append(object())  # type: ignore[arg-type]  # the header cannot be serialised
    with pytest.raises(TypeError):
        index.save(path)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["v.index"]


def test_large_catalogues_switch_to_an_approximate_index_with_high_recall() -> None:
    rng = np.random.default_rng(1)
    vectors = unit(rng, 3000, 32)
    exact = FaissIndex(32, "m")
    approx = FaissIndex(32, "m", approximate_above=1000)
    ids = [f"v{i}" for i in range(3000)]
    exact.add(ids, vectors)
    approx.add(ids, vectors)
    assert approx.approximate and not exact.approximate
    queries = unit(rng, 50, 32)
    truth, found = exact.search(queries, 10), approx.search(queries, 10)
    recall = np.mean(
        [len({a for a, _ in t} & {b for b, _ in f}) / 10 for t, f in zip(truth, found, strict=True)]
    )
    assert recall >= 0.9
