"""The anchor of the speed comparison: a bare `rasa init` bot, trained in the bench's own run with the project's
venv and served through Rasa's REST webhook, as Rasa's starter project ships it (DIET, ResponseSelector, TED)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.system import STARTUP_SECONDS, free_port, stop_process

RASA = str(Path(sys.executable).with_name("rasa"))


@dataclass
class AnchorBot:
    directory: Path
    port: int = field(default_factory=free_port)
    training_seconds: float = 0.0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}

    def train(self) -> None:
        """`rasa init --no-prompt`: the starter project, trained as it is."""
        self.directory.mkdir(parents=True, exist_ok=True)
        log = (self.directory.parent / "anchor-train.log").open("wb")
        started = time.monotonic()
        subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(self.directory)], cwd=self.directory.parent,
                       env=self.env, check=True, stdout=log, stderr=subprocess.STDOUT)
        self.training_seconds = time.monotonic() - started

    def start(self) -> float:
        """Serve it; seconds until it answers a turn."""
        started = time.monotonic()
        self.process = subprocess.Popen(
            [RASA, "run", "--port", str(self.port), "--interface", "127.0.0.1"], cwd=self.directory, env=self.env,
            stdout=(self.directory.parent / "anchor-serve.log").open("wb"), stderr=subprocess.STDOUT)
        deadline = started + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the rasa init bot exited (see anchor-serve.log)"
            try:
                reply = requests.post(f"{self.url}/webhooks/rest/webhook", timeout=5,
                                      json={"sender": "warm-up", "message": "hello"})
                if reply.status_code == 200 and reply.json():
                    return time.monotonic() - started
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"the rasa init bot did not answer within {STARTUP_SECONDS} s")

    def stop(self) -> None:
        stop_process(self.process, 30)
