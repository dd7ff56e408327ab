"""Reminders before deadlines (bot/services/reminders.py): thresholds, catch-up after missed days, short hours, at
most once per subject, kind and date, opt-outs, one digest per employer, and a dry run that stores nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import ReminderSettings, reminder_settings
from bot.replies.reminders import ReminderWording, chat_notice
from bot.services.reminder_senders import ChatNoticeSender, StubSender, configured_senders
from bot.services.reminders import (
    opt_out_registrant,
    plan_reminders,
    reminder_email,
    run_reminders,
    set_employer_reminders,
    take_chat_notices,
    threshold_for,
)
from bot.store.unit_of_work import Database
from tests.bot.records import EMPLOYER, OTHER_EMPLOYER, person, registry_with

SETTINGS = ReminderSettings()
NOW = dt.datetime(2025, 12, 1, 1, 0)
# person(): 建筑工程, 有效 until 2026-02-28, so the renewal's apply-by date is 2026-01-29; its hours are short.
VALID_UNTIL = dt.date(2026, 2, 28)
APPLY_BY = dt.date(2026, 1, 29)
HOURS_MET = [{"specialty": "建筑工程", "category": "必修", "hours": 60, "completed_on": "2024-05-01"},
             {"specialty": None, "category": "选修", "hours": 60, "completed_on": "2024-06-01"}]


def registration(valid_until: dt.date, specialty: str = "建筑工程", number: str = "黔252000001") -> dict[str, str]:
    return {"specialty": specialty, "registration_no": number, "kind": "初始注册", "valid_from": "2023-03-01",
            "valid_until": valid_until.isoformat(), "status": "有效"}


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Database]:
    database = registry_with(
        f"sqlite:///{tmp_path / 'reminders.db'}", tmp_path,
        person("P000001"),
        person("P000002", name="李娜", birth="1975-09-01", continuing_education=HOURS_MET),
        person("P000003", name="别家人", birth="1970-03-03", employer=OTHER_EMPLOYER))
    yield database
    database.dispose()


def plan(database: Database, as_of: dt.date, settings: ReminderSettings = SETTINGS, dry_run: bool = False) -> Any:
    with database.unit_of_work() as uow:
        return plan_reminders(uow, as_of, settings, ReminderWording(), NOW, dry_run=dry_run)


def outbox(database: Database, **where: str) -> list[dict[str, Any]]:
    with database.unit_of_work() as uow:
        return uow.reminders.messages(**where)


def kinds(messages: Any, subject: str = "P000002") -> list[str]:
    return [m.kind for m in messages if m.subject_key == subject]


@pytest.mark.parametrize(("days_left", "threshold"), [
    (91, None), (90, 90), (61, 90), (60, 60), (31, 60), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)])
def test_the_nearest_threshold_not_yet_passed(days_left: int, threshold: int | None) -> None:
    assert threshold_for(days_left, (90, 60, 30, 7)) == threshold


def test_each_threshold_is_sent_once_over_daily_runs(registry: Database) -> None:
    planned: list[tuple[str, dt.date]] = []
    day = APPLY_BY - dt.timedelta(days=100)
    while day <= APPLY_BY + dt.timedelta(days=5):
        planned += [(m.kind, day) for m in plan(registry, day).messages if m.subject_key == "P000002"]
        day += dt.timedelta(days=1)
    assert planned == [("apply_by_90", APPLY_BY - dt.timedelta(days=90)),
                       ("apply_by_60", APPLY_BY - dt.timedelta(days=60)),
                       ("apply_by_30", APPLY_BY - dt.timedelta(days=30)),
                       ("apply_by_7", APPLY_BY - dt.timedelta(days=7))]
    stored = outbox(registry, subject_key="P000002")
    assert {m["reference_date"] for m in stored} == {APPLY_BY}
    # Each one was replaced by the next before it was shown: only the last is still waiting for the chat.
    assert [m["status"] for m in stored] == ["skipped", "skipped", "skipped", "pending"]
    assert {m["error"] for m in stored[:3]} == {"已由更近的提醒取代"}


def test_a_run_after_missed_days_sends_the_nearest_missed_threshold_once(registry: Database) -> None:
    assert kinds(plan(registry, APPLY_BY - dt.timedelta(days=95)).messages) == []
    # Cron was down from day 95 to day 25: the 90 and 60 day reminders are not sent late, the 30 day one is.
    assert kinds(plan(registry, APPLY_BY - dt.timedelta(days=25)).messages) == ["apply_by_30"]
    assert kinds(plan(registry, APPLY_BY - dt.timedelta(days=24)).messages) == []
    assert kinds(plan(registry, APPLY_BY - dt.timedelta(days=3)).messages) == ["apply_by_7"]


def test_short_hours_are_reminded_once_when_less_than_180_days_are_left(registry: Database) -> None:
    assert "hours_short" not in kinds(plan(registry, VALID_UNTIL - dt.timedelta(days=180)).messages, "P000001")
    first = plan(registry, VALID_UNTIL - dt.timedelta(days=179)).messages
    assert kinds(first, "P000001") == ["hours_short"]
    hours = next(m for m in first if m.subject_key == "P000001")
    assert hours.reference_date == VALID_UNTIL
    assert "还差77.5学时（必修差30、选修差47.5）" in hours.body and "2026年2月28日" in hours.body
    assert hours.body.splitlines()[-1] == "依据：黔建建通〔2023〕55号 第五条（一）2"
    assert "hours_short" not in kinds(plan(registry, VALID_UNTIL - dt.timedelta(days=100)).messages, "P000001")
    # Hours met: never reminded of them.
    assert all(m["kind"] != "hours_short" for m in outbox(registry, subject_key="P000002"))


def test_the_thresholds_and_the_180_days_are_settings(registry: Database) -> None:
    chosen = reminder_settings({"REMINDER_APPLY_BY_DAYS": "14", "REMINDER_HOURS_SHORT_DAYS": "30"})
    assert plan(registry, APPLY_BY - dt.timedelta(days=20), chosen).messages == ()
    found = plan(registry, APPLY_BY - dt.timedelta(days=14), chosen).messages
    assert sorted((m.subject_key, m.kind) for m in found) == [("P000001", "apply_by_14"), ("P000002", "apply_by_14"),
                                                               ("P000003", "apply_by_14")]


def test_a_second_run_on_the_same_day_or_later_sends_nothing_again(registry: Database) -> None:
    day = APPLY_BY - dt.timedelta(days=50)
    first = run_reminders(registry, day, [ChatNoticeSender(day)], ReminderWording(), SETTINGS)
    assert sorted((m.subject_key, m.kind) for m in first.plan.messages) == [
        ("P000001", "apply_by_60"), ("P000001", "hours_short"), ("P000002", "apply_by_60"),
        ("P000003", "apply_by_60"), ("P000003", "hours_short")]
    again = run_reminders(registry, day, [ChatNoticeSender(day)], ReminderWording(), SETTINGS)
    later = run_reminders(registry, day + dt.timedelta(days=3), [ChatNoticeSender(day)], ReminderWording(), SETTINGS)
    assert again.plan.messages == () and later.plan.messages == ()
    assert len(outbox(registry)) == 5


def test_the_registrant_message_has_dates_the_notice_s_way_no_id_number_and_the_renewal_basis(
        registry: Database) -> None:
    message = next(m for m in plan(registry, APPLY_BY - dt.timedelta(days=30)).messages
                   if m.subject_key == "P000002")
    assert message.channel == "chat" and message.status == "pending"
    assert "李娜" in message.body and "2026年1月29日" in message.body and "2026年2月28日" in message.body
    assert "520102" not in message.body and "2026-01-29" not in message.body
    assert message.body.splitlines()[-1] == "依据：黔建建通〔2023〕55号 第五条（一）2"


def test_identification_shows_the_waiting_notices_once(registry: Database) -> None:
    day = APPLY_BY - dt.timedelta(days=50)
    plan(registry, day)
    bodies = take_chat_notices(registry, "P000001", day, NOW)
    assert len(bodies) == 2
    notice = chat_notice(bodies)
    assert notice is not None and notice.startswith("您有2条提醒：")
    assert notice.count("依据：") == 1 and notice.splitlines()[-1].startswith("依据：")
    assert "不用提醒我" in notice
    assert {m["status"] for m in outbox(registry, subject_key="P000001")} == {"sent"}
    assert take_chat_notices(registry, "P000001", day, NOW) == []


def test_a_notice_whose_date_passed_unread_is_skipped(registry: Database) -> None:
    plan(registry, APPLY_BY - dt.timedelta(days=5))
    assert take_chat_notices(registry, "P000002", APPLY_BY + dt.timedelta(days=1), NOW) == []
    assert [m["status"] for m in outbox(registry, subject_key="P000002")] == ["skipped"]
    plan(registry, APPLY_BY - dt.timedelta(days=5))
    day = APPLY_BY + dt.timedelta(days=2)
    result = run_reminders(registry, day, [ChatNoticeSender(day)], ReminderWording(), SETTINGS)
    assert result.plan.messages == ()


def test_an_opted_out_registrant_gets_nothing_and_what_waited_is_skipped(registry: Database) -> None:
    day = APPLY_BY - dt.timedelta(days=50)
    assert opt_out_registrant(registry, "P000001", NOW) is True
    assert opt_out_registrant(registry, "P000001", NOW) is False
    planned = plan(registry, day).messages
    mine = [m for m in planned if m.subject_key == "P000001"]
    assert mine and {(m.status, m.error) for m in mine} == {("skipped", "本人已选择不接收提醒")}
    assert take_chat_notices(registry, "P000001", day, NOW) == []
    assert kinds(plan(registry, day).messages, "P000001") == []  # recorded once, like any other
    # Opting out after a run: the waiting ones are skipped too.
    opt_out_registrant(registry, "P000002", NOW)
    assert {m["status"] for m in outbox(registry, subject_key="P000002")} == {"skipped"}


def test_one_digest_per_employer_of_what_became_due_in_the_run(registry: Database) -> None:
    with registry.unit_of_work() as uow:
        set_employer_reminders(uow, EMPLOYER["credit_code"], "hr@qiancheng.example", False, NOW)
    with registry.unit_of_work() as uow:
        set_employer_reminders(uow, OTHER_EMPLOYER["credit_code"], "hr@huichuan.example", False, NOW)
    opt_out_registrant(registry, "P000001", NOW)  # the employer still hears of its registrant
    day = APPLY_BY - dt.timedelta(days=50)
    digests = [m for m in plan(registry, day).messages if m.audience == "employer"]
    assert [(m.subject_key, m.kind, m.reference_date, m.channel) for m in digests] == [
        (EMPLOYER["credit_code"], "digest", day, "email"), (OTHER_EMPLOYER["credit_code"], "digest", day, "email")]
    ours = digests[0].body
    assert ours.splitlines()[0] == f"【黔建问答助手】{EMPLOYER['name']}：2名注册人员的二建注册提醒（2025年12月10日）"
    assert "王建国" in ours and "李娜" in ours and "别家人" not in ours and "520102" not in ours
    assert "还差77.5学时" in ours and ours.splitlines()[-1] == "依据：黔建建通〔2023〕55号 第五条（一）2"
    # Nothing new the next day: no digest; the next threshold brings one with only what is new.
    assert [m for m in plan(registry, day + dt.timedelta(days=1)).messages if m.audience == "employer"] == []
    later = [m for m in plan(registry, APPLY_BY - dt.timedelta(days=30)).messages if m.audience == "employer"]
    assert len(later) == 2 and "继续教育学时不足" not in later[0].body and "2026年1月29日" in later[0].body


def test_an_employer_without_an_address_or_opted_out_gets_no_digest(registry: Database) -> None:
    with registry.unit_of_work() as uow:
        set_employer_reminders(uow, EMPLOYER["credit_code"], "hr@qiancheng.example", True, NOW)
    assert [m for m in plan(registry, APPLY_BY - dt.timedelta(days=50)).messages if m.audience == "employer"] == []
    with registry.unit_of_work() as uow:
        set_employer_reminders(uow, EMPLOYER["credit_code"], "hr@qiancheng.example", False, NOW)
        assert uow.reminders.is_opted_out("employer", EMPLOYER["credit_code"]) is False
    assert len([m for m in plan(registry, APPLY_BY - dt.timedelta(days=30)).messages if m.audience == "employer"]) == 1


def test_a_dry_run_stores_nothing(registry: Database) -> None:
    day = APPLY_BY - dt.timedelta(days=50)
    with registry.unit_of_work() as uow:
        set_employer_reminders(uow, EMPLOYER["credit_code"], "hr@qiancheng.example", False, NOW)
    result = run_reminders(registry, day, [ChatNoticeSender(day)], ReminderWording(), SETTINGS, dry_run=True)
    assert len(result.plan.messages) == 6 and result.deliveries == ()
    assert outbox(registry) == []
    assert len(plan(registry, day).messages) == 6  # and the real run still finds all of them


def test_other_channels_go_through_their_sender_and_the_stub_records_skipped(registry: Database) -> None:
    chosen = reminder_settings({"REMINDER_REGISTRANT_CHANNELS": "chat,sms"})
    day = APPLY_BY - dt.timedelta(days=30)
    senders = configured_senders(chosen, day)
    assert [s.channel for s in senders] == ["chat", "sms"] and isinstance(senders[1], StubSender)
    result = run_reminders(registry, day, senders, ReminderWording(), chosen)
    sms = [d for d in result.deliveries if d.message.channel == "sms"]
    assert len(sms) == 5 and {d.result.status for d in sms} == {"skipped"}
    assert sms[0].message.address == "13800000000"
    stored = outbox(registry, subject_key="P000002")
    assert [(m["channel"], m["status"]) for m in stored] == [("chat", "pending"), ("sms", "skipped")]
    assert "尚未接入" in stored[1]["error"]


def test_e_mail_waits_in_the_outbox_without_smtp(registry: Database) -> None:
    with registry.unit_of_work() as uow:
        set_employer_reminders(uow, EMPLOYER["credit_code"], "hr@qiancheng.example", False, NOW)
    day = APPLY_BY - dt.timedelta(days=30)
    result = run_reminders(registry, day, configured_senders(SETTINGS, day), ReminderWording(), SETTINGS)
    assert [(m.channel, m.address) for m in result.waiting] == [("email", "hr@qiancheng.example")]
    assert outbox(registry, audience="employer")[0]["status"] == "pending"


@pytest.mark.parametrize(("typed", "stored"), [
    ("hr@qiancheng.example", "hr@qiancheng.example"), ("  a.b+c@x-y.cn ", "a.b+c@x-y.cn"), ("not an address", None),
    ("a@b", None), ("a@b.cn\nBcc: x@y.cn", None), ("x" * 200 + "@a.cn", None)])
def test_an_employer_s_address_is_one_plain_address(typed: str, stored: str | None) -> None:
    assert reminder_email(typed) == stored


def test_a_renewal_barred_by_age_gets_no_apply_by_reminder(tmp_path: Path) -> None:
    database = registry_with(f"sqlite:///{tmp_path / 'old.db'}", tmp_path,
                             person("P000009", name="老张", birth="1960-12-20", continuing_education=HOURS_MET))
    try:
        with database.unit_of_work() as uow:
            found = plan_reminders(uow, APPLY_BY - dt.timedelta(days=10), SETTINGS, ReminderWording(), NOW,
                                   dry_run=True)
    finally:
        database.dispose()
    assert found.messages == ()
