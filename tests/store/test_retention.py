"""python -m bot purge-old: only what is older than the period goes, and a conversation going on goes on."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import column, func, insert, inspect, select, table, text
from sqlalchemy.engine import Engine

from bot.rasa.tracker_store import RegistryTrackerStore
from bot.store.migrate import upgrade_to_head
from bot.store.models import HandoverTicket, VerificationAttempt
from bot.store.retention import Retained, purge_conversations, purge_old, purge_registry
from bot.store.unit_of_work import Database

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
CUTOFF = NOW - dt.timedelta(days=180)
OLD = NOW - dt.timedelta(days=400)
RECENT = NOW - dt.timedelta(days=3)
ATTEMPTS = VerificationAttempt.__table__
TICKETS = HandoverTicket.__table__
DOMAIN = Domain.from_dict({"slots": {"person_id": {"type": "any", "mappings": [{"type": "custom"}]}},
                           "intents": ["greet"]})


def count(engine: Engine, name: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table(name))).scalar_one())


def add_attempt(database: Database, conversation: str, at: dt.datetime) -> None:
    with database.engine.begin() as connection:
        connection.execute(insert(ATTEMPTS).values(conversation_id=conversation, at=at, kind="registrant",
                                                   succeeded=False))


def add_ticket(database: Database, conversation: str, status: str, created: dt.datetime,
               closed: dt.datetime | None) -> None:
    with database.engine.begin() as connection:
        connection.execute(insert(TICKETS).values(conversation_id=conversation, reason="转人工", transcript="[]",
                                                  status=status, created_at=created, closed_at=closed))


def add_if_present(database: Database, name: str, **values: object) -> bool:
    """A row in a table a later migration adds; False when this database has no such table yet."""
    if not inspect(database.engine).has_table(name):
        return False
    with database.engine.begin() as connection:
        connection.execute(insert(table(name, *(column(key) for key in values))).values(**values))
    return True


def test_only_rows_older_than_the_period_go(database: Database) -> None:
    add_attempt(database, "old", OLD)
    add_attempt(database, "recent", RECENT)
    add_ticket(database, "closed-long-ago", "closed", OLD, OLD)
    add_ticket(database, "closed-lately", "closed", OLD, RECENT)
    add_ticket(database, "still-open", "open", OLD, None)
    add_ticket(database, "claimed", "claimed", OLD, None)
    tokens = add_if_present(database, "host_token_uses", token_digest="a" * 64, conversation_key="k1",
                            first_used_at=OLD)
    tokens = add_if_present(database, "host_token_uses", token_digest="b" * 64, conversation_key="k2",
                            first_used_at=RECENT) and tokens
    sessions = add_if_present(database, "web_sessions", session_digest="c" * 64, kind="staff", account="wang",
                              created_at=OLD, expires_at=OLD + dt.timedelta(hours=8))
    sessions = add_if_present(database, "web_sessions", session_digest="d" * 64, kind="staff", account="li",
                              created_at=RECENT, expires_at=RECENT + dt.timedelta(hours=8)) and sessions

    purged = {result.table: result for result in purge_registry(database.engine, CUTOFF)}

    assert purged["verification_attempts"].rows == 1
    assert purged["handover_tickets"].rows == 1
    with database.engine.connect() as connection:
        assert connection.execute(select(ATTEMPTS.c.conversation_id)).scalars().all() == ["recent"]
        left = sorted(connection.execute(select(TICKETS.c.conversation_id)).scalars().all())
    assert left == ["claimed", "closed-lately", "still-open"]
    if tokens:
        assert purged["host_token_uses"].rows == 1 and count(database.engine, "host_token_uses") == 1
    if sessions:
        assert purged["web_sessions"].rows == 1 and count(database.engine, "web_sessions") == 1


def test_a_second_run_finds_nothing_more(database: Database) -> None:
    add_attempt(database, "old", OLD)
    purge_registry(database.engine, CUTOFF)
    assert all(result.rows == 0 for result in purge_registry(database.engine, CUTOFF))


def test_a_table_that_does_not_exist_yet_is_skipped(database: Database) -> None:
    purged = purge_registry(database.engine, CUTOFF, (Retained("not_yet_made", "at"), Retained(
        "verification_attempts", "at")))
    assert [(result.table, result.present) for result in purged] == [("not_yet_made", False),
                                                                    ("verification_attempts", True)]


def test_a_fresh_database_has_no_events_table_and_nothing_fails(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    database = Database(url)
    try:
        purged = purge_old(database.engine, database.engine, CUTOFF)
    finally:
        database.dispose()
    assert all(not result.present and result.rows == 0 for result in purged)


# --- Rasa's tracker events ----------------------------------------------------------------------------


def at(moment: dt.datetime, seconds: int = 0) -> float:
    return moment.replace(tzinfo=dt.timezone.utc).timestamp() + seconds


def session(tracker: DialogueStateTracker, moment: dt.datetime, said: str, carried: str | None = None) -> None:
    tracker.update(ActionExecuted("action_session_start", timestamp=at(moment)))
    tracker.update(SessionStarted(timestamp=at(moment, 1)))
    if carried:
        tracker.update(SlotSet("person_id", carried, timestamp=at(moment, 2)))
    tracker.update(ActionExecuted("action_listen", timestamp=at(moment, 3)))
    tracker.update(UserUttered(said, {"name": "greet", "confidence": 1.0}, timestamp=at(moment, 4)))


@pytest.fixture
def conversations_engine(database_url: str) -> Iterator[Engine]:
    store = RegistryTrackerStore(domain=DOMAIN, host=database_url)
    engine: Engine = store.engine
    yield engine
    # The PostgreSQL database is the session's: the next test (and the schema check) expects no Rasa table in it.
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS events"))
    engine.dispose()


def save(engine: Engine, tracker: DialogueStateTracker) -> None:
    store = RegistryTrackerStore(domain=DOMAIN, host=engine.url.render_as_string(hide_password=False))
    asyncio.run(store.save(tracker))


def retrieve(engine: Engine, sender: str) -> DialogueStateTracker | None:
    store = RegistryTrackerStore(domain=DOMAIN, host=engine.url.render_as_string(hide_password=False))
    return asyncio.run(store.retrieve(sender))


def senders(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id, count(*) FROM events GROUP BY sender_id")).all()
    return {sender: int(number) for sender, number in rows}


def test_old_conversations_go_whole_and_one_going_on_keeps_its_session(conversations_engine: Engine) -> None:
    gone = DialogueStateTracker("gone", DOMAIN.slots)
    session(gone, OLD, "你好")
    live = DialogueStateTracker("live", DOMAIN.slots)
    session(live, OLD, "王建国 123456")
    live.update(SlotSet("person_id", "P000001", timestamp=at(OLD, 5)))
    session(live, RECENT, "我的证什么时候到期", carried="P000001")
    fresh = DialogueStateTracker("fresh", DOMAIN.slots)
    session(fresh, RECENT, "你好")
    for tracker in (gone, live, fresh):
        save(conversations_engine, tracker)
    before = retrieve(conversations_engine, "live")
    assert before is not None

    purged = purge_conversations(conversations_engine, CUTOFF)

    assert senders(conversations_engine) == {"live": 5, "fresh": 4}
    assert purged.rows == 4 + 5  # all of "gone", and the session of "live" that ended long ago
    after = retrieve(conversations_engine, "live")
    assert after is not None and after.get_slot("person_id") == "P000001"
    assert [e.as_dict() for e in after.events] == [e.as_dict() for e in before.events]
    assert retrieve(conversations_engine, "gone") is None
    after.update(UserUttered("谢谢", {"name": "greet", "confidence": 1.0}))
    save(conversations_engine, after)  # Rasa counts the stored events of the session: nothing is stored twice
    assert senders(conversations_engine)["live"] == 6


def test_a_conversation_without_a_session_start_loses_nothing_while_it_goes_on(conversations_engine: Engine) -> None:
    tracker = DialogueStateTracker("no-session", DOMAIN.slots)
    tracker.update(UserUttered("你好", {"name": "greet", "confidence": 1.0}, timestamp=at(OLD)))
    tracker.update(UserUttered("还在", {"name": "greet", "confidence": 1.0}, timestamp=at(RECENT)))
    save(conversations_engine, tracker)
    assert purge_conversations(conversations_engine, CUTOFF).rows == 0
    assert senders(conversations_engine) == {"no-session": 2}


# --- the command ----------------------------------------------------------------------------------------


def test_the_command_deletes_old_rows_and_reports_counts_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'purge.db'}"
    upgrade_to_head(url)
    database = Database(url)
    try:
        add_attempt(database, "conversation-secret-1", OLD)
        add_attempt(database, "conversation-secret-2", OLD)
        add_attempt(database, "conversation-secret-3", RECENT)
        add_ticket(database, "conversation-secret-4", "closed", OLD, OLD)
    finally:
        database.dispose()
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("TRACKER_STORE_URL", None)
    env.pop("RETENTION_DAYS", None)
    result = subprocess.run([sys.executable, "-m", "bot", "purge-old", "--days", "180"], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "保存超过180天" in result.stdout
    assert "身份验证尝试（verification_attempts）：删除2行" in result.stdout
    assert "已关闭的转人工工单（handover_tickets）：删除1行" in result.stdout
    assert "（events）：表不存在，跳过" in result.stdout
    assert "secret" not in result.stdout + result.stderr and "Traceback" not in result.stderr
    database = Database(url)
    try:
        assert count(database.engine, "verification_attempts") == 1
    finally:
        database.dispose()
    again = subprocess.run([sys.executable, "-m", "bot", "purge-old", "--days", "0"], capture_output=True, text=True,
                           cwd=ROOT, env=env, timeout=120)
    assert again.returncode == 2 and "参数错误" in again.stderr
