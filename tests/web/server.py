"""Start the web server (python -m bot.web) as a real process for a test module."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TRIES = 120


@contextmanager
def web_server(database_url: str, rasa_url: str, secret: str,
               extra_env: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "WEB_PORT": str(port), "RASA_URL": rasa_url,
           "ASSISTANT_SECRET": secret, "ASSISTANT_TODAY": "2025-12-01", **(extra_env or {})}
    process = subprocess.Popen([sys.executable, "-m", "bot.web"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(STARTUP_TRIES):
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                break
        except requests.RequestException:
            time.sleep(0.5)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
