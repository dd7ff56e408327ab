"""The Official Account channel (bot/rasa/wechat.py, /webhooks/wechat/webhook) under the whole system, driven by the
WeChat simulator (bench/wechat_simulator.py) as WeChat's servers would drive it; the API it sends through is
FakeWeChatApi on a loopback port.

Three systems start side by side: `verified` (safe mode, a verified account, the 4-second window), `slow` (plain mode,
verified, a 1-millisecond window so every answer misses it and goes through the API, a 300-byte text limit) and
`unverified` (plain mode, a 1-second window; one answer is made late by pausing the action server: kept for the next
message).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bench.system import Supervised
from tests.e2e.servers import MODEL
from tests.wechat.simulator import Delivery, FakeWeChatApi, OfficialAccountSimulator, aes_key, wait_until
from tests.wechat.systems import (
    APP_ID,
    APP_SECRET,
    CHOICES,
    KNOWLEDGE,
    LAST6,
    MISSED_WINDOW,
    OA_TOKEN,
    OWN_ANSWER,
    inbound_rows,
    kept_rows,
    recorded_kinds,
    squeezed,
    start_all,
    system,
    user_texts,
)

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")]
LIMIT_BYTES = 300
EARLIER = "（这是您上一条消息的回复）"
WEBHOOK = "/webhooks/wechat/webhook"
UNVERIFIED_WINDOW = 1.0  # the unverified account's answers are quick enough; one is made late by pausing the actions


@dataclass
class Account:
    system: Supervised
    api: FakeWeChatApi
    wechat: OfficialAccountSimulator


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Account]]:
    work = tmp_path_factory.mktemp("wechat")
    key = aes_key("official-account")
    shapes = {"verified": ({"WECHAT_ACCOUNT_VERIFIED": "true", "WECHAT_AES_KEY": key}, key),
              "slow": ({"WECHAT_ACCOUNT_VERIFIED": "true", "WECHAT_PASSIVE_SECONDS": MISSED_WINDOW,
                        "WECHAT_TEXT_LIMIT_BYTES": str(LIMIT_BYTES)}, None),
              "unverified": ({"WECHAT_ACCOUNT_VERIFIED": "false", "WECHAT_PASSIVE_SECONDS": str(UNVERIFIED_WINDOW)},
                             None)}
    made: dict[str, Account] = {}
    for name, (settings, account_key) in shapes.items():
        api = FakeWeChatApi(app_id=APP_ID, app_secret=APP_SECRET)
        api.start()
        running = system(work, name, {"WECHAT_TOKEN": OA_TOKEN, "WECHAT_APP_ID": APP_ID,
                                      "WECHAT_APP_SECRET": APP_SECRET, "WECHAT_API_BASE_URL": api.url, **settings})
        made[name] = Account(running, api, OfficialAccountSimulator(running.rasa_url + WEBHOOK, OA_TOKEN, APP_ID,
                                                                    account_key))
    try:
        start_all([account.system for account in made.values()])
        yield made
    finally:
        for account in made.values():
            account.system.stop()
            account.api.stop()


def answered(delivery: Delivery) -> str:
    assert delivery.passive, delivery
    return delivery.text


@pytest.mark.parametrize("name", ["verified", "slow"])
def test_the_url_check_echoes_echostr(accounts: dict[str, Account], name: str) -> None:
    check = accounts[name].wechat.verify(echostr="8137294650217")
    assert check.status_code == 200 and check.text == "8137294650217"


def test_a_bad_signature_is_refused(accounts: dict[str, Account]) -> None:
    account = accounts["verified"]
    check = account.wechat.verify(token="not-our-token", echostr="5550001")
    assert check.status_code in (401, 403) and "5550001" not in check.text
    forged = account.wechat.send_text("o-forger", KNOWLEDGE, msg_id=9000000001, token="not-our-token")
    assert forged.status_code in (401, 403) and "30日" not in forged.body
    assert inbound_rows(account.system, "msg:9000000001") == []  # never claimed, so never run
    plain = accounts["slow"].wechat.send_text("o-forger", KNOWLEDGE, msg_id=9000000002, token="not-our-token")
    assert plain.status_code in (401, 403) and accounts["slow"].api.delivered("o-forger") == []


def test_a_knowledge_answer_makes_the_aes_round_trip(accounts: dict[str, Account]) -> None:
    delivery = accounts["verified"].wechat.send_text("o-knowledge", KNOWLEDGE)
    answer = answered(delivery)
    assert "30日" in answer and answer.splitlines()[-1].startswith("依据：")
    assert "<Encrypt>" in delivery.body and "30日" not in delivery.body  # it came back encrypted, and we decrypted it
    assert delivery.attempts == 1 and delivery.fields["MsgType"] == "text"
    # 兼容模式 (both the plain fields and <Encrypt>) is answered encrypted too.
    compat = accounts["verified"].wechat.send_text("o-knowledge", KNOWLEDGE, mode="compat")
    assert "30日" in answered(compat) and "<Encrypt>" in compat.body
    # Counted in /staff/insights like a chat page's turns, under the conversation's pseudonym.
    assert recorded_kinds(accounts["verified"].system, "wechat:o-knowledge") == [("answer", "renewal")] * 2


def test_identification_then_the_person_s_own_answer(accounts: dict[str, Account]) -> None:
    wechat = accounts["verified"].wechat
    assert "已确认身份" in answered(wechat.send_text("o-wang", f"王建国 {LAST6}"))
    assert OWN_ANSWER in answered(wechat.send_text("o-wang", "我的注册什么时候到期"))
    # Another OpenID is another conversation: not identified.
    assert OWN_ANSWER not in wechat.send_text("o-stranger", "我的注册什么时候到期").text


def test_subscribing_gets_the_welcome(accounts: dict[str, Account]) -> None:
    assert "欢迎使用黔建问答助手" in answered(accounts["verified"].wechat.subscribe("o-new"))


def test_a_duplicate_msg_id_is_answered_once(accounts: dict[str, Account]) -> None:
    account = accounts["verified"]
    question = "换单位了要做什么"
    first = account.wechat.send_text("o-twice", question, msg_id=7100000001)
    again = account.wechat.send_text("o-twice", question, msg_id=7100000001)
    assert first.passive and again.text in ("", "success", first.text)
    # Two copies at the same moment, as two replicas would get WeChat's retry: one claim, one run.
    copies: list[Delivery] = []
    threads = [threading.Thread(target=lambda: copies.append(account.wechat.send_text("o-twice", question,
                                                                                      msg_id=7100000002)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(copy.passive for copy in copies) >= 1
    assert len(inbound_rows(account.system, "msg:7100000001")) == 1
    assert len(inbound_rows(account.system, "msg:7100000002")) == 1
    # Two messages, two turns in Rasa's tracker: the copies were not run.
    assert user_texts(account.system, "wechat:o-twice") == [question, question]


def test_numbered_choices_and_a_reply_of_one(accounts: dict[str, Account]) -> None:
    wechat = accounts["verified"].wechat
    asked = answered(wechat.send_text("o-choice", CHOICES))
    assert "您是想问" in asked and "回复1：电子注册证书" in asked and "回复2：" in asked
    chosen = answered(wechat.send_text("o-choice", "1"))
    assert "电子" in chosen and chosen.splitlines()[-1].startswith("依据："), chosen


def test_a_slow_answer_is_delivered_through_the_api(accounts: dict[str, Account]) -> None:
    account = accounts["slow"]
    delivery = account.wechat.send_text("o-slow", KNOWLEDGE)
    assert delivery.status_code == 200 and delivery.text in ("", "success") and delivery.attempts == 1
    parts = account.api.wait_for("o-slow", 1, timeout=10)
    assert parts and wait_until(lambda: "依据：" in account.api.delivered("o-slow")[-1], 10)
    assert "30日" in "".join(account.api.delivered("o-slow"))
    assert account.api.token_fetches["oa"] == 1  # fetched once, then taken from the database


def test_a_message_over_the_limit_is_split_at_sentence_ends(accounts: dict[str, Account]) -> None:
    whole = answered(accounts["verified"].wechat.send_text("o-long", KNOWLEDGE))
    assert len(whole.encode("utf-8")) > LIMIT_BYTES
    account = accounts["slow"]
    account.wechat.send_text("o-long", KNOWLEDGE)
    assert wait_until(lambda: "依据：" in "".join(account.api.delivered("o-long")), 10)
    parts = account.api.delivered("o-long")
    assert len(parts) >= 2 and all(len(part.encode("utf-8")) <= LIMIT_BYTES for part in parts), parts
    assert squeezed("".join(parts)) == squeezed(whole)
    assert all(part.rstrip()[-1] in "。！？" for part in parts[:-1]), parts  # each cut after a sentence end


def test_an_expired_token_is_fetched_again(accounts: dict[str, Account]) -> None:
    account = accounts["slow"]
    before = account.api.token_fetches["oa"]
    account.api.fail_next(40001)
    account.wechat.send_text("o-expired", "继续教育学时不够怎么办")
    assert wait_until(lambda: bool(account.api.delivered("o-expired")), 10), account.api.refused
    assert account.api.refused and account.api.token_fetches["oa"] == before + 1


def test_an_unverified_account_gives_the_kept_answer_with_the_next_reply(accounts: dict[str, Account]) -> None:
    account = accounts["unverified"]
    actions = account.system.child("actions")
    actions.suspend()  # the answer waits for the action server: it misses the window
    try:
        first = account.wechat.send_text("o-kept", KNOWLEDGE)
    finally:
        actions.resume()
    assert first.status_code == 200 and first.text in ("", "success") and first.seconds >= UNVERIFIED_WINDOW
    assert wait_until(lambda: kept_rows(account.system, "o-kept") > 0, 10)  # the answer, kept for later
    later = account.wechat.send_text("o-kept", "继续教育学时不够怎么办")
    assert later.passive and EARLIER in later.text and "30日" in later.text, later
    assert later.text.index(EARLIER) < later.text.index("30日") < later.text.index("继续教育")
    assert kept_rows(account.system, "o-kept") == 0
    assert account.api.deliveries == [] and account.api.token_fetches["oa"] == 0  # the API is never used
