"""A throwaway PostgreSQL server on loopback for the test suite (Debian's postgresql package).

DATABASE_URL_POSTGRES, when set, names a server to use instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.ports import free_port

USER = "assistant"


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


@dataclass
class PostgresServer:
    url: str
    data_dir: Path | None = None
    as_user: list[str] | None = None

    def stop(self) -> None:
        if self.data_dir is None:
            return
        pg_ctl = _binary("pg_ctl")
        subprocess.run([*(self.as_user or []), pg_ctl or "pg_ctl", "-D", str(self.data_dir), "-m", "immediate",
                        "stop"], capture_output=True, check=False)
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start_postgres() -> PostgresServer | None:
    if os.environ.get("DATABASE_URL_POSTGRES"):
        return PostgresServer(os.environ["DATABASE_URL_POSTGRES"])
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        return None
    base = Path(tempfile.mkdtemp(prefix="pgtest-"))
    data = base / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
        base.chmod(0o700)
    port = free_port()
    subprocess.run([*as_user, initdb, "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8"], check=True, capture_output=True)
    subprocess.run([*as_user, pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                    f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], check=True,
                   capture_output=True)
    return PostgresServer(f"postgresql+psycopg2://{USER}@127.0.0.1:{port}/postgres", data, as_user)
