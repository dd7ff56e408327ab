"""Wrong guesses per name, per address and overall (bot/services/attempt_limits.py), on the registry's database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import AttemptLimitSettings, attempt_limit_settings
from bot.services.attempt_limits import Attempt, AttemptLimits, subject_key
from bot.store.models import VerificationAttempt
from bot.store.unit_of_work import Database
from tests.ports import free_port

NOW = dt.datetime(2025, 12, 1, 9, 0)
SETTINGS = dataclasses.replace(AttemptLimitSettings(), free_failures_per_subject=3, first_pause_seconds=60,
                               failures_per_client="5/hour", failures_overall="8/hour")


def fail(limits: AttemptLimits, database: Database, attempt: Attempt, subject: str, at: dt.datetime) -> None:
    with database.unit_of_work() as uow:
        limits.record(uow, attempt, subject, False, at)
        uow.commit()


def paused(limits: AttemptLimits, database: Database, attempt: Attempt, subject: str,
           at: dt.datetime) -> dt.datetime | None:
    with database.unit_of_work() as uow:
        return limits.paused_until(uow, attempt, subject, at)


def test_a_name_is_paused_after_a_few_failures_from_any_conversation_and_the_pause_doubles(database: Database) -> None:
    limits = AttemptLimits(dataclasses.replace(SETTINGS, failures_per_client="100/hour"))
    for index in range(3):
        assert paused(limits, database, Attempt.of("registrant", f"c{index}", f"10.0.0.{index}"), "王建国", NOW) is None
        fail(limits, database, Attempt.of("registrant", f"c{index}", f"10.0.0.{index}"), "王建国", NOW)
    fresh = Attempt.of("registrant", "fresh", "10.0.0.9")
    assert paused(limits, database, fresh, "王建国", NOW) == NOW + dt.timedelta(seconds=60)
    assert paused(limits, database, fresh, "王 建国", NOW) is not None  # spacing does not make another name
    assert paused(limits, database, fresh, "李娜", NOW) is None
    assert paused(limits, database, Attempt.of("employer", "fresh", None), "王建国", NOW) is None  # another kind
    later = NOW + dt.timedelta(seconds=61)
    assert paused(limits, database, fresh, "王建国", later) is None
    fail(limits, database, fresh, "王建国", later)
    assert paused(limits, database, fresh, "王建国", later) == later + dt.timedelta(seconds=120)
    with database.unit_of_work() as uow:
        succeeded = Attempt.of("registrant", "owner", "10.0.0.8")
        limits.record(uow, succeeded, "王建国", True, later)  # the owner's success resets nobody's count
        uow.commit()
    assert paused(limits, database, fresh, "王建国", later) is not None
    # A failure a day old no longer counts.
    assert paused(limits, database, fresh, "王建国", NOW + dt.timedelta(days=1, minutes=5)) is None


def test_one_address_and_the_whole_service_have_their_own_allowance(database: Database) -> None:
    limits = AttemptLimits(SETTINGS)
    address = Attempt.of("registrant", "c", "10.0.0.1")
    for index in range(5):
        fail(limits, database, address, f"名字{index}", NOW)
    assert paused(limits, database, address, "别的名字", NOW) is not None
    other = Attempt.of("registrant", "c", "10.0.0.2")
    assert paused(limits, database, other, "别的名字", NOW) is None
    for index in range(3):
        fail(limits, database, other, f"另一个{index}", NOW)
    assert paused(limits, database, Attempt.of("registrant", "d", "10.0.0.3"), "谁", NOW) is not None  # 8 overall


def test_attempts_keep_pseudonyms_not_names_addresses_or_conversations(database: Database) -> None:
    limits = AttemptLimits(SETTINGS)
    fail(limits, database, Attempt.of("registrant", "web-secret-id", "203.0.113.7"), "王建国", NOW)
    with database.engine.connect() as connection:
        row = connection.execute(select(VerificationAttempt.__table__)).mappings().one()
    stored = " ".join(str(value) for value in row.values())
    assert "王建国" not in stored and "203.0.113.7" not in stored and "web-secret-id" not in stored
    assert row["subject_key"] == subject_key("registrant", "王建国")


def test_the_limits_come_from_the_environment() -> None:
    found = attempt_limit_settings({"IDENTITY_FREE_FAILURES": "2", "IDENTITY_FAILURES_PER_CLIENT": "3/minute",
                                    "REDIS_URL": "redis://cache:6379/1"})
    assert found.free_failures_per_subject == 2 and found.failures_per_client == "3/minute"
    assert found.storage_url == "redis://cache:6379/1"
    assert attempt_limit_settings({}).storage_url == "memory://"


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def test_replicas_sharing_redis_share_the_allowance_of_an_address(database: Database, redis_url: str) -> None:
    one, two = (AttemptLimits(dataclasses.replace(SETTINGS, storage_url=redis_url)) for _ in range(2))
    address = Attempt.of("registrant", "c", "10.0.0.1")
    for index in range(5):
        fail(one if index % 2 else two, database, address, f"名字{index}", NOW)
    assert paused(one, database, address, "别的名字", NOW) is not None
    assert paused(two, database, address, "别的名字", NOW) is not None
