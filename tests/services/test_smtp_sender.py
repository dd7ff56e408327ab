"""SmtpSender against a real SMTP server on loopback (aiosmtpd): UTF-8 subject and body, refusals, a server down."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from bot.config import ReminderSettings
from bot.replies.reminders import ReminderWording
from bot.services.reminder_senders import OutboxMessage, SmtpSender
from bot.services.reminders import run_reminders, set_employer_reminders
from tests.bot.records import EMPLOYER, person, registry_with
from tests.ports import free_port

REFUSED = "nobody@refused.example"
BUSY = "later@busy.example"


class Inbox:
    """aiosmtpd's handler: keeps what it receives, refuses one address for good and puts off another."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address == REFUSED:
            return "550 no such user"
        if address == BUSY:
            return "451 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), mail))  # type: ignore[arg-type]
        return "250 Message accepted"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def message(address: str | None, body: str = "【黔建问答助手】提醒主题\n第一行：2026年1月29日\n依据：第五条（一）2") -> OutboxMessage:
    return OutboxMessage(7, "employer", EMPLOYER["credit_code"], "digest", dt.date(2025, 12, 1), "email", body,
                         address)


def test_the_digest_arrives_in_utf_8_with_its_subject(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    result = SmtpSender("127.0.0.1", port, "提醒 <noreply@qianjian.example>").send(message("hr@qiancheng.example"))
    assert (result.status, result.error) == ("sent", None)
    [(sender, recipients, mail)] = inbox.received
    assert sender == "noreply@qianjian.example" and recipients == ["hr@qiancheng.example"]
    assert mail["Subject"] == "【黔建问答助手】提醒主题" and mail["To"] == "hr@qiancheng.example"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().splitlines() == ["第一行：2026年1月29日", "依据：第五条（一）2"]


def test_a_refused_address_fails_and_a_busy_one_is_tried_again(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    sender = SmtpSender("127.0.0.1", port, "noreply@qianjian.example")
    refused = sender.send(message(REFUSED))
    busy = sender.send(message(BUSY))
    assert refused.status == "failed" and "550" in (refused.error or "")
    assert busy.status == "pending" and "451" in (busy.error or "")
    assert sender.send(message(None)).status == "skipped" and inbox.received == []


def test_a_server_that_is_down_leaves_the_message_for_the_next_run() -> None:
    result = SmtpSender("127.0.0.1", free_port(), "noreply@qianjian.example", timeout=2).send(message("a@b.example"))
    assert result.status == "pending" and "邮件服务器不可用" in (result.error or "")


def test_a_run_sends_the_employer_s_digest_once(smtp: tuple[Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    database = registry_with(f"sqlite:///{tmp_path / 'mail.db'}", tmp_path, person("P000001"))
    try:
        now = dt.datetime(2025, 12, 1, 1)
        with database.unit_of_work() as uow:
            set_employer_reminders(uow, EMPLOYER["credit_code"], "hr@qiancheng.example", False, now)
        settings = ReminderSettings(smtp_host="127.0.0.1", smtp_port=port)
        sender = SmtpSender("127.0.0.1", port, settings.smtp_sender)
        day = dt.date(2025, 12, 30)
        for _ in range(2):
            run_reminders(database, day, [sender], ReminderWording(), settings)
        with database.unit_of_work() as uow:
            [digest] = uow.reminders.messages(audience="employer")
    finally:
        database.dispose()
    assert digest["status"] == "sent" and digest["sent_at"] is not None
    [(_, recipients, mail)] = inbox.received
    assert recipients == ["hr@qiancheng.example"] and EMPLOYER["name"] in mail["Subject"]
    assert "王建国" in mail.get_content() and "520102" not in mail.get_content()
