"""The cluster's PostgreSQL asks every client for a password (scram-sha-256) that no command line shows.

The tests that start a server need Debian's postgresql package (/usr/lib/postgresql/*/bin) and skip without it.
"""

from __future__ import annotations

import contextlib
import grp
import os
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import psycopg2
import pytest
from sqlalchemy.engine import make_url

import bot.ops.cluster.__main__ as cluster_main
import bot.security.kept_secrets
from bot.ops.cluster import layout as cluster_layout
from bot.ops.cluster import postgres as cluster_postgres
from bot.ops.cluster.layout import DATABASE_USER, Layout, database_url_for, kept_secret, private_directory
from bot.ops.cluster.postgres import SCRAM_HBA, initialise, postgres_binary, server_command
from bot.security.kept_secrets import environment_or_kept_secret
from tests.ports import free_port

BINARIES = [postgres_binary(name) for name in ("initdb", "pg_ctl", "postgres")]
needs_postgres = pytest.mark.skipif(not all(BINARIES), reason="PostgreSQL is not installed here (.ci/run installs it)")
AS_ROOT = os.geteuid() == 0


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def private_mode(path: Path) -> None:
    """0700; as root 0710 with the postgres group, which PostgreSQL (run as postgres) needs to reach its data."""
    if AS_ROOT:
        assert mode(path) == 0o710 and grp.getgrgid(path.stat().st_gid).gr_name == "postgres", oct(mode(path))
    else:
        assert mode(path) == 0o700, oct(mode(path))


@pytest.fixture(autouse=True)
def no_password_from_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    # libpq would otherwise take a password from these, and a refused connection would not be refused.
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/pgpass")
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_pg_hba_is_scram_sha_256_for_socket_and_loopback_and_never_trust() -> None:
    rules = [line.split() for line in SCRAM_HBA.splitlines() if line.strip() and not line.startswith("#")]
    assert {rule[0] for rule in rules} == {"local", "host"}
    assert all(rule[-1] == "scram-sha-256" for rule in rules)
    assert "trust" not in SCRAM_HBA
    assert "password_encryption=scram-sha-256" in server_command(Path("/base"), 5432, [])


def test_the_password_file_is_0600_and_var_0700(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    monkeypatch.setattr(cluster_layout, "SECRETS_DIR", var)
    home = var / "cluster"
    url = database_url_for(home, 55432)
    password_file = home / "postgres-password"
    assert mode(password_file) == 0o600
    private_mode(home)
    private_mode(var)
    assert make_url(url).password == password_file.read_text(encoding="ascii")
    assert database_url_for(home, 55432) == url  # made once, then kept


def test_kept_secrets_make_var_0700_and_narrow_a_wider_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_WEBHOOK_SECRET", raising=False)
    var = tmp_path / "var"
    monkeypatch.setattr(bot.security.kept_secrets, "SECRETS_DIR", var)
    environment_or_kept_secret("RASA_WEBHOOK_SECRET", "some-secret")
    assert mode(var) == 0o700 and mode(var / "some-secret") == 0o600
    var.chmod(0o755)
    environment_or_kept_secret("RASA_WEBHOOK_SECRET", "some-secret")
    assert mode(var) == 0o700
    var.chmod(0o710)  # what the cluster grants the postgres group as root: left as it is
    environment_or_kept_secret("RASA_WEBHOOK_SECRET", "some-secret")
    assert mode(var) == 0o710


def test_the_url_carries_the_password_quoted_and_reports_hide_it(tmp_path: Path) -> None:
    home = private_directory(tmp_path / "cluster")
    awkward = "p@ss:w/rd%?#"
    descriptor = os.open(home / "postgres-password", os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as written:
        written.write(awkward)
    shape = Layout(public=1, rasa_balancer=2, action_balancer=3, rasa=(4,), actions=(5,), web=6, postgres=7,
                   redis=8, home=home)
    assert make_url(shape.database_url).password == awkward
    assert awkward not in shape.shown_database_url and "***" in shape.shown_database_url


def test_no_command_the_cluster_starts_carries_the_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not shutil.which("redis-server") or not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("redis-server and nginx are needed (.ci/run installs them)")
    monkeypatch.setattr(os, "environ", dict(os.environ))  # cluster_environment() sets os.environ
    monkeypatch.setattr(bot.security.kept_secrets, "SECRETS_DIR", tmp_path / "var")
    monkeypatch.setenv("CLUSTER_HOME", str(tmp_path / "cluster"))
    monkeypatch.setattr(cluster_main, "initialise", lambda *_args: [])
    shape = cluster_layout.layout()
    env = cluster_main.cluster_environment(shape)
    services = [*cluster_main.infrastructure(shape), *cluster_main.application(shape, tmp_path / "model", env)]
    password = kept_secret(shape.password_file)
    assert all(password not in " ".join(service.command) for service in services)
    infrastructure = [service for service in services if service.name in ("postgres", "redis", "nginx")]
    assert infrastructure and all("DATABASE_URL" not in service.env for service in infrastructure)
    assert make_url(env["DATABASE_URL"]).password == password


# Servers started for real.


@pytest.fixture
def home() -> Iterator[Path]:
    # Not under pytest's tmp_path: as root the postgres user must reach the data, and pytest's directories are 0700.
    made = Path(tempfile.mkdtemp(prefix="cluster-auth-"))
    private_directory(made)
    yield made
    shutil.rmtree(made, ignore_errors=True)


class Recorded:
    """Every command line bot.ops.cluster.postgres runs (initdb, pg_ctl)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.commands: list[list[str]] = []
        real = subprocess.run

        def run(command: list[str], *args: Any, **kwargs: Any) -> Any:
            self.commands.append([str(part) for part in command])
            return real(command, *args, **kwargs)

        monkeypatch.setattr(subprocess, "run", run)


def connect(port: int, password: str | None = None, host: str = "127.0.0.1") -> Any:
    return psycopg2.connect(host=host, port=port, user=DATABASE_USER, dbname="postgres", password=password,
                            connect_timeout=5)


def query(port: int, password: str | None, statement: str, *parameters: str) -> list[tuple[Any, ...]]:
    connection = connect(port, password)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(statement, parameters)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


class Server:
    """The server as the cluster starts it (server_command)."""

    def __init__(self, base: Path, port: int, prefix: list[str], password: str) -> None:
        self.process = subprocess.Popen(server_command(base, port, prefix), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                connect(port, password).close()
                return
            except psycopg2.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def command_lines(self) -> list[str]:
        top = psutil.Process(self.process.pid)
        lines = []
        for process in [top, *top.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):  # a backend that has just ended
                lines.append(" ".join(process.cmdline()))
        assert any("postgres" in line for line in lines)
        return lines

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def refused(port: int, password: str | None, host: str = "127.0.0.1") -> bool:
    try:
        connect(port, password, host).close()
    except psycopg2.OperationalError as error:
        return "password" in str(error)
    return False


def every_command_line() -> str:
    lines = []
    for process in psutil.process_iter(["cmdline"]):
        lines.append(" ".join(process.info["cmdline"] or []))
    return "\n".join(lines)


@needs_postgres
def test_a_new_cluster_database_refuses_clients_without_the_password(home: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    recorded = Recorded(monkeypatch)
    port = free_port()
    base = home / "postgres"
    password_file = home / "postgres-password"
    prefix = initialise(base, port, password_file)
    password = password_file.read_text(encoding="ascii")
    assert mode(password_file) == 0o600
    assert (base / "data" / "pg_hba.conf").read_text(encoding="ascii") == SCRAM_HBA
    assert not (base / "initdb-password").exists()
    server = Server(base, port, prefix, password)
    try:
        assert refused(port, None) and refused(port, "not-the-password")
        assert refused(port, None, host=str(base))  # the socket asks too
        assert query(port, password, "show password_encryption") == [("scram-sha-256",)]
        assert query(port, password, "select rolpassword like 'SCRAM-SHA-256$%%' from pg_authid where rolname = %s",
                     DATABASE_USER) == [(True,)]
        assert recorded.commands and all(password not in " ".join(command) for command in recorded.commands)
        assert all(password not in line for line in server.command_lines())
        assert password not in every_command_line()
    finally:
        server.stop()


def trust_data_directory(base: Path, port: int) -> list[str]:
    """A data directory as the cluster made it before scram-sha-256 (initdb --auth=trust), with a table in it."""
    base.mkdir(mode=0o700)
    prefix = cluster_postgres.as_postgres_user(base)
    data = base / "data"
    subprocess.run([*prefix, postgres_binary("initdb") or "initdb", "-D", str(data), "-U", DATABASE_USER,
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)
    pg_ctl = postgres_binary("pg_ctl") or "pg_ctl"
    subprocess.run([*prefix, pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                    f"-p {port} -k {base} -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True)
    try:
        query(port, None, "create table kept (note text); insert into kept values ('from before')")
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], check=True,
                       capture_output=True)
    return prefix


@needs_postgres
def test_a_data_directory_initialised_with_trust_is_migrated_and_keeps_its_data(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    base = home / "postgres"
    trust_data_directory(base, port)
    assert "trust" in (base / "data" / "pg_hba.conf").read_text(encoding="ascii")
    recorded = Recorded(monkeypatch)
    password_file = home / "postgres-password"
    prefix = initialise(base, port, password_file)
    password = password_file.read_text(encoding="ascii")
    hba = (base / "data" / "pg_hba.conf").read_text(encoding="ascii")
    assert hba == SCRAM_HBA and "trust" not in hba
    assert all(password not in " ".join(command) for command in recorded.commands)
    server = Server(base, port, prefix, password)
    try:
        assert refused(port, None)
        assert query(port, password, "select note from kept") == [("from before",)]
    finally:
        server.stop()


@needs_postgres
def test_a_lost_password_file_gets_a_new_password_that_works(home: Path) -> None:
    port = free_port()
    base = home / "postgres"
    password_file = home / "postgres-password"
    initialise(base, port, password_file)
    first = password_file.read_text(encoding="ascii")
    password_file.unlink()
    prefix = initialise(base, port, password_file)
    second = password_file.read_text(encoding="ascii")
    assert second != first
    server = Server(base, port, prefix, second)
    try:
        assert refused(port, first)
    finally:
        server.stop()
