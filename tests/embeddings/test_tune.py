"""The build keeps the fastest encoder variant that passes the parity test on this machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embeddings.base import Embedder
from embeddings.onnx import OnnxEmbedder
from embeddings.tune import MEAN_COSINE, MIN_COSINE, Trial, cpu_info, pick


def trial(variant: str, threads: int, p50: float | None, min_cos: float = 0.99) -> Trial:
    return Trial(variant, threads, min_cos, max(min_cos, 0.995), p50)


def test_the_fastest_passing_variant_is_kept() -> None:
    trials = [trial("int8-per-channel", 1, 3.0), trial("fp32", 1, 2.0), trial("fp32", 2, 2.5)]
    assert pick(trials) == trials[1]


def test_a_faster_variant_that_fails_parity_is_never_kept() -> None:
    fast_but_wrong = trial("int8-per-tensor", 1, 1.0, min_cos=0.95)
    assert not fast_but_wrong.passed
    assert pick([fast_but_wrong, trial("fp32", 1, 5.0)]).variant == "fp32"


def test_a_near_tie_goes_to_fewer_threads_then_to_int8_per_channel() -> None:
    trials = [
        trial("fp32", 1, 2.02),
        trial("int8-per-channel", 2, 1.98),
        trial("int8-per-channel", 1, 2.0),
    ]
    assert pick(trials) == trials[2]


def test_no_passing_variant_is_an_error_not_a_silent_choice() -> None:
    with pytest.raises(ValueError, match="parity"):
        pick([trial("int8-per-tensor", 1, 1.0, min_cos=0.5)])


def test_the_cpu_is_described_by_its_model_and_int8_instruction_sets() -> None:
    cpu = cpu_info()
    assert cpu["model"] and isinstance(cpu["flags"], list)
    assert set(cpu["flags"]) <= {
        "avx2",
        "avx512f",
        "avx512_vnni",
        "avx_vnni",
        "avx512_bf16",
        "amx_int8",
        "asimddp",
    }


@pytest.mark.slow
def test_the_built_model_records_a_choice_that_passed_parity(model_dir: Path) -> None:
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    kept = [
        t
        for t in meta["trials"]
        if (t["variant"], t["threads"]) == (meta["variant"], meta["threads"])
    ]
    assert kept and kept[0]["min_cosine"] >= MIN_COSINE and kept[0]["mean_cosine"] >= MEAN_COSINE
    timed = [t["p50_ms"] for t in meta["trials"] if t["p50_ms"] is not None]
    assert kept[0]["p50_ms"] <= min(timed) * 1.05
    assert meta["cpu"]["model"]


@pytest.mark.slow
def test_the_variant_is_part_of_the_fingerprint_and_the_threads_are_used(
    model_dir: Path, embedder: Embedder
) -> None:
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    assert embedder.fingerprint.endswith(f":{meta['variant']}")
    assert isinstance(embedder, OnnxEmbedder)
    assert embedder._query.get_session_options().intra_op_num_threads == meta["threads"]


def test_a_model_left_in_the_cache_by_an_older_export_is_not_the_default(tmp_path: Path) -> None:
    import os

    from embeddings.build import EXPORT_VERSION, MODEL_NAME, default_model_dir

    def built(name: str, export: str, mtime: float) -> Path:
        folder = tmp_path / "models" / f"{MODEL_NAME}-{name}"
        folder.mkdir(parents=True)
        (folder / "model.onnx").write_bytes(b"onnx")
        (folder / "meta.json").write_text(json.dumps({"export": export}))
        os.utime(folder / "model.onnx", (mtime, mtime))
        return folder

    built("ffff", "onnx-int8-0", 3.0)  # sorts last and is newest, but is another export
    older = built("1111", EXPORT_VERSION, 1.0)
    newer = built("2222", EXPORT_VERSION, 2.0)
    assert default_model_dir(tmp_path) == newer != older
