"""Conversations read back from SQL after Rasa restarts still work although nothing reusable is stored in clear:
the last six typed before the name, and the phone between the draft's summary and its confirmation, are sealed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from bench.system import Supervised, supervised
from bot.db.models import Draft
from bot.registry.unit_of_work import Database
from rules_engine.identity import make_id_number
from tests.bot.records import person, registry_with
from tests.e2e.servers import MODEL

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")]
TODAY = "2025-12-01"
LAST6 = make_id_number("520102", dt.date(1980, 1, 1), "123")[-6:]
PHONE = "13800000000"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    work = tmp_path_factory.mktemp("sealed")
    url = f"sqlite:///{work / 'sealed.db'}"
    registry_with(url, work, person("P000001")).dispose()
    return url


@pytest.fixture(scope="module")
def system(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervised]:
    running = supervised(database_url, TODAY, tmp_path_factory.mktemp("serve"))
    running.start()
    yield running
    running.stop()


def stored(database_url: str) -> tuple[str, list[str]]:
    database = Database(database_url)
    try:
        with database.engine.connect() as connection:
            events = "\n".join(json.dumps(json.loads(row[0]), ensure_ascii=False)
                               for row in connection.execute(text("SELECT data FROM events")))
            phones = [json.loads(content).get("phone")
                      for content in connection.execute(select(Draft.__table__.c.content)).scalars()]
    finally:
        database.dispose()
    return events, phones


def test_the_last_six_and_the_phone_survive_restarts_and_are_never_stored_in_clear(system: Supervised, database_url: str) -> None:
    sender = "sealed-phone"
    assert "姓名" in system.say(sender, f"身份证后六位是{LAST6}")  # kept sealed until the name comes
    system.kill_child("rasa")
    system.wait_ready()
    assert "5201**********1235" in system.say(sender, "王建国")
    assert "联系电话" in system.say(sender, "我要办延续注册")
    assert PHONE in system.say(sender, PHONE)  # the summary shows it
    system.kill_child("rasa")
    system.wait_ready()
    assert "编号 YX-2025-" in system.say(sender, "/affirm")
    events, phones = stored(database_url)
    assert phones == [PHONE]
    assert PHONE not in events and "138****0000" in events
    assert LAST6 not in events
