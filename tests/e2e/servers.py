"""Start the real action server and Rasa server for end-to-end tests (ports picked free)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bot.security.kept_secrets import webhook_headers
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "qianjian.tar.gz"
STARTUP_SECONDS = 240


@dataclass
class Servers:
    rasa_url: str
    processes: list[subprocess.Popen[bytes]]
    log_dir: Path

    def say(self, sender: str, text: str, metadata: dict[str, object] | None = None) -> list[dict[str, object]]:
        reply = requests.post(f"{self.rasa_url}/webhooks/rest/webhook", timeout=60, headers=webhook_headers(),
                              json={"sender": sender, "message": text, "metadata": metadata or {}})
        reply.raise_for_status()
        return list(reply.json())

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"server did not start in {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')[-3000:]}")


def start_servers(database_url: str, today: str, log_dir: Path, extra_env: dict[str, str] | None = None) -> Servers:
    if not MODEL.exists():
        raise RuntimeError("no trained model: run `make train` (make test does it first)")
    action_port, rasa_port = free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "ASSISTANT_TODAY": today, "RASA_TELEMETRY_ENABLED": "false",
           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook", "SANIC_HOST": "127.0.0.1",
           "PYTHONPATH": str(ROOT), **(extra_env or {})}
    action_log, rasa_log = log_dir / "actions.log", log_dir / "rasa.log"
    actions = subprocess.Popen([sys.executable, "-m", "bot.ops.action_server", "--port", str(action_port)],
                               cwd=ROOT, env=env, stdout=action_log.open("wb"), stderr=subprocess.STDOUT)
    # As make run starts it: bot.ops.rasa_server, without TensorFlow for this model.
    rasa = subprocess.Popen([sys.executable, "-m", "bot.ops.rasa_server", "run", "--model", str(MODEL),
                             "--port", str(rasa_port), "--interface", "127.0.0.1", "--credentials", "credentials.yml",
                             "--endpoints", "endpoints.yml"],
                            cwd=ROOT, env=env, stdout=rasa_log.open("wb"), stderr=subprocess.STDOUT)
    servers = Servers(f"http://127.0.0.1:{rasa_port}", [actions, rasa], log_dir)
    try:
        _wait(f"http://127.0.0.1:{action_port}/health", actions, action_log)
        _wait(f"http://127.0.0.1:{rasa_port}/", rasa, rasa_log)
    except Exception:
        servers.stop()
        raise
    return servers
