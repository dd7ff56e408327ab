"""Reminders before deadlines (docs/reminders.md): what is due, into the outbox, and out through the senders.

A run on day D finds, from each registrant's status report (rules_engine.report.status_report):
- apply-by reminders: a 有效 registration whose renewal apply-by date A is at most the farthest threshold away
  (REMINDER_APPLY_BY_DAYS, 90/60/30/7). The kind names the nearest threshold not yet passed, `apply_by_<t>` with t
  the smallest threshold ≥ A − D, and the reference date is A. So each threshold is sent once per apply-by date,
  and a run after missed days (cron down) sends the threshold it is now within, once, never the ones it skipped.
- short hours: the continuing education of the current period is not met and a 有效 registration ends within
  REMINDER_HOURS_SHORT_DAYS (180) while its apply-by date is still ahead: kind `hours_short`, reference date the
  end of that registration, so once per registration period.
- the employer digest: per employer with a reminder address and no opt-out, one e-mail listing the registrants'
  reminders that became due in this run (kind `digest`, reference date D).

The outbox's unique key (audience, subject, kind, reference date, channel) is what makes a run idempotent: a second
run on the same day, or any later day, finds the key and adds nothing. Opted-out registrants' reminders are stored
as 'skipped', which keeps them out of later runs and still lets their employer's digest list them once.

The wording is the caller's (`Wording`, bot/replies/reminders.py): use cases never import replies.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.config import ReminderSettings
from bot.services.reminder_senders import OutboxMessage, Sender, SendResult

# The outbox's statuses, named here too for the wording of a run's report (replies read no store module).
from bot.store.reminders import FAILED as FAILED
from bot.store.reminders import PENDING as PENDING
from bot.store.reminders import SENT as SENT
from bot.store.reminders import SKIPPED as SKIPPED
from bot.store.unit_of_work import Database, UnitOfWork
from rules_engine.policy import Citation
from rules_engine.renewal import APPLY_BEFORE_EXPIRY, HOURS_REQUIRED
from rules_engine.report import SpecialtyStatus, StatusReport, status_report
from rules_engine.vocabulary import STATUS

REGISTRANT, EMPLOYER = "registrant", "employer"
CHAT, EMAIL = "chat", "email"
REGISTRANT_CHANNELS = ("chat", "sms", "wechat")
APPLY_BY_PREFIX = "apply_by_"
HOURS_SHORT, DIGEST = "hours_short", "digest"
AGE_CHECK = "under_65"  # a registration that cannot be renewed for age gets no apply-by reminder
# The checks of the report's renewal trace whose clauses a reminder cites (as in force on the day of the run), and
# the clauses cited when the trace names none.
APPLY_BY_CHECK, HOURS_CHECK = "applied_by_deadline", "continuing_education_met"
# A registration ending this long after the run at most can still have an apply-by date within the thresholds,
# whatever the renewal's lead time: only these are read (the exact dates come from the status report).
READ_AHEAD_DAYS = 366
OPTED_OUT_REASON = "本人已选择不接收提醒"
SUPERSEDED_REASON = "已由更近的提醒取代"


@dataclass(frozen=True)
class SpecialtyDue:
    specialty: str
    valid_until: dt.date
    apply_by: dt.date


@dataclass(frozen=True)
class RegistrantReminder:
    """One reminder about one registrant: an apply-by date near (`apply_by_<days>`), or short hours."""

    person_id: str
    name: str
    employer_code: str | None
    kind: str
    reference_date: dt.date
    specialties: tuple[SpecialtyDue, ...]
    days: int | None = None  # the threshold, for apply_by_<days>
    shortfall: float = 0.0
    compulsory_shortfall: float = 0.0
    elective_shortfall: float = 0.0
    citations: tuple[Citation, ...] = (APPLY_BEFORE_EXPIRY,)

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return self.person_id, self.kind, self.reference_date


@dataclass(frozen=True)
class EmployerDigest:
    credit_code: str
    name: str
    email: str
    as_of: dt.date
    reminders: tuple[RegistrantReminder, ...]


class Wording(Protocol):
    """The Chinese of each message (bot/replies/reminders.py). A digest's first line is its e-mail subject."""

    def registrant(self, reminder: RegistrantReminder) -> str:
        ...

    def employer_digest(self, digest: EmployerDigest) -> str:
        ...


@dataclass(frozen=True)
class PlannedMessage:
    audience: str
    subject_key: str
    kind: str
    reference_date: dt.date
    channel: str
    body: str
    status: str = PENDING
    error: str | None = None


@dataclass(frozen=True)
class Plan:
    as_of: dt.date
    messages: tuple[PlannedMessage, ...]
    superseded: int = 0


@dataclass(frozen=True)
class Delivery:
    message: OutboxMessage
    result: SendResult


@dataclass(frozen=True)
class RunResult:
    plan: Plan
    deliveries: tuple[Delivery, ...] = ()
    waiting: tuple[OutboxMessage, ...] = field(default=())  # pending, in a channel no sender was given for


# --- what is due -----------------------------------------------------------------------------------


def threshold_for(days_left: int, thresholds: Sequence[int]) -> int | None:
    """The nearest threshold not yet passed: the smallest one at least `days_left` away (None beyond them all)."""
    if days_left < 0:
        return None
    within = [days for days in thresholds if days >= days_left]
    return min(within) if within else None


def _renewable(status: SpecialtyStatus) -> bool:
    """A 有效 registration with an apply-by date, not barred from renewal by age."""
    if status.registration_status != STATUS.valid or status.renewal_apply_by is None or status.valid_until is None:
        return False
    return not any(reason.check == AGE_CHECK and not reason.holds for reason in status.reasons)


def _cited(status: SpecialtyStatus, check: str, otherwise: Citation) -> Citation:
    return next((reason.citation for reason in status.reasons if reason.check == check), otherwise)


def registrant_reminders(report: StatusReport, settings: ReminderSettings) -> list[RegistrantReminder]:
    """What this registrant is due on the report's day, one per kind and reference date."""
    as_of, record = report.as_of, report.record
    employer = record.employer.credit_code if record.employer is not None else None
    renewable = [s for s in report.specialties if _renewable(s)]
    by_apply_by: dict[dt.date, list[SpecialtyDue]] = {}
    for status in renewable:
        assert status.renewal_apply_by is not None and status.valid_until is not None
        by_apply_by.setdefault(status.renewal_apply_by, []).append(
            SpecialtyDue(status.specialty, status.valid_until, status.renewal_apply_by))
    found = []
    for apply_by, dues in sorted(by_apply_by.items()):
        days = threshold_for((apply_by - as_of).days, settings.apply_by_days)
        if days is not None:
            first = next(s for s in renewable if s.renewal_apply_by == apply_by)
            found.append(RegistrantReminder(record.person_id, record.name, employer, f"{APPLY_BY_PREFIX}{days}",
                                            apply_by, tuple(dues), days=days,
                                            citations=(_cited(first, APPLY_BY_CHECK, APPLY_BEFORE_EXPIRY),)))
    hours = report.hours
    if not hours.met and hours.period_start is not None:
        ending = sorted((s for s in renewable if s.renewal_apply_by is not None and s.renewal_apply_by >= as_of
                         and s.valid_until is not None
                         and 0 <= (s.valid_until - as_of).days < settings.hours_short_days),
                        key=lambda s: (s.valid_until, s.specialty))
        if ending:
            first = ending[0]
            assert first.valid_until is not None and first.renewal_apply_by is not None
            ending_first = tuple(SpecialtyDue(s.specialty, s.valid_until, s.renewal_apply_by)  # type: ignore[arg-type]
                                 for s in ending if s.valid_until == first.valid_until)
            found.append(RegistrantReminder(record.person_id, record.name, employer, HOURS_SHORT, first.valid_until,
                                            ending_first, shortfall=hours.shortfall,
                                            compulsory_shortfall=hours.compulsory_shortfall,
                                            elective_shortfall=hours.elective_shortfall,
                                            citations=(_cited(first, APPLY_BY_CHECK, APPLY_BEFORE_EXPIRY),
                                                       _cited(first, HOURS_CHECK, HOURS_REQUIRED))))
    return found


def due_reminders(uow: UnitOfWork, as_of: dt.date, settings: ReminderSettings) -> list[RegistrantReminder]:
    """Every registrant's reminders due on `as_of`, by person."""
    person_ids = uow.reminders.persons_with_valid_registration_ending(
        as_of, as_of + dt.timedelta(days=max(*settings.apply_by_days, settings.hours_short_days) + READ_AHEAD_DAYS))
    found: list[RegistrantReminder] = []
    for record in uow.registry.records_for(person_ids):
        found += registrant_reminders(status_report(record, as_of), settings)
    return found


# --- into the outbox -------------------------------------------------------------------------------


def _channels(settings: ReminderSettings) -> tuple[str, ...]:
    return tuple(channel for channel in settings.registrant_channels if channel in REGISTRANT_CHANNELS) or (CHAT,)


def plan_reminders(uow: UnitOfWork, as_of: dt.date, settings: ReminderSettings, wording: Wording,
                   now: dt.datetime, dry_run: bool = False) -> Plan:
    """The messages this run adds to the outbox, stored in one commit (with `dry_run`, worked out and not stored)."""
    due = due_reminders(uow, as_of, settings)
    earliest = min((reminder.reference_date for reminder in due), default=as_of)
    known = uow.reminders.keys_since(min(earliest, as_of))
    known_items = {(subject, kind, day) for audience, subject, kind, day, _ in known if audience == REGISTRANT}
    opted_out = uow.reminders.opted_out(REGISTRANT)
    channels = _channels(settings)
    messages: list[PlannedMessage] = []
    new_items: list[RegistrantReminder] = []
    superseded = 0
    for reminder in due:
        if reminder.key not in known_items:
            new_items.append(reminder)
        body: str | None = None
        for channel in channels:
            if (REGISTRANT, reminder.person_id, reminder.kind, reminder.reference_date, channel) in known:
                continue
            body = body or wording.registrant(reminder)
            skipped = reminder.person_id in opted_out
            messages.append(PlannedMessage(REGISTRANT, reminder.person_id, reminder.kind, reminder.reference_date,
                                           channel, body, SKIPPED if skipped else PENDING,
                                           OPTED_OUT_REASON if skipped else None))
            if reminder.kind.startswith(APPLY_BY_PREFIX) and not dry_run:
                farther = [f"{APPLY_BY_PREFIX}{days}" for days in settings.apply_by_days
                           if reminder.days is not None and days > reminder.days]
                superseded += uow.reminders.supersede(REGISTRANT, reminder.person_id, reminder.reference_date,
                                                      channel, farther, SUPERSEDED_REASON)
    messages += _digests(uow, as_of, new_items, known, wording)
    if not dry_run:
        for message in messages:
            uow.reminders.add(message.audience, message.subject_key, message.kind, message.reference_date,
                              message.channel, message.body, now, message.status, message.error)
        uow.commit()
    return Plan(as_of, tuple(messages), superseded)


def _digests(uow: UnitOfWork, as_of: dt.date, new_items: list[RegistrantReminder],
             known: set[tuple[str, str, str, dt.date, str]], wording: Wording) -> list[PlannedMessage]:
    """One digest per employer with an address and no opt-out, of its registrants' reminders new in this run."""
    contacts = uow.reminders.employer_contacts()
    opted_out = uow.reminders.opted_out(EMPLOYER)
    by_employer: dict[str, list[RegistrantReminder]] = {}
    for reminder in new_items:
        if reminder.employer_code in contacts and reminder.employer_code not in opted_out:
            by_employer.setdefault(reminder.employer_code, []).append(reminder)
    digests = []
    for code, reminders in sorted(by_employer.items()):
        if (EMPLOYER, code, DIGEST, as_of, EMAIL) in known:
            continue
        contact = contacts[code]
        digest = EmployerDigest(code, str(contact["name"]), str(contact["email"]), as_of, tuple(reminders))
        digests.append(PlannedMessage(EMPLOYER, code, DIGEST, as_of, EMAIL, wording.employer_digest(digest)))
    return digests


# --- out through the senders -----------------------------------------------------------------------


def _outbox_message(row: Mapping[str, Any], address: str | None) -> OutboxMessage:
    return OutboxMessage(int(row["id"]), str(row["audience"]), str(row["subject_key"]), str(row["kind"]),
                         row["reference_date"], str(row["channel"]), str(row["body"]), address)


def pending_messages(uow: UnitOfWork) -> list[OutboxMessage]:
    """Every pending message with its address: the employer's reminder e-mail, or the registrant's phone."""
    rows = uow.reminders.pending()
    phones = uow.reminders.person_phones([str(r["subject_key"]) for r in rows if r["audience"] == REGISTRANT])
    found = []
    for row in rows:
        key = str(row["subject_key"])
        address = uow.reminders.employer_reminder_email(key) if row["audience"] == EMPLOYER else phones.get(key)
        found.append(_outbox_message(row, address))
    return found


def deliver_one(database: Database, sender: Sender, message: OutboxMessage, now: Callable[[], dt.datetime]) -> Delivery:
    """Send one message and record what came of it, in its own commit: a crash later never sends it twice."""
    result = sender.send(message)
    if result.status == PENDING and result.error is None:
        return Delivery(message, result)  # left as it was (a chat notice waiting): nothing to write
    with database.unit_of_work() as uow:
        uow.reminders.mark([message.id], result.status, now(), result.error)
        uow.commit()
    return Delivery(message, result)


def run_reminders(database: Database, as_of: dt.date, senders: Sequence[Sender], wording: Wording,
                  settings: ReminderSettings, dry_run: bool = False,
                  now: Callable[[], dt.datetime] | None = None) -> RunResult:
    """The daily run: plan (one commit), then every pending message through its channel's sender (one commit each).
    With `dry_run` nothing is stored and nothing is sent: the plan and the pending messages are returned to list."""
    clock = now or _utc_now
    with database.unit_of_work() as uow:
        plan = plan_reminders(uow, as_of, settings, wording, clock(), dry_run=dry_run)
    with database.unit_of_work() as uow:
        pending = pending_messages(uow)
    by_channel = {sender.channel: sender for sender in senders}
    if dry_run:
        return RunResult(plan, (), tuple(pending))
    deliveries, waiting = [], []
    for message in pending:
        sender = by_channel.get(message.channel)
        if sender is None:
            waiting.append(message)
        else:
            deliveries.append(deliver_one(database, sender, message, clock))
    return RunResult(plan, tuple(deliveries), tuple(waiting))


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


# --- in the chat and on the employer page ----------------------------------------------------------


def take_chat_notices(database: Database, person_id: str, as_of: dt.date, now: dt.datetime) -> list[str]:
    """The registrant's pending chat reminders, to show now (one commit marks them sent); those whose date has
    passed unread are skipped instead. Oldest reference date first."""
    with database.unit_of_work() as uow:
        rows = uow.reminders.pending(channel=CHAT, audience=REGISTRANT, subject_key=person_id)
        if not rows:
            return []
        current = [row for row in rows if row["reference_date"] >= as_of]
        stale = [int(row["id"]) for row in rows if row["reference_date"] < as_of]
        uow.reminders.mark([int(row["id"]) for row in current], SENT, now)
        uow.reminders.mark(stale, SKIPPED, now, "过期未读：提醒的日期已过，登录时不再显示")
        uow.commit()
    return [str(row["body"]) for row in current]


def opt_out_registrant(database: Database, person_id: str, now: dt.datetime) -> bool:
    """不用提醒我: no more reminders to this registrant; those waiting are skipped. True when it is new."""
    with database.unit_of_work() as uow:
        new = uow.reminders.opt_out(REGISTRANT, person_id, now)
        uow.reminders.skip_pending_of(REGISTRANT, person_id, OPTED_OUT_REASON)
        uow.commit()
    return new


@dataclass(frozen=True)
class EmployerReminderChoice:
    email: str | None
    opted_out: bool


def employer_reminder_choice(database: Database, credit_code: str) -> EmployerReminderChoice:
    with database.unit_of_work() as uow:
        return EmployerReminderChoice(uow.reminders.employer_reminder_email(credit_code),
                                      uow.reminders.is_opted_out(EMPLOYER, credit_code))


def set_employer_reminders(uow: UnitOfWork, credit_code: str, email: str | None, opted_out: bool,
                           now: dt.datetime) -> EmployerReminderChoice:
    """The employer page's form: the digest's address (None: none) and whether it wants reminders, in one commit."""
    uow.reminders.set_employer_reminder_email(credit_code, email)
    if opted_out:
        uow.reminders.opt_out(EMPLOYER, credit_code, now)
        uow.reminders.skip_pending_of(EMPLOYER, credit_code, "单位已关闭提醒")
    else:
        uow.reminders.opt_in(EMPLOYER, credit_code)
    uow.commit()
    return EmployerReminderChoice(email, opted_out)


def pending_chat_subjects(uow: UnitOfWork, as_of: dt.date) -> list[str]:
    """Registrants with a chat reminder waiting to be shown (its date not yet passed), in the order they were made."""
    rows = uow.reminders.pending(channel=CHAT, audience=REGISTRANT)
    return list(dict.fromkeys(str(row["subject_key"]) for row in rows if row["reference_date"] >= as_of))


EMAIL_CHARS = 200  # the column's width
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")


def reminder_email(text: str) -> str | None:
    """A typed reminder address as stored (one plain address, at most 200 characters), or None if it is not one."""
    address = text.strip()
    return address if len(address) <= EMAIL_CHARS and _EMAIL.fullmatch(address) else None
