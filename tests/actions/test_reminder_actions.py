"""Reminders in the chat: shown once right after identification, and 不用提醒我 before or after identifying."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionPersonalAnswer
from actions.personal import ActionIdentify
from actions.reminders import ActionReminderOptOut
from bot.config import ReminderSettings
from bot.replies.reminders import ReminderWording
from bot.services.identity import sign_token
from bot.services.reminder_senders import ChatNoticeSender
from bot.services.reminders import run_reminders
from bot.store.unit_of_work import Database
from rules_engine.identity import make_id_number
from tests.actions.conftest import TODAY, slots_set, texts, tracker

LAST6 = make_id_number("520102", dt.date(1980, 1, 1), "123")[-6:]


def run(action: Any, track: Any) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher, events


def remind(database: Database) -> None:
    today = dt.date.fromisoformat(TODAY)
    run_reminders(database, today, [ChatNoticeSender(today)], ReminderWording(), ReminderSettings())


def statuses(database: Database, person_id: str) -> set[str]:
    with database.unit_of_work() as uow:
        return {m["status"] for m in uow.reminders.messages(subject_key=person_id)}


def test_identification_shows_the_waiting_reminders_once_and_marks_them_sent(registry: Database) -> None:
    remind(registry)
    assert statuses(registry, "P000001") == {"pending"}
    dispatcher, events = run(ActionIdentify(), tracker(f"王建国 {LAST6}", "identify"))
    replies = texts(dispatcher)
    assert replies[0] == "已确认身份：王建国，身份证号 5201**********1235。"
    notice = replies[1]
    assert notice.startswith("您有2条提醒：") and "2026年1月29日" in notice and "还差77.5学时" in notice
    assert notice.splitlines()[-1] == "依据：黔建建通〔2023〕55号 第五条（一）2"
    assert "520102" not in notice
    assert slots_set(events)["person_id"] == "P000001"
    assert statuses(registry, "P000001") == {"sent"}
    again, _ = run(ActionIdentify(), tracker(f"王建国 {LAST6}", "identify", sender="conv-2"))
    assert texts(again) == ["已确认身份：王建国，身份证号 5201**********1235。"]


def test_a_pending_question_is_still_answered_after_the_notice(registry: Database) -> None:
    remind(registry)
    dispatcher, _ = run(ActionIdentify(), tracker(f"王建国 {LAST6}", "identify", slots={"pending_intent": "my_hours"}))
    replies = texts(dispatcher)
    assert len(replies) == 3 and "提醒" in replies[1] and "必修差30" in replies[2]


def test_opting_out_when_identified(registry: Database) -> None:
    remind(registry)
    dispatcher, events = run(ActionReminderOptOut(), tracker("不用提醒我", "reminder_opt_out",
                                                             slots={"person_id": "P000001"}))
    assert texts(dispatcher) == ["好的，以后不再给您发送注册到期和学时提醒。您随时可以问我“我的注册什么时候到期”查看自己的日期。"]
    assert events == [] and statuses(registry, "P000001") == {"skipped"}
    dispatcher, _ = run(ActionReminderOptOut(), tracker("不用提醒我", "reminder_opt_out", slots={"person_id": "P000001"}))
    assert "之前已选择不接收" in texts(dispatcher)[0]


def test_opting_out_before_identifying_asks_first_then_does_it(registry: Database) -> None:
    remind(registry)
    dispatcher, events = run(ActionReminderOptOut(), tracker("别再提醒我了", "reminder_opt_out"))
    [reply] = texts(dispatcher)
    assert "姓名和身份证号后六位" in reply and "依据" not in reply
    assert slots_set(events) == {"pending_intent": "reminder_opt_out"}
    dispatcher, events = run(ActionIdentify(), tracker(f"王建国 {LAST6}", "identify",
                                                       slots={"pending_intent": "reminder_opt_out"}))
    replies = texts(dispatcher)
    assert replies[0].startswith("已确认身份") and replies[1].startswith("好的，以后不再") and len(replies) == 2
    assert slots_set(events)["pending_intent"] is None and statuses(registry, "P000001") == {"skipped"}


def test_a_host_page_s_token_shows_the_waiting_reminders_after_the_answer(registry: Database,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_TOKEN_SECRET", "s3cret")
    remind(registry)
    token = sign_token("P000001", dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5), b"s3cret")
    dispatcher, _ = run(ActionPersonalAnswer(), tracker("我的学时够吗", "my_hours", metadata={"token": token}))
    replies = texts(dispatcher)
    assert "还差" in replies[0] and replies[1].startswith("您有2条提醒：")
    assert statuses(registry, "P000001") == {"sent"}
    # The token's next turn: the identity is already the conversation's, nothing is shown again.
    later, _ = run(ActionPersonalAnswer(), tracker("我的学时够吗", "my_hours", metadata={"token": token},
                                                   slots={"person_id": "P000001"}))
    assert not any("提醒" in text for text in texts(later))
