"""A reminder run in the demo database (`python -m bot seed`), so that a demo registrant who identifies in the chat
sees a reminder notice, and the demo employer has a reminder address (its digest waits in the outbox: no SMTP here).
"""

from __future__ import annotations

import datetime as dt

from bot.config import reminder_settings
from bot.replies.messages import say
from bot.replies.reminders import ReminderWording
from bot.services.reminder_senders import ChatNoticeSender
from bot.services.reminders import (
    CHAT,
    REGISTRANT,
    RunResult,
    pending_chat_subjects,
    run_reminders,
    set_employer_reminders,
)
from bot.store.unit_of_work import Database

# A reserved domain (RFC 2606): no demo e-mail can reach anyone.
DEMO_REMINDER_EMAIL = "renshi@qiancheng.example"


def seed_demo_reminders(database: Database, employer_code: str | None, as_of: dt.date) -> RunResult:
    """The demo employer's reminder address, then one reminder run as of `as_of` (chat notices only)."""
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    if employer_code:
        with database.unit_of_work() as uow:
            set_employer_reminders(uow, employer_code, DEMO_REMINDER_EMAIL, False, now)
    result = run_reminders(database, as_of, [ChatNoticeSender(as_of)], ReminderWording(), reminder_settings())
    waiting = sum(1 for m in result.plan.messages if m.audience == REGISTRANT and m.channel == CHAT)
    print(say("reminders", "demo_reminders", as_of=f"{as_of:%Y-%m-%d}", count=waiting))
    return result


def demo_reminder_login(database: Database, as_of: dt.date) -> str | None:
    """The line make run prints for a demo registrant with a reminder waiting in the chat (None when there is none)."""
    with database.unit_of_work() as uow:
        subjects = pending_chat_subjects(uow, as_of)
        records = uow.registry.records_for(subjects[:1])
    if not records:
        return None
    record = records[0]
    return say("reminders", "demo_reminder_login", name=record.name, last6=record.id_number[-6:])
