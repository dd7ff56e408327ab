"""Which process holds which internal secret, and how a secret kept under var/ is made."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

import bot.security.kept_secrets as kept_secrets
from bot.ops.rasa_server import with_token_from_environment
from bot.ops.serve import rasa_command, secrets_for, services


def _read_secret(directory: str, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    kept_secrets.SECRETS_DIR = Path(directory)
    os.environ.pop("RASA_WEBHOOK_SECRET", None)  # this child's own environment: the kept file is what is tested
    results.put(kept_secrets.environment_or_kept_secret("RASA_WEBHOOK_SECRET", "shared"))


def test_processes_starting_together_all_get_the_same_whole_secret(tmp_path: Path) -> None:
    results: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    workers = [multiprocessing.Process(target=_read_secret, args=(str(tmp_path), results)) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    found = {results.get(timeout=5) for _ in workers}
    assert len(found) == 1 and len(found.pop()) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["shared"] and (tmp_path / "shared").stat().st_mode & 0o777 == 0o600


def test_each_secret_goes_only_to_the_two_ends_of_its_call(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (("RASA_AUTH_TOKEN", "t"), ("RASA_WEBHOOK_SECRET", "w"), ("ACTION_SERVER_SECRET", "a")):
        monkeypatch.setenv(name, value)
    assert secrets_for("rasa") == {"RASA_AUTH_TOKEN": "t", "RASA_WEBHOOK_SECRET": "w", "ACTION_SERVER_SECRET": "a"}
    assert secrets_for("web") == {"RASA_WEBHOOK_SECRET": "w"}
    assert secrets_for("actions-2") == {"ACTION_SERVER_SECRET": "a"}  # a cluster replica
    started = {service.name: service for service in services(Path("models/x.tar.gz"))}
    assert "RASA_AUTH_TOKEN" not in started["web"].env and "RASA_AUTH_TOKEN" not in started["actions"].env
    assert "ACTION_SERVER_SECRET" not in started["web"].env and "RASA_WEBHOOK_SECRET" not in started["actions"].env


def test_rasa_s_token_is_never_on_a_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_AUTH_TOKEN", "token-from-env")
    for service in services(Path("models/x.tar.gz")):
        assert "token-from-env" not in " ".join(service.command) and "--auth-token" not in service.command
    arguments = rasa_command(Path("m.tar.gz"), "5005")[3:]
    assert with_token_from_environment(arguments, {"RASA_AUTH_TOKEN": "x"})[-2:] == ["--auth-token", "x"]
    assert with_token_from_environment(arguments, {}) == arguments
    assert with_token_from_environment(["run"], {"RASA_AUTH_TOKEN": "x"}) == ["run"]  # no API, no token
