"""What the tracker store writes holds no credential in clear, and a conversation read back still works."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from actions.drafts import sealed_phone, unsealed_phone
from bot.rasa.tracker_store import RegistryTrackerStore, stored_event
from bot.security.keys import sealing
from rules_engine.identity import make_id_number

ID_NUMBER = make_id_number("520102", dt.date(1980, 1, 1), "123")
LAST6 = "12345X"
ACCESS_CODE = "AB3DE7GH"
PHONE = "13812345678"
HOST_TOKEN = "eyJwZXJzb25faWQiOiJQMDAwMDAxIiwiZXhwIjoxNzk5OTk5OTk5fQ.bG9uZy1zaWduYXR1cmUtaGVyZQ"
NUMERIC_CREDIT_CODE = "915201007095123455"  # an older credit code: eighteen digits, the shape of an ID number
SLOTS = ("person_id", "candidate_name", "candidate_last6", "employer_code", "contact_phone")
DOMAIN = Domain.from_dict({"slots": {name: {"type": "text", "influence_conversation": False,
                                            "mappings": [{"type": "custom"}]} for name in SLOTS},
                           "intents": ["identify", "employer_login", "inform"]})
SECRETS = (LAST6, ACCESS_CODE, ACCESS_CODE.lower(), PHONE, HOST_TOKEN, ID_NUMBER, "138 1234 5678")


def run(coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run(coroutine)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'conversations.db'}"


def said(words: str, intent: str, entities: list[dict[str, str]] | None = None) -> UserUttered:
    return UserUttered(words, {"name": intent, "confidence": 1.0}, entities or [],
                       metadata={"token": HOST_TOKEN, "page": "/registry"})


def conversation(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in (
        SlotSet("session_started_metadata", {"token": HOST_TOKEN, "page": "/registry"}),  # as rasa.core.processor
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        said(f"我叫王建国，身份证号后六位是{LAST6.lower()}", "identify",
             [{"entity": "id_last6", "value": LAST6.lower(), "start": 13, "end": 19}]),
        SlotSet("candidate_name", "王建国"),
        SlotSet("candidate_last6", sealing().encrypt(LAST6.encode("ascii")).decode("ascii")),
        BotUttered("好的，请再确认一次。"),
        ActionExecuted("action_listen"),
        said(f"我的身份证{ID_NUMBER}", "identify"),
        SlotSet("person_id", "P000001"),
        ActionExecuted("action_listen"),
        said(f"{NUMERIC_CREDIT_CODE} 访问码 {ACCESS_CODE.lower()}", "employer_login",
             [{"entity": "credit_code", "value": NUMERIC_CREDIT_CODE}]),
        SlotSet("employer_code", NUMERIC_CREDIT_CODE),
        ActionExecuted("action_listen"),
        said("电话 138 1234 5678", "inform"),
        SlotSet("contact_phone", "电话 138 1234 5678"),  # what the form's from_text mapping extracts
        SlotSet("contact_phone", sealed_phone(PHONE)),  # what validate_contact_phone keeps
        BotUttered(f"联系电话：{PHONE}\n确认保存吗？", {"buttons": [{"title": "确认", "payload": "/affirm"}]}),
    ):
        tracker.update(event)
    return tracker


def stored_rows(store: RegistryTrackerStore, sender: str) -> list[str]:
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT type_name, intent_name, action_name, data FROM events "
                                       "WHERE sender_id = :s ORDER BY id"), {"s": sender}).all()
    # The data column as written, and read as JSON (the Chinese in it is written \u-escaped).
    return [" ".join(str(value) for value in row) + " " + json.dumps(json.loads(row[3]), ensure_ascii=False)
            for row in rows]


def test_nothing_typed_to_prove_who_one_is_is_stored_in_clear(url: str) -> None:
    store = RegistryTrackerStore(domain=DOMAIN, host=url)
    run(store.save(conversation("r1")))
    everything = "\n".join(stored_rows(store, "r1"))
    for secret in SECRETS:
        assert secret not in everything, secret
    assert "token" not in everything
    assert "后六位是******" in everything
    assert "5201**********1235" in everything
    assert "访问码 ********" in everything
    assert "138****5678" in everything
    assert '"page": "/registry"' in everything  # the rest of the metadata is kept


def test_a_conversation_read_back_after_a_restart_goes_on(url: str) -> None:
    run(RegistryTrackerStore(domain=DOMAIN, host=url).save(conversation("r2")))
    restarted = RegistryTrackerStore(domain=DOMAIN, host=url)  # nothing kept in memory
    tracker = run(restarted.retrieve("r2"))
    assert tracker is not None
    assert sealing().decrypt(str(tracker.get_slot("candidate_last6")).encode("ascii")) == LAST6.encode("ascii")
    assert unsealed_phone(tracker.get_slot("contact_phone")) == PHONE
    assert tracker.get_slot("person_id") == "P000001"
    assert tracker.get_slot("employer_code") == NUMERIC_CREDIT_CODE
    assert tracker.get_slot("candidate_name") == "王建国"
    assert tracker.latest_message is not None and tracker.latest_message.text == "电话 138****5678"
    assert "token" not in tracker.latest_message.metadata
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(said("确认", "inform"))
    run(restarted.save(tracker))
    again = run(RegistryTrackerStore(domain=DOMAIN, host=url).retrieve("r2"))
    assert [e.as_dict() for e in again.events][:-2] == [e.as_dict() for e in tracker.events][:-2]
    assert len(again.events) == len(tracker.events)


def test_the_tracker_in_memory_is_not_changed_by_saving(url: str) -> None:
    tracker = conversation("r3")
    before = [e.as_dict() for e in tracker.events]
    run(RegistryTrackerStore(domain=DOMAIN, host=url).save(tracker))
    assert [e.as_dict() for e in tracker.events] == before
    assert tracker.latest_message.metadata["token"] == HOST_TOKEN


def test_an_event_without_digits_is_stored_as_it_is() -> None:
    for event in (ActionExecuted("action_listen"), BotUttered("您好！我是黔建问答助手。"),
                  UserUttered("我的证什么时候到期", {"name": "my_expiry", "confidence": 0.9})):
        data = event.as_dict()
        assert json.dumps(stored_event(data)) == json.dumps(data)


def test_the_token_is_dropped_from_the_parse_data_and_the_session_metadata_too() -> None:
    data = said("你好", "identify").as_dict()
    stored = stored_event(data)
    assert "token" not in stored["metadata"] and "token" not in stored["parse_data"]["metadata"]
    assert data["metadata"]["token"] == HOST_TOKEN  # a copy was changed, not the event
    slot = SlotSet("session_started_metadata", {"token": HOST_TOKEN, "page": "/"}).as_dict()
    assert stored_event(slot)["value"] == {"page": "/"}
