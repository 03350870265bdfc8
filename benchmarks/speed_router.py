"""semantic-router 1.1.1, run offline, as the in-run comparison for ``bench_speed``.

Two encoders, both local: its own ``HuggingFaceEncoder`` over the packaged MiniLM weights (how
a user of semantic-router runs that model on a CPU: torch, given as many threads as our encoder
uses), and our ONNX embedder wrapped as a semantic-router encoder, so the routing machinery is
compared on the same vectors. Nothing
is fetched from a model hub: ``offline()`` sets the Hugging Face libraries' offline switches
before they are imported, and the encoder reads the weights from the installed package.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .common import ROOT

__all__ = ["cold_start", "offline", "router"]

OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def offline() -> dict[str, str]:
    """Switch the Hugging Face libraries offline in this process; the environment for children."""
    os.environ.update(OFFLINE)
    return {**os.environ, **OFFLINE}


def _onnx_encoder(embedder: Any) -> Any:
    from pydantic import PrivateAttr
    from semantic_router.encoders.base import DenseEncoder

    class OnnxEncoder(DenseEncoder):  # type: ignore[misc]
        name: str = "assistant-sdk-onnx-minilm"
        type: str = "local"
        _embedder: Any = PrivateAttr()

        def __call__(self, docs: list[Any]) -> list[list[float]]:
            texts = [str(d) for d in docs]
            embed = (
                self._embedder.embed_queries if len(texts) == 1 else self._embedder.embed_documents
            )
            return embed(texts).tolist()  # type: ignore[no-any-return]

    encoder = OnnxEncoder()
    encoder._embedder = embedder
    return encoder


def _hf_encoder(threads: int) -> Any:
    offline()
    import torch
    from semantic_router.encoders import HuggingFaceEncoder

    torch.set_num_threads(threads)  # as many as our encoder uses: 2 busy threads on 2 cores thrash

    from embeddings.build import source_model_dir

    return HuggingFaceEncoder(
        name=str(source_model_dir()),
        device="cpu",
        tokenizer_kwargs={"local_files_only": True},
        model_kwargs={"local_files_only": True},
    )


def router(
    tools: list[Any], encoder: str, embedder: Any = None, threads: int = 1
) -> tuple[Any, float]:
    """An ``IndexedRouter`` over ``tools`` (card text plus examples) and its build seconds;
    ``threads``: torch's intra-op threads for the HuggingFace encoder."""
    offline()
    from semantic_router import Route
    from semantic_router.routers import IndexedRouter

    enc = _onnx_encoder(embedder) if encoder == "onnx" else _hf_encoder(threads)
    routes = [Route(name=t.name, utterances=[t.description, *t.examples]) for t in tools]
    started = time.perf_counter()
    built = IndexedRouter(encoder=enc, routes=routes)
    return built, time.perf_counter() - started


COLD = """
import time, resource, sys
t0 = time.perf_counter()
from benchmarks.speed_router import router
from benchmarks.bench_speed import catalogue
route, _ = router(catalogue(1000), "huggingface", threads=int(sys.argv[1]))
route("book me a ride to the airport")
print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def cold_start(threads: int = 1) -> dict[str, float]:
    """semantic-router keeps no saved index here: a cold start re-encodes the routes."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", COLD, str(threads)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(ROOT),
        env=offline(),
    )
    inside, rss = (float(x) for x in out.stdout.split()[-2:])
    return {
        "cold_start_s": time.perf_counter() - started,
        "cold_start_in_process_s": inside,
        "peak_rss_mb": rss,
    }
