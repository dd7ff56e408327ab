"""Debian's PostgreSQL, run by the cluster (and the tests) as an unprivileged user on loopback."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from bot.cluster.layout import DATABASE_USER, LOOPBACK


def postgres_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def as_postgres_user(directory: Path) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the package's postgres user, owning `directory`."""
    if os.geteuid() != 0:
        return []
    shutil.chown(directory, "postgres")
    directory.chmod(0o700)
    return ["runuser", "-u", "postgres", "--"]


def initialise(base: Path) -> list[str]:
    """A data directory under `base` (kept between runs); the command prefix to run the server with."""
    base.mkdir(parents=True, exist_ok=True)
    prefix = as_postgres_user(base)
    data = base / "data"
    if not (data / "PG_VERSION").exists():
        initdb = postgres_binary("initdb")
        if initdb is None:
            raise SystemExit("未找到 PostgreSQL（initdb）：请先安装 Debian 软件包 postgresql。")
        subprocess.run([*prefix, initdb, "-D", str(data), "-U", DATABASE_USER, "--auth=trust", "-E", "UTF8",
                        "--locale=C.UTF-8"], check=True, capture_output=True)
    return prefix


def server_command(base: Path, port: int, prefix: list[str]) -> list[str]:
    postgres = postgres_binary("postgres")
    if postgres is None:
        raise SystemExit("未找到 PostgreSQL（postgres）：请先安装 Debian 软件包 postgresql。")
    return [*prefix, postgres, "-D", str(base / "data"), "-p", str(port), "-k", str(base),
            "-c", f"listen_addresses={LOOPBACK}", "-c", "max_connections=200"]
