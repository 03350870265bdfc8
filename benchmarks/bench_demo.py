"""The console's speed: start to prompt with a warm cache, and Enter to reply on the device.

python -m benchmarks.bench_demo
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from .common import RESULTS, emit

REQUESTS = ["what alarms do I have", "pause the music", "show my reminders", "list my alarms"]


def start_to_prompt(data_dir: str, runs: int = 5) -> list[float]:
    """Whole process: start, load the saved index, print the prompt, read :quit, exit."""
    env = dict(os.environ, ASSISTANT_SDK_DATA=data_dir)
    subprocess.run(
        [sys.executable, "-m", "demo", "--engine", "none"],
        input=":quit\n",
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )  # warms the cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "demo", "--engine", "none"],
            input=":quit\n",
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        times.append(time.perf_counter() - started)
    return times


def enter_to_reply(data_dir: str) -> list[float]:
    os.environ["ASSISTANT_SDK_DATA"] = data_dir
    from assistant_sdk import load_settings
    from demo.session import Session

    session = Session(load_settings())
    times = []
    for text in REQUESTS * 25:
        started = time.perf_counter()
        reply = asyncio.run(session.handle(text))
        times.append((time.perf_counter() - started) * 1000)
        assert reply.planned_by == "device" and reply.tool_runs, reply
    return times


def voice(folder: str) -> dict[str, float] | None:
    """Transcription time for a ~3-second spoken request (needs the voice extra, espeak-ng, sox)."""
    import importlib.util
    import shutil
    from pathlib import Path

    if importlib.util.find_spec("faster_whisper") is None or not shutil.which("espeak-ng"):
        return None
    from assistant_sdk import load_settings
    from demo.voice import Transcriber

    raw, wav = Path(folder) / "raw.wav", Path(folder) / "clip.wav"
    text = "remind me to buy milk and eggs when I get home tonight"
    subprocess.run(["espeak-ng", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(wav)], check=True)
    soxi = subprocess.run(["soxi", "-D", str(wav)], capture_output=True, text=True, check=True)
    transcriber = Transcriber(load_settings().cache_dir)
    transcriber.transcribe(wav)  # warm-up
    runs = [transcriber.transcribe(wav).seconds for _ in range(5)]
    return {"voice_clip_s": float(soxi.stdout), "voice_transcribe_s_median": float(np.median(runs))}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = start_to_prompt(tmp)
        reply = enter_to_reply(tmp)
        spoken = voice(tmp) or {}
    record = {
        "bench": "demo",
        "start_to_prompt_s_median": float(np.median(start)),
        "on_device_reply_ms_p50": float(np.percentile(reply, 50)),
        "on_device_reply_ms_p99": float(np.percentile(reply, 99)),
        **spoken,
    }
    emit(record, RESULTS / "demo.jsonl")


if __name__ == "__main__":
    main()
