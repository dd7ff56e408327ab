"""Each attack from issue 15, made as an attacker would make it, against the whole system `make run` serves (the action
server, Rasa and the web server under bot.ops.serve), and each must fail. docs/security.md lists them with their controls.

All clients here come from 127.0.0.1, so the attacks that exhaust the per-address limit run last in this file.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator

import pytest
import requests
from itsdangerous import TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer

from bench.system import Supervised, supervised
from bot.replies.drafts import check_draft, draft_content
from bot.security.kept_secrets import ACTION_SECRET_HEADER
from bot.services.drafts import DraftKind, DraftRequest, save_draft, withdraw_draft
from bot.services.identity import sign_token
from bot.store.unit_of_work import Database
from rules_engine.identity import make_id_number
from rules_engine.record_format import parse_record
from tests.bot.records import person, registry_with
from tests.e2e.servers import MODEL

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")]
TODAY = "2025-12-01"
SECRET = "attack-test-secret"
TOKEN_SECRET = "attack-test-token-secret"
LAST6 = make_id_number("520102", dt.date(1980, 1, 1), "123")[-6:]
IDLE_SECONDS = 20  # long enough that a slow turn on a busy machine never looks idle
FAILURES_PER_CLIENT = 30
OWN_ANSWER = "2026年2月28日"  # 王建国's registration ends then: only his own answer says it
ASK_WHO = "身份证号后六位"  # asked for, or offered: either way the answer is not the person's own


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    work = tmp_path_factory.mktemp("attacks")
    url = f"sqlite:///{work / 'attacks.db'}"
    other_registration = [{"specialty": "建筑工程", "registration_no": "黔252000002", "kind": "初始注册",
                           "valid_from": "2024-07-01", "valid_until": "2027-06-30", "status": "有效"}]
    registry_with(url, work, person("P000001"),
                  person("P000002", name="李娜", birth="1975-02-28", registrations=other_registration),
                  person("P000003", name="张伟", birth="1985-05-05")).dispose()
    return url


@pytest.fixture(scope="module")
def system(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervised]:
    running = supervised(database_url, TODAY, tmp_path_factory.mktemp("serve"))
    running.env.update({"ASSISTANT_SECRET": SECRET, "ASSISTANT_TOKEN_SECRET": TOKEN_SECRET,
                        "IDENTITY_IDLE_MINUTES": str(IDLE_SECONDS / 60),
                        "IDENTITY_FAILURES_PER_CLIENT": f"{FAILURES_PER_CLIENT}/hour"})
    running.start()
    yield running
    running.stop()


class Browser:
    """What a browser does: load the page, keep its cookies, post JSON with the page's Origin."""

    def __init__(self, system: Supervised, headers: dict[str, str] | None = None) -> None:
        self.base = system.web_url
        self.session = requests.Session()
        self.session.headers.update({"Origin": self.base, **(headers or {})})
        assert self.session.get(self.base + "/", timeout=10).ok

    def say(self, message: str, **body: object) -> str:
        reply = self.session.post(self.base + "/api/chat", json={"message": message, **body}, timeout=60)
        self.last = reply.json()
        return "\n".join(str(m.get("text", "")) for m in self.last.get("messages", []))

    @property
    def conversation(self) -> str:
        """The id the signed cookie carries (read with the server's key, as an insider or a log reader might)."""
        from bot.security.keys import Purpose, _derived

        key = _derived(SECRET.encode("utf-8"), Purpose.CHAT_COOKIE)
        return str(URLSafeSerializer(key, salt="chat-conversation").loads(self.session.cookies["qj_chat"]))


def identified(system: Supervised, name: str = "王建国", last6: str = LAST6, own: str = OWN_ANSWER) -> Browser:
    browser = Browser(system)
    assert "已确认身份" in browser.say(f"{name} {last6}")
    assert own in browser.say("我的注册什么时候到期")
    return browser


def test_a_copied_sender_id_does_not_open_someone_else_s_conversation(system: Supervised) -> None:
    victim = identified(system)
    attacker = Browser(system)
    # The id in the body is ignored: the conversation is the attacker's own cookie's.
    assert OWN_ANSWER not in attacker.say("我的注册什么时候到期", sender=victim.conversation)
    # A cookie holding the victim's id, unsigned or signed with another key, is not a conversation either.
    for forged in (victim.conversation, URLSafeSerializer("guess", salt="chat-conversation").dumps(victim.conversation)):
        intruder = requests.Session()
        intruder.cookies.set("qj_chat", forged)
        reply = intruder.post(system.web_url + "/api/chat", json={"message": "我的注册什么时候到期"}, timeout=60,
                              headers={"Origin": system.web_url})
        assert OWN_ANSWER not in reply.text and "qj_chat" in reply.cookies
    # Nor can anyone post straight to Rasa's webhook as the victim: only the web server has its secret.
    direct = requests.post(f"{system.rasa_url}/webhooks/rest/webhook", timeout=30,
                           json={"sender": victim.conversation, "message": "我的注册什么时候到期"})
    assert direct.status_code == 401 and OWN_ANSWER not in direct.text
    assert OWN_ANSWER in victim.say("我的注册什么时候到期")  # the victim's own conversation goes on


def test_guessing_one_name_from_twenty_fresh_conversations_then_the_right_pair_fails(system: Supervised) -> None:
    replies = [Browser(system).say(f"王建国 {index:05d}9") for index in range(20)]
    assert all("已确认身份" not in reply for reply in replies)
    assert sum("锁定" in reply for reply in replies) >= 15  # the name is paused after a few, whichever conversation
    right = Browser(system).say(f"王建国 {LAST6}")
    assert "已确认身份" not in right and "锁定" in right
    # The same replies for a name nobody has: guessing cannot tell which names exist.
    unknown = [Browser(system).say(f"张无此人 {index:05d}9") for index in range(7)]
    shape = [re.sub(r"\d+", "N", reply) for reply in unknown]
    assert shape == [re.sub(r"\d+", "N", reply) for reply in replies[:7]]


def test_a_shared_browser_forgets_the_person_after_logout(system: Supervised) -> None:
    first = identified(system, "李娜", make_id_number("520102", dt.date(1975, 2, 28), "123")[-6:], "2027年6月30日")
    before = first.session.cookies["qj_chat"]
    out = first.session.post(system.web_url + "/api/logout", json={}, timeout=60)
    assert out.ok and out.json()["identity"] is None and first.session.cookies["qj_chat"] != before
    # The next person at the same browser asks "my" question and is asked who they are.
    reply = first.say("我的注册什么时候到期")
    assert "2027年6月30日" not in reply and ASK_WHO in reply
    # The old conversation itself has forgotten too, should its cookie have been copied before.
    copy = requests.Session()
    copy.cookies.set("qj_chat", before)
    again = copy.post(system.web_url + "/api/chat", json={"message": "我的注册什么时候到期"}, timeout=60,
                      headers={"Origin": system.web_url})
    texts = "\n".join(m.get("text", "") for m in again.json()["messages"])
    assert "2027年6月30日" not in texts and ASK_WHO in texts


def test_a_shared_browser_forgets_the_person_after_the_idle_timeout(system: Supervised) -> None:
    # Each attack identifies someone the earlier ones did not pause.
    browser = identified(system, "张伟", make_id_number("520102", dt.date(1985, 5, 5), "123")[-6:])
    time.sleep(IDLE_SECONDS + 2)
    reply = browser.say("我的注册什么时候到期")
    assert OWN_ANSWER not in reply and ASK_WHO in reply
    assert browser.last.get("identity", "absent") is None  # the page is told, and hides the name


def test_a_replayed_host_token_opens_nothing(system: Supervised, database_url: str) -> None:
    token = sign_token("P000001", dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=30),
                       TOKEN_SECRET.encode("utf-8"))
    owner = Browser(system)
    assert OWN_ANSWER in owner.say("我的注册什么时候到期", metadata={"token": token})
    assert OWN_ANSWER in owner.say("我的注册什么时候到期", metadata={"token": token})  # its own conversation, again
    thief = Browser(system)
    assert OWN_ANSWER not in thief.say("我的注册什么时候到期", metadata={"token": token})
    # A different person's token replaces the identity in the owner's conversation.
    other = sign_token("P000002", dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=30),
                       TOKEN_SECRET.encode("utf-8"))
    replaced = owner.say("我的注册什么时候到期", metadata={"token": other})
    assert OWN_ANSWER not in replaced and "2027年6月30日" in replaced
    database = Database(database_url)
    try:
        with database.unit_of_work() as uow:
            digests = uow.attempts.token_digests()
    finally:
        database.dispose()
    assert digests and token not in digests  # only digests are kept


def _draft(database_url: str) -> str:
    database = Database(database_url)
    try:
        record = parse_record(person("P000001"))
        today = dt.date.fromisoformat(TODAY)
        request = DraftRequest(DraftKind.RENEWAL, "P000001", ("建筑工程",), phone="13800000000")
        with database.unit_of_work() as uow:
            draft, _ = save_draft(uow, request, draft_content(record, request, check_draft(record, request, today),
                                                              today), "attack", dt.datetime(2025, 12, 1, 8), today)
        return draft.reference
    finally:
        database.dispose()


def _link_key(reference: str, status: str, age_days: float = 0) -> str:
    from bot.security.keys import Purpose, _derived

    class MadeThen(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age_days * 86400)

    key = _derived(SECRET.encode("utf-8"), Purpose.DRAFT_LINKS)
    return URLSafeTimedSerializer(key, salt="draft-link", signer=MadeThen).dumps([reference, status])


def test_a_withdrawn_or_stale_draft_link_opens_nothing(system: Supervised, database_url: str) -> None:
    reference = _draft(database_url)
    opens = requests.get(f"{system.web_url}/drafts/{reference}", params={"key": _link_key(reference, "draft")},
                         timeout=30)
    assert opens.ok and reference in opens.text
    old = requests.get(f"{system.web_url}/drafts/{reference}", params={"key": _link_key(reference, "draft", 8)},
                       timeout=30)
    assert old.status_code == 404  # links last seven days
    database = Database(database_url)
    try:
        with database.unit_of_work() as uow:
            assert withdraw_draft(uow, "P000001", reference, dt.datetime(2025, 12, 1, 9))
    finally:
        database.dispose()
    for key in (_link_key(reference, "draft"), _link_key(reference, "withdrawn")):
        gone = requests.get(f"{system.web_url}/drafts/{reference}", params={"key": key}, timeout=30)
        assert gone.status_code == 404 and reference not in gone.text


def test_the_action_server_answers_only_rasa(system: Supervised) -> None:
    base = f"http://127.0.0.1:{system.ports['actions']}"
    call = {"next_action": "action_personal_answer", "sender_id": "x", "version": "3.6.2",
            "tracker": {"sender_id": "x", "slots": {"person_id": "P000001"}, "latest_message": {"text": "我的学时"},
                        "events": []}, "domain": {}}
    for headers in ({}, {ACTION_SECRET_HEADER: "wrong"}):
        answer = requests.post(f"{base}/webhook", json=call, headers=headers, timeout=30)
        assert answer.status_code == 401 and "P000001" not in answer.text and "学时" not in answer.text
        assert requests.get(f"{base}/actions", headers=headers, timeout=30).status_code == 401
    assert requests.get(f"{base}/health", timeout=30).ok


# --- from here on, the attacks use up 127.0.0.1's allowance of failures ---------------------------------------


def made_up_name(index: int) -> str:
    """A different plausible name each time, so that no one name's pause is what stops the guessing."""
    return "赵" + "一二三四五六七八九十"[index % 10] + "甲乙丙丁戊己庚辛壬癸"[index // 10 % 10]


def test_spoofing_x_forwarded_for_does_not_buy_more_guesses(system: Supervised) -> None:
    """No proxy is configured under make run, so the header is the client's own word and counts for nothing."""
    used = 0
    for index in range(FAILURES_PER_CLIENT + 5):
        spoofed = Browser(system, {"X-Forwarded-For": f"10.0.{index}.1", "X-Real-IP": f"10.1.{index}.1"})
        reply = spoofed.say(f"{made_up_name(index)} {index:05d}9")
        used += "锁定" not in reply
    assert used <= FAILURES_PER_CLIENT
    # The right pair of a name nobody guessed (so only the address's allowance can stop it) waits too.
    last = Browser(system, {"X-Forwarded-For": "192.0.2.77"}).say(
        f"张伟 {make_id_number('520102', dt.date(1985, 5, 5), '123')[-6:]}")
    assert "已确认身份" not in last and "锁定" in last


def test_spraying_staff_logins_across_user_names_is_stopped(system: Supervised, database_url: str) -> None:
    from bot.services.helpdesk import add_staff

    database = Database(database_url)
    try:
        with database.unit_of_work() as uow:
            add_staff(uow, "kefu", "correct-horse-battery", False, dt.datetime(2025, 12, 1))
    finally:
        database.dispose()
    statuses = []
    for index in range(FAILURES_PER_CLIENT + 3):
        answer = requests.post(f"{system.web_url}/staff/login", timeout=30, allow_redirects=False,
                               data={"username": f"user{index}", "password": "123456"},
                               headers={"X-Forwarded-For": f"10.9.{index}.1"})
        statuses.append(answer.status_code)
    assert statuses[:5] == [401] * 5 and statuses[-1] == 429
    assert statuses.count(401) <= FAILURES_PER_CLIENT
    # Even the right password waits now, from this address: the sprayer cannot find out it was right.
    right = requests.post(f"{system.web_url}/staff/login", data={"username": "kefu", "password": "correct-horse-battery"},
                          timeout=30, allow_redirects=False)
    assert right.status_code == 429 and "qj_session" not in right.cookies


def test_nothing_reusable_is_stored_in_clear(system: Supervised, database_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            stored = " ".join(str(row[0]) for row in connection.execute(text("select data from events")))
    finally:
        engine.dispose()
    assert f"王建国 {LAST6}" not in stored and LAST6 not in stored
    assert TOKEN_SECRET not in stored and '"token"' not in stored
