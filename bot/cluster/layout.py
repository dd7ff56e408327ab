"""Where each part of the cluster listens (loopback only) and keeps its files; every port from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT

LOOPBACK = "127.0.0.1"
DATABASE_USER = "assistant"


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _ports(name: str, default: str) -> tuple[int, ...]:
    return tuple(int(port) for port in (os.environ.get(name) or default).split(","))


@dataclass(frozen=True)
class Layout:
    public: int
    rasa_balancer: int
    action_balancer: int
    rasa: tuple[int, ...]
    actions: tuple[int, ...]
    web: int
    postgres: int
    redis: int
    home: Path

    @property
    def database_url(self) -> str:
        return os.environ.get("DATABASE_URL") or \
            f"postgresql+psycopg2://{DATABASE_USER}@{LOOPBACK}:{self.postgres}/postgres"

    @property
    def redis_url(self) -> str:
        return os.environ.get("REDIS_URL") or f"redis://{LOOPBACK}:{self.redis}/1"

    @property
    def public_url(self) -> str:
        return f"http://{LOOPBACK}:{self.public}"

    @property
    def pid_file(self) -> Path:
        return self.home / "supervisor.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "cluster.log"


def layout() -> Layout:
    return Layout(public=_port("CLUSTER_PORT", 8080), rasa_balancer=_port("RASA_BALANCER_PORT", 5000),
                  action_balancer=_port("ACTION_BALANCER_PORT", 5050), rasa=_ports("RASA_PORTS", "5005,5006"),
                  actions=_ports("ACTION_PORTS", "5055,5056"), web=_port("WEB_PORT", 8000),
                  postgres=_port("POSTGRES_PORT", 55432), redis=_port("REDIS_PORT", 56379),
                  home=Path(os.environ.get("CLUSTER_HOME") or PROJECT_ROOT / "var" / "cluster"))
