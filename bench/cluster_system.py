"""`python -m bot.ops.cluster` (make run-cluster) on free ports in a throwaway home: for the cluster test and bench."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests

from bench.system import ROOT, free_port, webhook_text
from bot.ops.cluster.layout import database_url_for

INHERITED = ("DATABASE_URL", "REDIS_URL", "ACTION_ENDPOINT_URL", "RASA_URL", "TRACKER_STORE_URL")


@dataclass
class RunningCluster:
    env: dict[str, str]
    home: Path
    rasa_ports: tuple[int, int]
    public_url: str
    database_url: str
    balancer_url: str = ""  # nginx's balancer of the Rasa replicas, on loopback: the public site has no webhook

    def say(self, sender: str, message: str, base: str | None = None) -> str:
        return webhook_text(base or self.balancer_url, sender, message, timeout=90)

    def replica_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[index]}"

    def replica(self, index: int) -> psutil.Process:
        wanted = f"--port {self.rasa_ports[index]} "
        for process in psutil.process_iter(["cmdline"]):
            command = " ".join(process.info["cmdline"] or []) + " "
            if wanted in command and " run " in command and "rasa" in command:
                return process
        raise LookupError(wanted)

    def wait_for_replica(self, index: int, seconds: float = 600) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if requests.get(self.replica_url(index) + "/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise TimeoutError(f"replica {index + 1} not back in {seconds:.0f} s")

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=900, check=False)

    def log_tail(self) -> str:
        tails = []
        for log in (self.home / "cluster.log", self.home / "nginx" / "nginx-error.log"):
            if log.exists():
                tails.append(f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:])
        return "\n".join(tails)

    def stop(self) -> None:
        self.command("bot.ops.cluster", "stop")
        shutil.rmtree(self.home, ignore_errors=True)


def start_cluster(today: str) -> RunningCluster:
    """Start the whole shape; raises with the log's tail when it does not come up."""
    home = Path(tempfile.mkdtemp(prefix="cluster-"))
    home.chmod(0o755)  # PostgreSQL runs as the postgres user inside it
    rasa_ports = (free_port(), free_port())
    ports = {"CLUSTER_PORT": free_port(), "RASA_BALANCER_PORT": free_port(), "ACTION_BALANCER_PORT": free_port(),
             "WEB_PORT": free_port(), "POSTGRES_PORT": free_port(), "REDIS_PORT": free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "CLUSTER_HOME": str(home),
           "RASA_PORTS": ",".join(map(str, rasa_ports)), "ACTION_PORTS": f"{free_port()},{free_port()}",
           "ASSISTANT_TODAY": today, "PYTHONPATH": str(ROOT)}
    for name in INHERITED:
        env.pop(name, None)
    cluster = RunningCluster(env, home, rasa_ports, f"http://127.0.0.1:{ports['CLUSTER_PORT']}",
                             database_url_for(home, ports["POSTGRES_PORT"]),
                             f"http://127.0.0.1:{ports['RASA_BALANCER_PORT']}")
    started = cluster.command("bot.ops.cluster", "start")
    if started.returncode != 0:
        tail = cluster.log_tail()
        cluster.stop()
        raise RuntimeError(f"the cluster did not start: {started.stdout}{started.stderr}\n{tail}")
    return cluster


def import_records(cluster: RunningCluster, export: Path) -> None:
    imported = subprocess.run([sys.executable, "-m", "bot", "import", str(export)], cwd=ROOT,
                              env={**cluster.env, "DATABASE_URL": cluster.database_url}, capture_output=True,
                              text=True, timeout=600, check=False)
    if imported.returncode != 0:
        raise RuntimeError(imported.stderr)
