"""The console's speed: start to prompt with a warm cache (against a bare interpreter that
imports numpy, the in-run baseline), the first request after start (with the background
warm-up, and without it as the in-run baseline), and Enter to reply on the device.

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
FIRST = "what's the weather in Springfield tomorrow"
"""The first request after start: it reads a date, so it needs the lazily imported readers."""
THINK_S = 2.0
"""How long a person takes to read the prompt and type the first request."""


class Console:
    """The console process on pipes; ``until`` reads its output up to a marker."""

    def __init__(self, data_dir: str, *extra: str) -> None:
        env = dict(os.environ, ASSISTANT_SDK_DATA=data_dir)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "demo", "--engine", "none", *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self.seen = b""

    def until(self, marker: bytes) -> float:
        """Seconds since start when ``marker`` appeared (after what was already read)."""
        assert self.proc.stdout is not None
        while marker not in self.seen:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError(f"the console ended before {marker!r}: {self.seen[-500:]!r}")
            self.seen += chunk
        self.seen = self.seen[self.seen.index(marker) + len(marker) :]
        return time.perf_counter() - self.started

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        self.send(":quit")
        self.proc.wait(timeout=30)


def first_request(data_dir: str, runs: int, *extra: str) -> tuple[list[float], list[float]]:
    """Start to prompt (s), and Enter to reply for the first request after start (ms)."""
    prompts, firsts = [], []
    for _ in range(runs):
        console = Console(data_dir, *extra)
        prompts.append(console.until(b"you> "))
        time.sleep(THINK_S)
        sent = time.perf_counter()
        console.send(FIRST)
        console.until(b"you> ")
        firsts.append((time.perf_counter() - sent) * 1000)
        console.close()
    return prompts, firsts


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


def bare_python(runs: int = 5) -> list[float]:
    """The in-run baseline for starting: an interpreter that imports numpy and exits (the
    console imports it, and the machine's load slows both alike)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy"], check=True)
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
        python = bare_python()
        prompt, warm = first_request(tmp, 5)
        _, cold = first_request(tmp, 5, "--no-warm-up")
        reply = enter_to_reply(tmp)
        spoken = voice(tmp) or {}
    record = {
        "bench": "demo",
        "start_and_exit_s_median": float(np.median(start)),
        "start_to_prompt_s_median": float(np.median(prompt)),
        "python_numpy_start_s_median": float(np.median(python)),
        "start_to_prompt_ratio_to_python_numpy": float(np.median(prompt) / np.median(python)),
        "load_average_1m": os.getloadavg()[0],
        "first_request_ms_median": float(np.median(warm)),
        "first_request_no_warm_up_ms_median": float(np.median(cold)),
        "first_request_ratio_to_no_warm_up": float(np.median(warm) / np.median(cold)),
        "on_device_reply_ms_p50": float(np.percentile(reply, 50)),
        "on_device_reply_ms_p99": float(np.percentile(reply, 99)),
        **spoken,
    }
    emit(record, RESULTS / "demo.jsonl")


if __name__ == "__main__":
    main()
