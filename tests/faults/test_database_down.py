"""The database (PostgreSQL: registry and conversations) goes away mid-conversation and comes back.

The user gets a clear Chinese message and no traceback; nothing half-written is left; the draft confirmed just
before is still there afterwards, unchanged; the conversation goes on once the database is back.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from bot.replies.messages import say
from rules_engine.identity import make_id_number
from tests.bot.records import person, registry_with
from tests.e2e.servers import MODEL, Servers, start_servers
from tests.postgres_server import PostgresServer, start_postgres

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")]
TODAY = "2025-12-01"
LAST6 = make_id_number("520102", dt.date(1980, 1, 1), "123")[-6:]
RECOVERY_SECONDS = 90


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = start_postgres()
    if server is None or server.data_dir is None:
        pytest.skip("needs a PostgreSQL server this test can stop (Debian's postgresql)")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def servers(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    work = tmp_path_factory.mktemp("db-down")
    registry_with(postgres.url, work, person("P000001")).dispose()
    running = start_servers(postgres.url, TODAY, work)
    yield running
    running.stop()


def drafts(url: str) -> list[tuple[str, str, str, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("select reference, kind, status, content from drafts order by id")).all()
    finally:
        engine.dispose()
    return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def text_of(servers: Servers, sender: str, message: str) -> str:
    return "\n".join(str(r.get("text", "")) for r in servers.say(sender, message))


def test_database_gone_then_back(servers: Servers, postgres: PostgresServer) -> None:
    sender = "db-down"
    text_of(servers, sender, f"王建国 {LAST6}")
    text_of(servers, sender, "我要办延续注册")
    text_of(servers, sender, "13800000000")
    saved = text_of(servers, sender, "/affirm")
    assert "编号 YX-2025-" in saved
    before = drafts(postgres.url)
    assert len(before) == 1
    # A cancellation draft up to its summary: its confirmation will arrive while the database is gone.
    assert "原因" in text_of(servers, sender, "我要注销注册")
    assert "配合" in text_of(servers, sender, '/affirm{"cancellation_reason": "已与聘用单位解除聘用合同关系"}')
    assert "联系电话" in text_of(servers, sender, "/affirm")
    assert "确认保存" in text_of(servers, sender, "0851-12345678")

    postgres.halt()
    apologies = {say("channel", "failed"), say("assistant", "action_unavailable")}
    for message in ("/affirm", "我的注册什么时候到期"):
        reply = text_of(servers, sender, message)
        assert reply in apologies, reply
        assert "Traceback" not in reply and "Error" not in reply

    postgres.resume()
    deadline = time.monotonic() + RECOVERY_SECONDS
    answer = ""
    while time.monotonic() < deadline and "2026年2月28日" not in answer:
        answer = text_of(servers, sender, "我的注册什么时候到期")
        time.sleep(1)
    assert "2026年2月28日" in answer, answer
    assert drafts(postgres.url) == before  # nothing half-written, the confirmed draft unchanged
