"""Where each part of the cluster listens (loopback only) and keeps its files; every port from the environment."""

from __future__ import annotations

import grp
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bot.config import settings
from bot.security.kept_secrets import SECRETS_DIR

LOOPBACK = "127.0.0.1"
DATABASE_USER = "assistant"
POSTGRES_GROUP = "postgres"


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
    def password_file(self) -> Path:
        return password_file_of(self.home)

    @property
    def database_url(self) -> str:
        found = settings()
        return found.database_url if found.given("database_url") else database_url_for(self.home, self.postgres)

    @property
    def shown_database_url(self) -> str:
        """database_url for logs and status lines: the password as ***."""
        from sqlalchemy.engine import make_url

        return str(make_url(self.database_url).render_as_string(hide_password=True))

    @property
    def redis_url(self) -> str:
        return settings().redis_url or f"redis://{LOOPBACK}:{self.redis}/1"

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
    found = settings()
    return Layout(public=found.cluster_port, rasa_balancer=found.rasa_balancer_port,
                  action_balancer=found.action_balancer_port, rasa=found.rasa_ports, actions=found.action_ports,
                  web=found.web_port, postgres=found.postgres_port, redis=found.redis_port, home=found.cluster_home)


def password_file_of(home: Path) -> Path:
    # Beside the data directory, not in it: as root the data belongs to the postgres user, this file to root.
    return home / "postgres-password"


def database_url_for(home: Path, port: int) -> str:
    """The URL of the cluster's PostgreSQL kept under `home` (its password made now if it has none yet)."""
    password = quote(kept_secret(password_file_of(home)), safe="")
    return f"postgresql+psycopg2://{DATABASE_USER}:{password}@{LOOPBACK}:{port}/postgres"


def kept_secret(path: Path) -> str:
    """The secret in `path`, made once (random) and readable by this user only."""
    if not path.exists():
        private_directory(path.parent)
        # O_EXCL with mode 0600: the file is never readable by others, not even between creation and a chmod.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as kept:
            kept.write(secrets.token_hex(32))
    path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def private_directory(path: Path) -> Path:
    """`path` and the directories above it up to var/ (when it is under var/) entered by this user alone.

    Run as root, PostgreSQL runs as the postgres user (bot/ops/cluster/postgres.py), which must search every directory
    above its data: those get search (not read) for the postgres group, nothing for anyone else.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = path.resolve()
    ours = [path, *(parent for parent in path.parents if parent == SECRETS_DIR or SECRETS_DIR in parent.parents)]
    postgres_group = _postgres_group()
    for directory in ours:
        if postgres_group is not None:
            shutil.chown(directory, group=postgres_group)
            directory.chmod(0o710)
        elif directory.stat().st_mode & 0o077:
            directory.chmod(0o700)
    return path


def _postgres_group() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        grp.getgrnam(POSTGRES_GROUP)
    except KeyError:
        return None
    return POSTGRES_GROUP
