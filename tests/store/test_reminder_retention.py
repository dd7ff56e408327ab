"""purge-old drops sent and skipped reminders older than the period; pending and failed ones stay."""

from __future__ import annotations

import datetime as dt

from bot.store.retention import purge_registry
from bot.store.unit_of_work import Database


def test_sent_and_skipped_reminders_go_pending_and_failed_stay(database_url: str) -> None:
    database = Database(database_url)
    old, recent = dt.datetime(2025, 1, 1), dt.datetime(2025, 11, 30)
    try:
        with database.unit_of_work() as uow:
            for number, (status, at) in enumerate([("sent", old), ("skipped", old), ("pending", old), ("failed", old),
                                                   ("sent", recent)]):
                uow.reminders.add("registrant", f"P{number}", "apply_by_30", dt.date(2025, 2, 1), "chat", "正文", at,
                                  status)
            uow.commit()
        purged = {p.table: p.rows for p in purge_registry(database.engine, dt.datetime(2025, 6, 1))}
        with database.unit_of_work() as uow:
            left = sorted((m["subject_key"], m["status"]) for m in uow.reminders.messages())
    finally:
        database.dispose()
    assert purged["reminder_outbox"] == 2
    assert left == [("P2", "pending"), ("P3", "failed"), ("P4", "sent")]
