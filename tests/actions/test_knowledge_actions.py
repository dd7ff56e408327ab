"""Knowledge answers, clarification and hand-over, run with saved trackers."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerFaq, ActionClarify, ActionHandoff
from bot.store.unit_of_work import Database
from rules_engine import parameters
from tests.actions.conftest import texts, tracker


def run(action, track):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher, events


def test_faq_answer_ends_with_its_basis_line(registry: Database) -> None:
    dispatcher, _ = run(ActionAnswerFaq(), tracker("二建延续什么时候申请", "faq", response_key="faq/renewal"))
    answer = texts(dispatcher)[0]
    assert "届满30日前" in answer
    assert answer.splitlines()[-1] == "依据：黔建建通〔2023〕55号 第五条（一）2"


def test_paper_certificate_is_told_in_the_tense_of_today(registry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    dispatcher, _ = run(ActionAnswerFaq(), tracker("纸质证书还能用吗", "faq", response_key="faq/paper_certificate"))
    assert "已于2024年1月1日起作废" in texts(dispatcher)[0]
    monkeypatch.setenv("ASSISTANT_TODAY", "2023-10-01")
    dispatcher, _ = run(ActionAnswerFaq(), tracker("纸质证书还能用吗", "faq", response_key="faq/paper_certificate"))
    assert "自2024年1月1日起纸质证书作废" in texts(dispatcher)[0] and "已于" not in texts(dispatcher)[0]


def test_numbers_in_the_question_are_answered_for(registry: Database) -> None:
    dispatcher, _ = run(ActionAnswerFaq(), tracker("注册了三个专业要多少学时", "faq", response_key="faq/ce_hours"))
    assert "注册3个专业的，合计240学时（必修120、选修120）" in texts(dispatcher)[0]
    dispatcher, _ = run(ActionAnswerFaq(), tracker("建筑和市政要多少学时", "faq", response_key="faq/ce_hours",
                                                   entities=[{"entity": "specialty", "value": "建筑工程"},
                                                             {"entity": "specialty", "value": "市政公用工程"}]))
    assert "合计180学时" in texts(dispatcher)[0]


def test_a_changed_parameter_changes_the_answer(registry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    changed = dict(parameters._all())
    lead = changed["renewal_lead_days"]
    changed["renewal_lead_days"] = parameters.Parameter(lead.name, 45, lead.citation)
    monkeypatch.setattr(parameters, "_all", lambda: changed)
    dispatcher, _ = run(ActionAnswerFaq(), tracker("延续要提前多久", "faq", response_key="faq/renewal"))
    assert "届满45日前" in texts(dispatcher)[0]


def test_a_button_topic_wins_over_the_selector(registry: Database) -> None:
    dispatcher, _ = run(ActionAnswerFaq(), tracker("/faq", "faq", entities=[{"entity": "faq_topic", "value": "portal"}],
                                                   response_key="faq/renewal"))
    assert "zwfw.guizhou.gov.cn" in texts(dispatcher)[0]


def test_unsure_asks_with_buttons(registry: Database) -> None:
    track = tracker("注销", "nlu_fallback", response_key="faq/cancellation",
                    ranking=[{"name": "nlu_fallback", "confidence": 0.4}, {"name": "faq", "confidence": 0.35},
                             {"name": "start_cancellation_draft", "confidence": 0.3}])
    dispatcher, _ = run(ActionClarify(), track)
    message = dispatcher.messages[0]
    assert message["text"] == "您是想问："
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads[0].startswith("/faq") and json.loads(payloads[0][4:]) == {"faq_topic": "cancellation"}
    assert "/start_cancellation_draft" in payloads


def test_handoff_records_a_ticket_with_the_transcript(registry: Database) -> None:
    events = [{"event": "user", "text": "我的身份证520102198001011235查不到", "timestamp": 1},
              {"event": "bot", "text": "抱歉", "timestamp": 2}]
    dispatcher, _ = run(ActionHandoff(), tracker("转人工", "human_handoff", events=events))
    reply = texts(dispatcher)[0]
    assert "工单号 RG-000001" in reply and "工作日" in reply
    with registry.unit_of_work() as uow:
        [ticket] = uow.tickets.listed(include_closed=True)
    transcript = json.loads(ticket["transcript"])
    assert ticket["conversation_id"] == "conv-1" and len(transcript) == 2
    assert "520102198001011235" not in ticket["transcript"] and "5201**********1235" in ticket["transcript"]
    assert isinstance(ticket["created_at"], dt.datetime)


def test_a_follow_up_taken_for_a_goodbye_is_answered_and_a_goodbye_is_not(registry: Database) -> None:
    from actions.knowledge import ActionGoodbye

    follow_up = tracker("那三个专业呢", "goodbye", slots={"answered_topic": "ce_hours"})
    dispatcher, _ = run(ActionGoodbye(), follow_up)
    assert "合计240学时" in texts(dispatcher)[0]
    dispatcher, _ = run(ActionGoodbye(), tracker("好的再见", "goodbye", slots={"answered_topic": "ce_hours"}))
    assert dispatcher.messages[0]["response"] == "utter_goodbye"


def test_an_out_of_scope_question_is_declined_with_buttons_and_no_basis(registry: Database) -> None:
    from actions.knowledge import ActionDecline

    dispatcher, _ = run(ActionDecline(), tracker("二建报名要几年社保", "out_of_scope"))
    message = dispatcher.messages[0]
    assert "考试、报名和成绩" in message["text"] and "依据" not in message["text"]
    assert message["buttons"][-1]["payload"] == "/human_handoff"
