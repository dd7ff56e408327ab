"""A throwaway PostgreSQL server on loopback for the test suite (Debian's postgresql package).

DATABASE_URL_POSTGRES, when set, names a server to use instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.ops.cluster.postgres import as_postgres_user, postgres_binary
from tests.ports import free_port

USER = "assistant"


@dataclass
class PostgresServer:
    url: str
    data_dir: Path | None = None
    as_user: list[str] | None = None
    port: int = 0

    def halt(self) -> None:
        """The server gone as if it crashed (immediate shutdown); its data kept for resume()."""
        if self.data_dir is not None:
            subprocess.run([*(self.as_user or []), postgres_binary("pg_ctl") or "pg_ctl", "-D", str(self.data_dir),
                            "-m", "immediate", "stop"], capture_output=True, check=False)

    def resume(self) -> None:
        if self.data_dir is not None:
            _pg_ctl_start(self.data_dir, self.port, self.as_user or [])

    def stop(self) -> None:
        if self.data_dir is None:
            return
        self.halt()
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def _pg_ctl_start(data: Path, port: int, as_user: list[str]) -> None:
    base = data.parent
    subprocess.run([*as_user, postgres_binary("pg_ctl") or "pg_ctl", "-D", str(data), "-l", str(base / "log"), "-w",
                    "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], check=True,
                   capture_output=True)


def start_postgres() -> PostgresServer | None:
    if os.environ.get("DATABASE_URL_POSTGRES"):
        return PostgresServer(os.environ["DATABASE_URL_POSTGRES"])
    initdb, pg_ctl = postgres_binary("initdb"), postgres_binary("pg_ctl")
    if not initdb or not pg_ctl:
        return None
    base = Path(tempfile.mkdtemp(prefix="pgtest-"))
    data = base / "data"
    as_user = as_postgres_user(base)
    port = free_port()
    subprocess.run([*as_user, initdb, "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8"], check=True, capture_output=True)
    _pg_ctl_start(data, port, as_user)
    return PostgresServer(f"postgresql+psycopg2://{USER}@127.0.0.1:{port}/postgres", data, as_user, port)
