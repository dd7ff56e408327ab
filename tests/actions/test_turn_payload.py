"""Each decided turn ends with one `turn` message for the web server: its kind, intent, confidence, topic, city."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerFaq, ActionClarify, ActionDecline, ActionGoodbye, ActionHandoff
from bot.store.unit_of_work import Database
from tests.actions.conftest import texts, tracker
from tests.actions.test_knowledge_actions import run


def turns(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [m["custom"]["turn"] for m in dispatcher.messages if "turn" in (m.get("custom") or {})]


def test_an_answer_names_its_topic_and_comes_last(registry: Database) -> None:
    dispatcher, _ = run(ActionAnswerFaq(), tracker("延续注册什么时候申请", "faq", response_key="faq/renewal"))
    assert texts(dispatcher) and "turn" in dispatcher.messages[-1]["custom"]
    [turn] = turns(dispatcher)
    assert turn == {"kind": "answer", "intent": "faq", "confidence": 0.9, "topic": "renewal", "city": None}


def test_the_identified_registrant_s_city_comes_from_their_employer(registry: Database) -> None:
    dispatcher, _ = run(ActionAnswerFaq(), tracker("延续注册什么时候申请", "faq", response_key="faq/renewal",
                                                   slots={"person_id": "P000001"}))
    [turn] = turns(dispatcher)
    assert turn["city"] == "贵阳市"


def test_fallback_decline_goodbye_and_handover(registry: Database) -> None:
    unsure = tracker("注销", "nlu_fallback", response_key="faq/cancellation",
                     ranking=[{"name": "nlu_fallback", "confidence": 0.4}, {"name": "faq", "confidence": 0.35}])
    assert turns(run(ActionClarify(), unsure)[0])[0]["kind"] == "fallback"
    assert turns(run(ActionDecline(), tracker("二建报名要几年社保", "out_of_scope"))[0])[0]["kind"] == "decline"
    bye = turns(run(ActionGoodbye(), tracker("好的再见", "goodbye"))[0])[0]
    assert bye["kind"] == "other" and bye["intent"] == "goodbye"
    handover = turns(run(ActionHandoff(), tracker("转人工", "human_handoff"))[0])[0]
    assert handover["kind"] == "handover"
