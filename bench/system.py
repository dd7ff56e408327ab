"""`python -m bot.ops.serve` (what `make run` runs) on free ports: for benchmarks and tests that kill its processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests

from bot.security.kept_secrets import rasa_auth_token, webhook_headers

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 300
CHILD_MARKERS = {"actions": "bot.ops.action_server", "rasa": " run --model", "web": "bot.web"}


@dataclass
class Supervised:
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['rasa']}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['web']}"

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "bot.ops.serve"], cwd=ROOT, env=self.env,
                                        stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        checks = {"actions": f"http://127.0.0.1:{self.ports['actions']}/health", "rasa": f"{self.rasa_url}/",
                  "web": f"http://127.0.0.1:{self.ports['web']}/healthz"}
        pending = dict(checks)
        while pending and time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.tail()
            for name, url in list(pending.items()):
                try:
                    if requests.get(url, timeout=2).status_code < 500:
                        del pending[name]
                except requests.RequestException:
                    pass
            time.sleep(1)
        assert not pending, f"not up in {STARTUP_SECONDS} s: {sorted(pending)}\n{self.tail()}"

    @property
    def auth_token(self) -> str:
        return self.env["RASA_AUTH_TOKEN"]

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def say(self, sender: str, text: str, timeout: float = 60) -> str:
        return webhook_text(self.rasa_url, sender, text, timeout)

    def child(self, name: str) -> psutil.Process:
        assert self.process is not None
        for process in psutil.Process(self.process.pid).children():
            if CHILD_MARKERS[name] in " ".join(process.cmdline()):
                return process
        raise LookupError(name)

    def kill_child(self, name: str) -> int:
        process = self.child(name)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        return int(process.pid)

    def children(self) -> list[psutil.Process]:
        assert self.process is not None
        return list(psutil.Process(self.process.pid).children())

    def stop(self) -> None:
        stop_process(self.process, 40)


def stop_process(process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `timeout` seconds."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


def webhook_text(base_url: str, sender: str, message: str, timeout: float = 60) -> str:
    """One turn through the REST webhook at `base_url`; the replies' texts, one per line."""
    reply = requests.post(f"{base_url}/webhooks/rest/webhook", timeout=timeout, headers=webhook_headers(),
                          json={"sender": sender, "message": message})
    reply.raise_for_status()
    return "\n".join(str(r.get("text", "")) for r in reply.json())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def supervised(database_url: str, today: str, work: Path) -> Supervised:
    ports = {"rasa": free_port(), "actions": free_port(), "web": free_port()}
    env = {**os.environ, "DATABASE_URL": database_url, "ASSISTANT_TODAY": today, "RASA_TELEMETRY_ENABLED": "false",
           "RASA_PORT": str(ports["rasa"]), "ACTION_PORT": str(ports["actions"]), "WEB_PORT": str(ports["web"]),
           "PYTHONPATH": str(ROOT), "RASA_AUTH_TOKEN": rasa_auth_token()}
    for inherited in ("ACTION_ENDPOINT_URL", "RASA_URL", "TRACKER_STORE_URL", "REDIS_URL"):
        env.pop(inherited, None)
    return Supervised(env=env, log=work / "serve.log", ports=ports)
