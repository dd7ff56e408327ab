"""How an outbox message leaves: one sender per channel (docs/reminders.md).

A sender has a `channel` name and `send(message) -> SendResult`; the run (bot/services/reminders.py) records the
result's status on the message. The status is one of the outbox's: 'sent'; 'failed' (given up, not tried again);
'skipped' (never sent, with the reason); or 'pending' (try again on the next run, with what went wrong).

- ChatNoticeSender (channel 'chat'): sends nothing. The message waits for the registrant to identify in the chat,
  where it is shown and becomes 'sent' (bot/services/reminders.take_chat_notices); one whose date has passed unread
  is skipped.
- SmtpSender (channel 'email'): an employer's digest to its reminder address, over SMTP (smtplib), in UTF-8.
- StubSender (channels 'sms', 'wechat'): the place for an SMS gateway or a WeChat template message, which cannot be
  reached from here. It records 'skipped' with its reason; a real sender implements the same two members.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from bot.config import ReminderSettings
from bot.store.reminders import FAILED, PENDING, SENT, SKIPPED

SMTP_TIMEOUT_SECONDS = 30.0
STUB_CHANNELS = ("sms", "wechat")
PERMANENT_SMTP_CODE = 500  # 5xx: the server refuses for good; 4xx and broken connections are tried again


@dataclass(frozen=True)
class OutboxMessage:
    """One pending message as a sender sees it; `address` is the employer's reminder e-mail or the registrant's
    phone, whichever the channel needs (None when there is none)."""

    id: int
    audience: str
    subject_key: str
    kind: str
    reference_date: dt.date
    channel: str
    body: str
    address: str | None = None

    @property
    def subject(self) -> str:
        """An e-mail's subject is its body's first line (the outbox keeps one text per message)."""
        return self.body.split("\n", 1)[0].strip()

    @property
    def text(self) -> str:
        """The body after the subject line, for e-mail."""
        parts = self.body.split("\n", 1)
        return parts[1].lstrip("\n") if len(parts) > 1 else ""


@dataclass(frozen=True)
class SendResult:
    status: str
    error: str | None = None


class Sender(Protocol):
    """What a channel implements: its name, and the sending of one message (never raising for a refusal)."""

    channel: str

    def send(self, message: OutboxMessage) -> SendResult:
        ...


class ChatNoticeSender:
    """Leaves registrants' messages for the chat page: shown, and marked sent, the next time they identify."""

    channel = "chat"

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of

    def send(self, message: OutboxMessage) -> SendResult:
        if message.reference_date < self.as_of:
            return SendResult(SKIPPED, "过期未读：提醒的日期已过，登录时不再显示")
        return SendResult(PENDING)


class StubSender:
    """SMS or a WeChat template message: not reachable from this machine, so every message is recorded as skipped.

    To send for real, implement `channel` and `send` (docs/reminders.md): the message's `address` is the registrant's
    phone (the WeChat openid would come from a binding this registry does not have yet), its `body` the text."""

    def __init__(self, channel: str, reason: str | None = None) -> None:
        self.channel = channel
        self.reason = reason or f"{channel} 渠道尚未接入（StubSender），未发送"

    def send(self, message: OutboxMessage) -> SendResult:
        return SendResult(SKIPPED, self.reason)


class SmtpSender:
    """E-mail over SMTP: one connection per message, STARTTLS and a login when configured."""

    channel = "email"

    def __init__(self, host: str, port: int, sender: str, user: str | None = None, password: str | None = None,
                 starttls: bool = False, timeout: float = SMTP_TIMEOUT_SECONDS) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    def email(self, message: OutboxMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = self.sender
        mail["To"] = message.address or ""
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(domain=self.sender.rsplit("@", 1)[-1].strip("> ") or None)
        mail.set_content(message.text, charset="utf-8")
        return mail

    def send(self, message: OutboxMessage) -> SendResult:
        if not message.address:
            return SendResult(SKIPPED, "没有提醒邮箱")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
                if self.starttls:
                    server.starttls(context=ssl.create_default_context())
                if self.user:
                    server.login(self.user, self.password or "")
                server.send_message(self.email(message))
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _ in refused.recipients.values()]
            permanent = all(code >= PERMANENT_SMTP_CODE for code in codes)
            return SendResult(FAILED if permanent else PENDING, f"收件地址被拒绝：{codes}")
        except smtplib.SMTPResponseException as error:
            status = FAILED if error.smtp_code >= PERMANENT_SMTP_CODE else PENDING
            return SendResult(status, f"SMTP {error.smtp_code}：{_text(error.smtp_error)}")
        except (smtplib.SMTPException, OSError) as error:
            return SendResult(PENDING, f"邮件服务器不可用：{type(error).__name__}: {error}")
        return SendResult(SENT)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def configured_senders(settings: ReminderSettings, as_of: dt.date) -> list[Sender]:
    """The senders the settings ask for: the chat always, e-mail when SMTP_HOST is set, and the SMS or WeChat stub
    when REMINDER_REGISTRANT_CHANNELS names it. A channel without a sender keeps its messages pending."""
    senders: list[Sender] = [ChatNoticeSender(as_of)]
    if settings.smtp_host:
        senders.append(SmtpSender(settings.smtp_host, settings.smtp_port, settings.smtp_sender, settings.smtp_user,
                                  settings.smtp_password, settings.smtp_starttls))
    senders += [StubSender(channel) for channel in STUB_CHANNELS if channel in settings.registrant_channels]
    return senders
