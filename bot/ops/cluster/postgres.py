"""Debian's PostgreSQL, run by the cluster (and the tests) as an unprivileged user on loopback."""

from __future__ import annotations

import glob
import hashlib
import os
import shlex
import shutil
import subprocess
from pathlib import Path

from bot.ops.cluster.layout import DATABASE_USER, LOOPBACK, kept_secret

# Written over pg_hba.conf at every start, so that a data directory from any earlier version ends up the same.
SCRAM_HBA = """\
# Written by bot/ops/cluster/postgres.py at every start: each client, on the socket or on loopback, proves the
# password kept in the cluster's home (postgres-password).
local   all   all                  scram-sha-256
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
"""
# Only while the password is being set (set_password): a server listening on no address, whose socket is in a
# directory that only the server's own user (and root) may enter.
SOCKET_ONLY_HBA = "local   all   all   trust\n"
PASSWORD_ENCRYPTION = "scram-sha-256"


def postgres_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _required_binary(name: str) -> str:
    found = postgres_binary(name)
    if found is None:
        raise SystemExit(f"未找到 PostgreSQL（{name}）：请先安装 Debian 软件包 postgresql。")
    return found


def as_postgres_user(directory: Path) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the package's postgres user, owning `directory`."""
    if os.geteuid() != 0:
        return []
    shutil.chown(directory, "postgres")
    directory.chmod(0o700)
    return ["runuser", "-u", "postgres", "--"]


def initialise(base: Path, port: int, password_file: Path) -> list[str]:
    """A data directory under `base` (kept between runs) whose user has the kept password; the command prefix.

    A data directory whose pg_hba.conf is not SCRAM_HBA (one initialised with trust by an earlier version) or that
    was given another password (the password file was deleted) is migrated, not initialised again: its data stays,
    the password is set over the socket (set_password), then SCRAM_HBA replaces the old pg_hba.conf.
    """
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    base.chmod(0o700)
    prefix = as_postgres_user(base)
    data = base / "data"
    password = kept_secret(password_file)
    fingerprint = base / "password.sha256"
    # A hash of 32 random bytes tells nothing of them; it tells whether the data has this password already.
    wanted = hashlib.sha256(password.encode("ascii")).hexdigest()
    if not (data / "PG_VERSION").exists():
        _initdb(base, data, prefix, password)
    elif _read(data / "pg_hba.conf") != SCRAM_HBA or _read(fingerprint) != wanted:
        set_password(base, port, prefix, password)
    (data / "pg_hba.conf").write_text(SCRAM_HBA, encoding="ascii")
    fingerprint.write_text(wanted, encoding="ascii")
    return prefix


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return ""


def _initdb(base: Path, data: Path, prefix: list[str], password: str) -> None:
    initdb = _required_binary("initdb")
    # initdb reads the password from a file, never from its command line (which `ps` shows to every user); the
    # file is in `base`, entered by the server's user alone, and is gone once initdb has read it.
    password_file = base / "initdb-password"
    password_file.unlink(missing_ok=True)
    descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as written:
        written.write(password + "\n")
    try:
        if prefix:
            shutil.chown(password_file, "postgres")
        subprocess.run([*prefix, initdb, "-D", str(data), "-U", DATABASE_USER, f"--auth={PASSWORD_ENCRYPTION}",
                        f"--pwfile={password_file}", "-E", "UTF8", "--locale=C.UTF-8"], check=True,
                       capture_output=True)
    finally:
        password_file.unlink(missing_ok=True)


def set_password(base: Path, port: int, prefix: list[str], password: str) -> None:
    """The kept password given to DATABASE_USER in an existing data directory, on a server started for it alone.

    The server listens on its socket only, with SOCKET_ONLY_HBA, and is stopped again before the cluster starts
    its own (which reads the new pg_hba.conf), so no reload is needed. The password is sent already hashed
    (a SCRAM verifier computed here), so not even the server's statement log could show it.
    """
    import psycopg2
    from psycopg2 import sql
    from psycopg2.extensions import encrypt_password

    pg_ctl = _required_binary("pg_ctl")
    data = base / "data"
    (data / "pg_hba.conf").write_text(SOCKET_ONLY_HBA, encoding="ascii")
    options = (f"-p {port} -k {shlex.quote(str(base))} -c listen_addresses='' "
               f"-c password_encryption={PASSWORD_ENCRYPTION}")
    subprocess.run([*prefix, pg_ctl, "-D", str(data), "-l", str(base / "set-password.log"), "-w", "-o", options,
                    "start"], check=True, capture_output=True)
    try:
        connection = psycopg2.connect(host=str(base), port=port, user=DATABASE_USER, dbname="postgres")
        try:
            connection.autocommit = True
            verifier = encrypt_password(password, DATABASE_USER, connection, PASSWORD_ENCRYPTION)
            with connection.cursor() as cursor:
                cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD %s").format(sql.Identifier(DATABASE_USER)),
                               (verifier,))
        finally:
            connection.close()
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], check=True,
                       capture_output=True)


def server_command(base: Path, port: int, prefix: list[str]) -> list[str]:
    postgres = _required_binary("postgres")
    return [*prefix, postgres, "-D", str(base / "data"), "-p", str(port), "-k", str(base),
            "-c", f"listen_addresses={LOOPBACK}", "-c", "max_connections=200",
            "-c", f"password_encryption={PASSWORD_ENCRYPTION}"]
