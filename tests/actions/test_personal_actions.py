"""Identification, personal answers, lock-out, tokens, employers and drafts, with saved trackers."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.personal
import actions.services
from actions.drafts import ActionDraftSave, ActionDraftSummary, ActionMyDrafts, ActionStartDraft, ActionWithdrawDraft
from actions.knowledge import ActionClarify, ActionPersonalAnswer
from actions.personal import (
    ActionEmployerList,
    ActionEmployerLogin,
    ActionExplain,
    ActionIdentify,
    ActionSwitchPerson,
)
from bot.services.carried_values import seal
from bot.services.identity import issue_access_code, sign_token
from bot.store.unit_of_work import Database
from rules_engine.identity import make_id_number
from tests.actions.conftest import slots_set, texts, tracker
from tests.bot.records import person

LAST6 = make_id_number("520102", dt.date(1980, 1, 1), "123")[-6:]


def run(action, track):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher, events


def test_personal_question_gets_the_general_answer_and_an_offer_then_their_own(registry: Database) -> None:
    dispatcher, events = run(ActionPersonalAnswer(), tracker("我的证什么时候到期", "my_expiry"))
    general = texts(dispatcher)[0]
    assert "届满30日前" in general and "姓名和身份证号后六位" in general
    assert general.splitlines()[-1] == "依据：黔建建通〔2023〕55号 第五条（一）2"
    assert slots_set(events)["pending_intent"] == "my_expiry"
    dispatcher, events = run(ActionIdentify(), tracker(f"王建国 {LAST6}", "identify", slots={"pending_intent": "my_expiry"}))
    replies = texts(dispatcher)
    assert replies[0] == "已确认身份：王建国，身份证号 5201**********1235。"
    assert "2026年2月28日" in replies[1] and "2026年1月29日" in replies[1]
    assert replies[1].endswith("依据：黔建建通〔2023〕55号 第五条（一）2")
    assert slots_set(events)["person_id"] == "P000001"


def test_name_and_digits_one_after_the_other(registry: Database) -> None:
    dispatcher, events = run(ActionIdentify(), tracker("王建国", "identify"))
    assert "身份证号后六位" in texts(dispatcher)[0] and slots_set(events) == {"candidate_name": "王建国"}
    dispatcher, events = run(ActionIdentify(), tracker(LAST6, "identify", slots={"candidate_name": "王建国"}))
    assert slots_set(events)["person_id"] == "P000001"


def test_a_wrong_pair_never_tells_whether_the_name_exists(registry: Database) -> None:
    wrong_digits, _ = run(ActionIdentify(), tracker("王建国 000000", "identify", sender="a"))
    unknown_name, _ = run(ActionIdentify(), tracker(f"赵无此人 {LAST6}", "identify", sender="b"))
    assert texts(wrong_digits) == texts(unknown_name)
    assert "王建国" not in texts(wrong_digits)[0]


def test_five_failures_lock_the_conversation_and_pause_the_name_everywhere(registry: Database,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    for _attempt in range(5):
        dispatcher, _ = run(ActionIdentify(), tracker("王建国 000000", "identify", sender="locked"))
    assert "锁定" in texts(dispatcher)[0]
    dispatcher, events = run(ActionIdentify(), tracker(f"王建国 {LAST6}", "identify", sender="locked"))
    assert "锁定" in texts(dispatcher)[0] and "person_id" not in slots_set(events)
    # A fresh conversation does not start the count again: the name itself is paused, even for the right pair.
    dispatcher, events = run(ActionIdentify(), tracker(f"王建国 {LAST6}", "identify", sender="another"))
    assert "锁定" in texts(dispatcher)[0] and "person_id" not in slots_set(events)
    # Another name is not held up by it.
    other_last6 = person("P000002", name="李娜", birth="1961-09-01")["id_number"][-6:]
    _other, events = run(ActionIdentify(), tracker(f"李娜 {other_last6}", "identify", sender="another"))
    assert slots_set(events)["person_id"] == "P000002"
    later = actions.services.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(actions.personal, "now", lambda: later)
    _later, events = run(ActionIdentify(), tracker(f"王建国 {LAST6}", "identify", sender="third"))
    assert slots_set(events)["person_id"] == "P000001"
    with registry.unit_of_work() as uow:
        assert uow.attempts.count() == 9


def test_a_signed_token_identifies_and_a_forged_one_does_not(registry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_TOKEN_SECRET", "s3cret")
    good = sign_token("P000001", dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5), b"s3cret")
    dispatcher, events = run(ActionPersonalAnswer(), tracker("我的学时够吗", "my_hours", metadata={"token": good}))
    assert slots_set(events)["person_id"] == "P000001" and "还差" in texts(dispatcher)[0]
    forged = sign_token("P000001", dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5), b"other")
    expired = sign_token("P000001", dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5), b"s3cret")
    for token in (forged, expired, "garbage"):
        dispatcher, events = run(ActionPersonalAnswer(), tracker("我的学时够吗", "my_hours", metadata={"token": token}))
        assert "person_id" not in slots_set(events) and "姓名和身份证号后六位" in texts(dispatcher)[0]


def test_hours_and_age_answers_and_how_they_were_computed(registry: Database) -> None:
    dispatcher, events = run(ActionPersonalAnswer(), tracker("我还差多少学时", "my_hours", slots={"person_id": "P000001"}))
    answer = texts(dispatcher)[0]
    assert "必修差30" in answer and "选修差47.5" in answer and answer.endswith("第五条（二）")
    explain, _ = run(ActionExplain(), tracker("怎么算的", "explain_computation",
                                              slots={"person_id": "P000001", "last_topic": slots_set(events)["last_topic"]}))
    assert "2023年3月1日" in texts(explain)[0]
    dispatcher, _ = run(ActionPersonalAnswer(), tracker("我六十多了延续能给几年", "my_age_cap", slots={"person_id": "P000002"}))
    assert "2026年9月1日" in texts(dispatcher)[0] and "65周岁当日" in texts(dispatcher)[0]


def test_switch_person_forgets_identity(registry: Database) -> None:
    _, events = run(ActionSwitchPerson(), tracker("换个人查", "switch_person", slots={"person_id": "P000001"}))
    assert slots_set(events)["person_id"] is None


def test_employer_sees_only_its_own_registrants(registry: Database) -> None:
    with registry.unit_of_work() as uow:
        code = issue_access_code(uow, "91520100MA6H000001")
    assert code is not None
    dispatcher, _ = run(ActionEmployerList(), tracker("我们单位哪些人90天内到期", "employer_expiring"))
    assert "登录" in texts(dispatcher)[0]
    bad, events = run(ActionEmployerLogin(), tracker("91520100MA6H000001 授权码 AAAAAAAA", "employer_login"))
    assert "不正确" in texts(bad)[0] and not slots_set(events)
    _good, events = run(ActionEmployerLogin(), tracker(f"91520100MA6H000001 授权码 {code.lower()}", "employer_login"))
    assert slots_set(events)["employer_code"] == "91520100MA6H000001"
    listing, events = run(ActionEmployerList(), tracker("我们单位哪些人90天内到期", "employer_expiring",
                                                       slots={"employer_code": "91520100MA6H000001"}))
    text = texts(listing)[0]
    assert "王建国（5201**********1235）建筑工程 有效期至2026年2月28日，最晚2026年1月29日申请延续" in text
    assert "520102198001011235" not in text


def draft_slots(**extra: object) -> dict[str, object]:
    return {"person_id": "P000001", "draft_kind": "renewal", "draft_specialties": ["建筑工程"],
            "contact_phone": "13800000000", **extra}


def test_renewal_draft_lists_blockers_and_is_saved_once(registry: Database) -> None:
    _start, events = run(ActionStartDraft(), tracker("我要延续注册", "start_renewal_draft", slots={"person_id": "P000001"}))
    assert slots_set(events)["draft_specialties"] == ["建筑工程"]
    assert any(e.get("event") == "followup" and e.get("name") == "renewal_draft_form" for e in events)
    summary, _ = run(ActionDraftSummary(), tracker("13800000000", "inform", slots=draft_slots()))
    text = summary.messages[0]["text"]
    assert "5201**********1235" in text and "还差77.5学时" in text and "确认保存" in text
    saved, _ = run(ActionDraftSave(), tracker("确认", "affirm", slots=draft_slots()))
    assert "编号 YX-2025-000001" in texts(saved)[0] and "/drafts/YX-2025-000001?key=" in texts(saved)[0]
    again, _ = run(ActionDraftSave(), tracker("确认", "affirm", slots=draft_slots()))
    assert "原有的草稿" in texts(again)[0]
    with registry.unit_of_work() as uow:
        assert uow.drafts.count() == 1
    listing, _ = run(ActionMyDrafts(), tracker("我的草稿", "my_drafts", slots={"person_id": "P000001"}))
    assert "延续注册" in texts(listing)[0] and "草稿" in texts(listing)[0]
    withdrawn, _ = run(ActionWithdrawDraft(), tracker("撤回草稿", "withdraw_draft", slots={"person_id": "P000001"}))
    assert "已撤回" in texts(withdrawn)[0]


def test_cancellation_draft_without_documents_points_to_abnormal_status(registry: Database) -> None:
    slots = {"person_id": "P000001", "draft_kind": "cancellation", "draft_specialties": ["建筑工程"],
             "cancellation_reason": "已与聘用单位解除聘用合同关系", "employer_cooperates": False,
             "cancellation_documents": "无", "contact_phone": "0851-12345678"}
    summary, _ = run(ActionDraftSummary(), tracker("0851-12345678", "inform", slots=slots))
    assert "注册状态异常" in summary.messages[0]["text"]
    saved, _ = run(ActionDraftSave(), tracker("确认", "affirm", slots=slots))
    assert "ZX-" in texts(saved)[0]


def test_a_bare_name_after_the_last_six_completes_the_identification_whatever_the_classifier_said(
        registry: Database) -> None:
    waiting = tracker("王建国", "nlu_fallback", slots={"candidate_last6": seal(LAST6)},
                      ranking=[{"name": "nlu_fallback", "confidence": 0.4}, {"name": "identify", "confidence": 0.36}])
    dispatcher, events = run(ActionClarify(), waiting)
    assert any("已确认身份" in text for text in texts(dispatcher))
    assert slots_set(events)["person_id"] == "P000001"
    # Not waiting for a name, or more than a name: the turn is decided as usual.
    assert "person_id" not in slots_set(run(ActionClarify(), tracker("王建国", "nlu_fallback"))[1])
    asked = tracker("王建国的证什么时候到期", "nlu_fallback", slots={"candidate_last6": seal(LAST6)})
    assert "person_id" not in slots_set(run(ActionClarify(), asked)[1])
