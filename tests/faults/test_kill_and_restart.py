"""Faults under `make run`'s supervisor: Rasa, the action server or the supervisor itself killed with -9.

Conversations live in the SQL tracker store and drafts in the registry, so each conversation goes on where it
was; a killed action server costs the user one short apology, not silence.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterator

import psutil
import pytest
import requests
from sqlalchemy import select, text

from bench.system import Supervised, supervised
from bot.replies.messages import say
from bot.store.models import Draft
from bot.store.unit_of_work import Database
from rules_engine.identity import make_id_number
from tests.bot.records import person, registry_with
from tests.e2e.servers import MODEL

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")]
TODAY = "2025-12-01"
LAST6 = make_id_number("520102", dt.date(1980, 1, 1), "123")[-6:]
APOLOGY_WITHIN_SECONDS = 10


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    work = tmp_path_factory.mktemp("faults")
    url = f"sqlite:///{work / 'faults.db'}"
    registry_with(url, work, person("P000001"), person("P000002", name="李娜", birth="1975-02-28"),
                  person("P000003", name="张伟", birth="1985-05-05")).dispose()
    return url


@pytest.fixture(scope="module")
def system(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervised]:
    running = supervised(database_url, TODAY, tmp_path_factory.mktemp("serve"))
    running.start()
    yield running
    running.stop()


def draft_count(database_url: str) -> int:
    database = Database(database_url)
    try:
        with database.unit_of_work() as uow:
            return uow.drafts.count()
    finally:
        database.dispose()


def confirm_renewal_draft(system: Supervised, sender: str) -> str:
    assert "5201**********1235" in system.say(sender, f"王建国 {LAST6}")
    assert "联系电话" in system.say(sender, "我要办延续注册")
    assert "确认保存" in system.say(sender, "13800000000")
    saved = re.search(r"YX-\d{4}-\d{6}", system.say(sender, "/affirm"))  # new, or the person's open one updated
    assert saved is not None
    return saved.group(0)


def test_rasa_killed_the_conversation_goes_on_where_it_was(system: Supervised, database_url: str) -> None:
    reference = confirm_renewal_draft(system, "fault-rasa")
    before = draft_count(database_url)
    system.kill_child("rasa")
    system.wait_ready()
    # Still identified after the restart: the tracker (slots included) came back from SQL.
    answer = system.say("fault-rasa", "我的注册什么时候到期")
    assert "2026年2月28日" in answer and "姓名和身份证号后六位" not in answer
    assert reference in system.say("fault-rasa", "我的草稿")
    assert draft_count(database_url) == before


def test_action_server_killed_the_user_gets_an_apology_then_it_works_again(system: Supervised) -> None:
    sender = "fault-actions"
    assert "5201**********1235" in system.say(sender, f"王建国 {LAST6}")
    system.kill_child("actions")
    started = time.monotonic()
    reply = system.say(sender, "我的注册什么时候到期", timeout=APOLOGY_WITHIN_SECONDS + 5)
    assert time.monotonic() - started < APOLOGY_WITHIN_SECONDS
    assert reply == say("assistant", "action_unavailable")
    system.wait_ready()
    assert "2026年2月28日" in system.say(sender, "我的注册什么时候到期")


def test_lockout_holds_across_a_restart(system: Supervised) -> None:
    # Someone the other tests do not identify: five failures pause the name itself, in every conversation.
    sender, right = "fault-lockout", f"李娜 {make_id_number('520102', dt.date(1975, 2, 28), '123')[-6:]}"
    system.say(sender, "我的注册什么时候到期")
    for _ in range(5):
        system.say(sender, "李娜 000000")
    locked = system.say(sender, right)
    assert "已确认身份" not in locked and "锁定" in locked
    assert "已确认身份" not in system.say("fault-lockout-elsewhere", right)  # the name is paused, not just here
    system.kill_child("actions")
    system.kill_child("rasa")
    system.wait_ready()
    after = system.say(sender, right)
    assert "已确认身份" not in after and after == locked


def test_supervisor_killed_leaves_no_server_behind_and_restarts_clean(system: Supervised, database_url: str) -> None:
    reference = confirm_renewal_draft(system, "fault-supervisor")
    before = draft_count(database_url)
    children = system.children()
    assert system.process is not None
    system.process.kill()
    system.process.wait(10)
    _gone, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, [p.cmdline() for p in alive]
    system.start()  # same ports: none is still held
    assert "2026年2月28日" in system.say("fault-supervisor", "我的注册什么时候到期")
    assert reference in system.say("fault-supervisor", "我的草稿")
    assert draft_count(database_url) == before


def test_rasa_api_needs_the_token_and_servers_listen_on_loopback_only(system: Supervised) -> None:
    assert requests.get(f"{system.rasa_url}/status", timeout=10).status_code == 401
    assert requests.get(f"{system.rasa_url}/status", params={"token": system.auth_token}, timeout=10).status_code == 200
    for name in ("actions", "rasa", "web"):
        listening = [c.laddr.ip for c in system.child(name).net_connections(kind="inet") if c.status == "LISTEN"]
        assert listening and set(listening) == {"127.0.0.1"}, (name, listening)


def stored(database_url: str, person_id: str) -> tuple[str, list[str]]:
    """The conversations' events as written, and the phone in the person's drafts."""
    database = Database(database_url)
    try:
        with database.engine.connect() as connection:
            events = "\n".join(json.dumps(json.loads(row[0]), ensure_ascii=False)
                               for row in connection.execute(text("SELECT data FROM events")))
            drafts = Draft.__table__
            phones = [json.loads(content).get("phone") for content in connection.execute(
                select(drafts.c.content).where(drafts.c.person_id == person_id)).scalars()]
    finally:
        database.dispose()
    return events, phones


def test_the_last_six_and_the_phone_survive_restarts_and_are_never_stored_in_clear(system: Supervised,
                                                                                    database_url: str) -> None:
    """Read back from SQL after Rasa restarts, a conversation still works although nothing reusable is stored in
    clear: the last six typed before the name, and the phone between the summary and the confirmation, are sealed."""
    sender, last6, phone = "sealed-phone", make_id_number("520102", dt.date(1985, 5, 5), "123")[-6:], "13900000000"
    assert "姓名" in system.say(sender, f"身份证后六位是{last6}")  # kept sealed until the name comes
    system.kill_child("rasa")
    system.wait_ready()
    assert "已确认身份" in system.say(sender, "张伟")
    assert "联系电话" in system.say(sender, "我要办延续注册")
    assert phone in system.say(sender, phone)  # the summary shows it
    system.kill_child("rasa")
    system.wait_ready()
    assert "编号 YX-2025-" in system.say(sender, "/affirm")
    events, phones = stored(database_url, "P000003")
    assert phones == [phone]
    assert phone not in events and "139****0000" in events
    assert last6 not in events
