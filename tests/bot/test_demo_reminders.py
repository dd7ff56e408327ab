"""The demo database's reminder run (bot/demo/reminders.py): a demo registrant has a notice waiting, the demo
employer a reminder address, and make run names who to try."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bot.demo.data import demo_records
from bot.demo.reminders import DEMO_REMINDER_EMAIL, demo_reminder_login, seed_demo_reminders
from bot.exchange.importer import import_file
from bot.store.migrate import upgrade_to_head
from bot.store.unit_of_work import Database

TODAY = dt.date(2025, 12, 1)


def test_the_demo_has_a_notice_waiting_and_names_whose(tmp_path: Path, capsys: object) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade_to_head(url)
    records = demo_records(200, 1, TODAY)
    export = tmp_path / "demo.jsonl"
    export.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    database = Database(url)
    try:
        assert import_file(database, export, strict=True).stored == 200
        code = records[0]["employer"]["credit_code"]  # type: ignore[index]
        result = seed_demo_reminders(database, code, TODAY)
        assert any(m.channel == "chat" for m in result.plan.messages)
        line = demo_reminder_login(database, TODAY)
        with database.unit_of_work() as uow:
            assert uow.reminders.employer_reminder_email(code) == DEMO_REMINDER_EMAIL
            digests = uow.reminders.messages(audience="employer")
            assert [(m["subject_key"], m["status"]) for m in digests] == [(code, "pending")]
    finally:
        database.dispose()
    assert line is not None and "验证身份后即可看到演示的到期提醒" in line
    name, last6 = line.split("“")[1].split("”")[0].split()
    assert any(r["name"] == name and str(r["id_number"]).endswith(last6) for r in records)
