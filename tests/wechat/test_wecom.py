"""The 企业微信 self-built application channel (bot/rasa/wecom.py, /webhooks/wecom/webhook) under the whole system,
driven by the simulator as 企业微信 would drive it: callbacks always encrypted (msg_signature), replies encrypted,
late answers sent through message/send of FakeWeChatApi.

Two systems start side by side: `quick` (the 4-second window) and `slow` (a 1-millisecond window, so every answer goes
through the API, and a 300-byte text limit)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bench.system import Supervised
from tests.e2e.servers import MODEL
from tests.wechat.simulator import FakeWeChatApi, WeComSimulator, aes_key, wait_until
from tests.wechat.systems import (
    AGENT_ID,
    CHOICES,
    CORP_ID,
    CORP_SECRET,
    KNOWLEDGE,
    LAST6,
    MISSED_WINDOW,
    OWN_ANSWER,
    WECOM_TOKEN,
    inbound_rows,
    squeezed,
    start_all,
    system,
)

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")]
LIMIT_BYTES = 300
WEBHOOK = "/webhooks/wecom/webhook"


@dataclass
class App:
    system: Supervised
    api: FakeWeChatApi
    wecom: WeComSimulator


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, App]]:
    work = tmp_path_factory.mktemp("wecom")
    key = aes_key("wecom-app")
    shapes = {"quick": {}, "slow": {"WECHAT_PASSIVE_SECONDS": MISSED_WINDOW, "WECHAT_TEXT_LIMIT_BYTES": str(LIMIT_BYTES)}}
    made: dict[str, App] = {}
    for name, settings in shapes.items():
        api = FakeWeChatApi(corp_id=CORP_ID, corp_secret=CORP_SECRET)
        api.start()
        running = system(work, name, {"WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID": AGENT_ID,
                                      "WECOM_SECRET": CORP_SECRET, "WECOM_TOKEN": WECOM_TOKEN,
                                      "WECOM_AES_KEY": key, "WECOM_API_BASE_URL": api.url, **settings})
        made[name] = App(running, api, WeComSimulator(running.rasa_url + WEBHOOK, WECOM_TOKEN, CORP_ID, key, AGENT_ID))
    try:
        start_all([app.system for app in made.values()])
        yield made
    finally:
        for app in made.values():
            app.system.stop()
            app.api.stop()


def test_the_url_check_answers_the_decrypted_echostr(apps: dict[str, App]) -> None:
    check, echo = apps["quick"].wecom.verify()
    assert check.status_code == 200 and check.text == echo


def test_a_bad_signature_is_refused(apps: dict[str, App]) -> None:
    app = apps["quick"]
    check, echo = app.wecom.verify(token="not-our-token")
    assert check.status_code in (401, 403) and echo not in check.text
    forged = app.wecom.send_text("forger", KNOWLEDGE, msg_id=9100000001, token="not-our-token")
    assert forged.status_code in (401, 403) and "30日" not in forged.body
    assert inbound_rows(app.system, "msg:9100000001") == []


def test_a_knowledge_answer_makes_the_aes_round_trip(apps: dict[str, App]) -> None:
    delivery = apps["quick"].wecom.send_text("zhangsan", KNOWLEDGE)
    assert delivery.passive, delivery
    assert "30日" in delivery.text and delivery.text.splitlines()[-1].startswith("依据：")
    assert "<Encrypt>" in delivery.body and "30日" not in delivery.body and delivery.attempts == 1


def test_identification_then_the_person_s_own_answer(apps: dict[str, App]) -> None:
    wecom = apps["quick"].wecom
    assert "已确认身份" in wecom.send_text("wangjianguo", f"王建国 {LAST6}").text
    assert OWN_ANSWER in wecom.send_text("wangjianguo", "我的注册什么时候到期").text


def test_numbered_choices_and_a_reply_of_one(apps: dict[str, App]) -> None:
    wecom = apps["quick"].wecom
    asked = wecom.send_text("chooser", CHOICES).text
    assert "您是想问" in asked and "回复1：电子注册证书" in asked
    assert "电子" in wecom.send_text("chooser", "1").text


def test_a_duplicate_msg_id_is_answered_once(apps: dict[str, App]) -> None:
    wecom = apps["quick"].wecom
    first = wecom.send_text("twice", KNOWLEDGE, msg_id=7200000001)
    again = wecom.send_text("twice", KNOWLEDGE, msg_id=7200000001)
    assert first.passive and again.text in ("", "success", first.text)
    assert len(inbound_rows(apps["quick"].system, "msg:7200000001")) == 1


def test_a_slow_long_answer_is_sent_through_message_send_in_parts(apps: dict[str, App]) -> None:
    whole = apps["quick"].wecom.send_text("long", KNOWLEDGE).text
    app = apps["slow"]
    delivery = app.wecom.send_text("long", KNOWLEDGE)
    assert delivery.status_code == 200 and delivery.text in ("", "success")
    assert wait_until(lambda: "依据：" in "".join(app.api.delivered("long")), 10), app.system.tail()
    parts = app.api.delivered("long")
    assert len(parts) >= 2 and all(len(part.encode("utf-8")) <= LIMIT_BYTES for part in parts), parts
    assert squeezed("".join(parts)) == squeezed(whole)
    assert all(d["agentid"] in (int(AGENT_ID), AGENT_ID) for d in app.api.deliveries)
    assert app.api.token_fetches["wecom"] == 1
