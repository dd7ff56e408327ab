"""The production shape (make run-cluster): two Rasa replicas behind nginx, Redis locks, PostgreSQL for all.

One conversation answered alternately by the two replicas says the same as one answered by one replica; a
replica killed mid-conversation loses nothing; 50 conversations at once each keep their one draft.
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
import shutil
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text

from bench.cluster_system import RunningCluster, import_records, start_cluster
from rules_engine.identity import make_id_number
from tests.bot.records import lines, person
from tests.e2e.servers import MODEL

NEEDS = [shutil.which("redis-server"), shutil.which("nginx") or shutil.which("/usr/sbin/nginx")]
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)"),
              pytest.mark.skipif(not all(NEEDS), reason="redis-server and nginx are needed (.ci/run installs them)")]
TODAY = "2025-12-01"
CONCURRENT = 50
# What differs between two people with the same record: masked ID, registration and draft numbers, link keys.
VOLATILE = re.compile(r"\d{4}\*{10}\d{3}[\dX]|[YZ]X-\d{4}-\d{6}|黔252\d{6}|key=[A-Za-z0-9._-]+")


def id_of(sequence: int) -> str:
    return make_id_number("520102", dt.date(1980, 1, 1), f"{sequence:03d}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCluster]:
    running = start_cluster(TODAY)
    try:
        export = tmp_path_factory.mktemp("cluster") / "records.jsonl"
        people = [person("P000001"), person("P000002", id_number=id_of(124))]
        people += [person(f"P{100 + i:06d}", id_number=id_of(200 + i)) for i in range(CONCURRENT)]
        export.write_text(lines(*people), encoding="utf-8")
        import_records(running, export)
        yield running
    finally:
        running.stop()


def script(sequence: int) -> list[str]:
    return [f"王建国 {id_of(sequence)[-6:]}", "我的注册什么时候到期", "我的继续教育学时够了吗", "我要办延续注册",
            "13800000000", "/affirm", "我的草稿"]


def test_turns_alternating_between_replicas_give_the_same_dialogue_as_one_replica(cluster: RunningCluster) -> None:
    alternating = [cluster.say("alternating", message, cluster.replica_url(turn % 2))
                   for turn, message in enumerate(script(123))]
    single = [cluster.say("single", message, cluster.replica_url(0)) for message in script(124)]
    assert "2026年2月28日" in alternating[1] and "编号 YX-2025-" in alternating[5]
    assert [VOLATILE.sub("…", reply) for reply in alternating] == [VOLATILE.sub("…", reply) for reply in single]


def test_a_replica_killed_mid_conversation_the_other_goes_on(cluster: RunningCluster) -> None:
    sender = "failover"
    assert "已确认身份" in cluster.say(sender, script(123)[0])
    cluster.replica(0).kill()
    try:
        answers = [cluster.say(sender, "我的注册什么时候到期") for _ in range(4)]  # nginx sends all to the survivor
    except requests.HTTPError as error:
        raise AssertionError(cluster.log_tail()) from error
    assert all("2026年2月28日" in answer for answer in answers), answers
    cluster.wait_for_replica(0)  # the supervisor starts it again; the next test wants both


def test_fifty_concurrent_conversations_lose_no_draft(cluster: RunningCluster) -> None:
    def conversation(index: int) -> str:
        sender = f"many-{index}"
        assert "已确认身份" in cluster.say(sender, f"王建国 {id_of(200 + index)[-6:]}")
        cluster.say(sender, "我要办延续注册")
        cluster.say(sender, "13800000000")
        saved = cluster.say(sender, "/affirm")
        assert "编号 YX-" in saved, saved
        return saved.split("编号 ")[1][:14]

    with ThreadPoolExecutor(CONCURRENT) as pool:
        references = list(pool.map(conversation, range(CONCURRENT)))
    assert len(set(references)) == CONCURRENT
    engine = create_engine(cluster.database_url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(text(
                "select reference, person_id from drafts where person_id >= 'P000100' and person_id < 'P000200'"
            )).all()
    finally:
        engine.dispose()
    assert sorted(r[0] for r in stored) == sorted(references)
    assert len({r[1] for r in stored}) == CONCURRENT


def _login_from(address: str, public_url: str, username: str, forwarded_for: str) -> int:
    """A staff login posted from a chosen loopback address (Linux answers on all of 127.0.0.0/8)."""
    parts = urllib.parse.urlsplit(public_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30,
                                            source_address=(address, 0))
    try:
        body = urllib.parse.urlencode({"username": username, "password": "wrong-password"})
        connection.request("POST", "/staff/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": forwarded_for})
        return connection.getresponse().status
    finally:
        connection.close()


def test_behind_nginx_the_limits_see_the_real_client_and_not_its_forwarded_for(cluster: RunningCluster) -> None:
    # The public site has no Rasa webhook: only the web server calls it, on loopback, with its secret.
    webhook = requests.post(f"{cluster.public_url}/webhooks/rest/webhook", timeout=30,
                            json={"sender": "outsider", "message": "你好"})
    assert webhook.status_code == 404
    statuses = [_login_from("127.0.0.3", cluster.public_url, f"sprayer{index}", f"198.51.100.{index}")
                for index in range(64)]
    assert statuses[0] == 401 and statuses[-1] == 429  # a new X-Forwarded-For each time bought nothing
    # Another client behind the same nginx is not held up by it: the web server reads the address nginx saw.
    assert _login_from("127.0.0.4", cluster.public_url, "someone", "127.0.0.3") == 401
