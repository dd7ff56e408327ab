"""The reminder outbox and the opt-outs (bot/store/models.ReminderMessage, ReminderOptOut), and the few employer and
registration reads a reminder run needs (bot/services/reminders.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from bot.store.models import Employer, Person, Registration, ReminderMessage, ReminderOptOut
from rules_engine.vocabulary import STATUS

OUTBOX = ReminderMessage.__table__
OPT_OUTS = ReminderOptOut.__table__
EMPLOYERS = Employer.__table__
PERSONS = Person.__table__
REGISTRATIONS = Registration.__table__
PENDING, SENT, FAILED, SKIPPED = "pending", "sent", "failed", "skipped"
STATUSES = (PENDING, SENT, FAILED, SKIPPED)
ERROR_CHARS = 300  # the column's width

# (audience, subject_key, kind, reference_date, channel): the outbox's unique key.
OutboxKey = tuple[str, str, str, dt.date, str]


class ReminderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- the outbox -------------------------------------------------------------------------------

    def keys_since(self, first_reference_date: dt.date) -> set[OutboxKey]:
        """The keys of every message whose reference date is on or after this day, whatever its status."""
        rows = self.session.execute(
            select(OUTBOX.c.audience, OUTBOX.c.subject_key, OUTBOX.c.kind, OUTBOX.c.reference_date, OUTBOX.c.channel)
            .where(OUTBOX.c.reference_date >= first_reference_date))
        return {(a, s, k, r, c) for a, s, k, r, c in rows}

    def add(self, audience: str, subject_key: str, kind: str, reference_date: dt.date, channel: str, body: str,
            now: dt.datetime, status: str = PENDING, error: str | None = None) -> None:
        self.session.execute(insert(OUTBOX).values(
            audience=audience, subject_key=subject_key, kind=kind, reference_date=reference_date, channel=channel,
            body=body, status=status, created_at=now, sent_at=None, error=error[:ERROR_CHARS] if error else None))

    def supersede(self, audience: str, subject_key: str, reference_date: dt.date, channel: str, kinds: Sequence[str],
                  reason: str) -> int:
        """Pending messages of these kinds, for the same subject, day and channel, that a newer one replaces."""
        result = self.session.execute(
            update(OUTBOX).where(OUTBOX.c.audience == audience, OUTBOX.c.subject_key == subject_key,
                                 OUTBOX.c.reference_date == reference_date, OUTBOX.c.channel == channel,
                                 OUTBOX.c.kind.in_(list(kinds)), OUTBOX.c.status == PENDING)
            .values(status=SKIPPED, error=reason[:ERROR_CHARS]))
        return int(result.rowcount or 0)

    def pending(self, channel: str | None = None, audience: str | None = None,
                subject_key: str | None = None) -> list[dict[str, Any]]:
        """Pending messages, oldest first (then by id), optionally of one channel, audience and subject."""
        query = select(OUTBOX).where(OUTBOX.c.status == PENDING)
        if channel is not None:
            query = query.where(OUTBOX.c.channel == channel)
        if audience is not None:
            query = query.where(OUTBOX.c.audience == audience)
        if subject_key is not None:
            query = query.where(OUTBOX.c.subject_key == subject_key)
        return [dict(row) for row in self.session.execute(
            query.order_by(OUTBOX.c.reference_date, OUTBOX.c.id)).mappings()]

    def mark(self, message_ids: Iterable[int], status: str, at: dt.datetime | None, error: str | None = None) -> int:
        """Set the status of these messages; `at` is kept as sent_at when the status is 'sent'."""
        if status not in STATUSES:
            raise ValueError(f"unknown outbox status {status!r}")
        ids = list(message_ids)
        if not ids:
            return 0
        values: dict[str, Any] = {"status": status, "error": error[:ERROR_CHARS] if error else None}
        if status == SENT:
            values["sent_at"] = at
        result = self.session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(ids)).values(**values))
        return int(result.rowcount or 0)

    def skip_pending_of(self, audience: str, subject_key: str, reason: str) -> int:
        result = self.session.execute(
            update(OUTBOX).where(OUTBOX.c.audience == audience, OUTBOX.c.subject_key == subject_key,
                                 OUTBOX.c.status == PENDING).values(status=SKIPPED, error=reason[:ERROR_CHARS]))
        return int(result.rowcount or 0)

    def messages(self, audience: str | None = None, subject_key: str | None = None) -> list[dict[str, Any]]:
        """Every message (for the command line's summary and for tests), in the order they were made."""
        query = select(OUTBOX)
        if audience is not None:
            query = query.where(OUTBOX.c.audience == audience)
        if subject_key is not None:
            query = query.where(OUTBOX.c.subject_key == subject_key)
        return [dict(row) for row in self.session.execute(query.order_by(OUTBOX.c.id)).mappings()]

    # --- opt-outs ---------------------------------------------------------------------------------

    def opted_out(self, audience: str) -> set[str]:
        return set(self.session.scalars(select(OPT_OUTS.c.subject_key).where(OPT_OUTS.c.audience == audience)))

    def is_opted_out(self, audience: str, subject_key: str) -> bool:
        return self.session.scalar(select(OPT_OUTS.c.subject_key).where(
            OPT_OUTS.c.audience == audience, OPT_OUTS.c.subject_key == subject_key)) is not None

    def opt_out(self, audience: str, subject_key: str, now: dt.datetime) -> bool:
        """True when this is new; opting out twice keeps the first time."""
        if self.is_opted_out(audience, subject_key):
            return False
        self.session.execute(insert(OPT_OUTS).values(audience=audience, subject_key=subject_key, opted_out_at=now))
        return True

    def opt_in(self, audience: str, subject_key: str) -> bool:
        result = self.session.execute(delete(OPT_OUTS).where(OPT_OUTS.c.audience == audience,
                                                             OPT_OUTS.c.subject_key == subject_key))
        return bool(result.rowcount)

    # --- what a run reads besides the outbox ------------------------------------------------------

    def persons_with_valid_registration_ending(self, first: dt.date, last: dt.date) -> list[str]:
        """Who holds a 有效 registration ending in [first, last]: the only ones a run can have anything for."""
        return list(self.session.scalars(
            select(REGISTRATIONS.c.person_id).distinct()
            .where(REGISTRATIONS.c.status == STATUS.valid, REGISTRATIONS.c.valid_until >= first,
                   REGISTRATIONS.c.valid_until <= last)
            .order_by(REGISTRATIONS.c.person_id)))

    def employer_contacts(self) -> dict[str, dict[str, Any]]:
        """Every employer with a reminder address: credit code → its name and address."""
        rows = self.session.execute(select(EMPLOYERS.c.credit_code, EMPLOYERS.c.name, EMPLOYERS.c.reminder_email)
                                    .where(EMPLOYERS.c.reminder_email.is_not(None),
                                           EMPLOYERS.c.reminder_email != ""))
        return {code: {"name": name, "email": email} for code, name, email in rows}

    def employer_reminder_email(self, credit_code: str) -> str | None:
        found = self.session.scalar(select(EMPLOYERS.c.reminder_email).where(EMPLOYERS.c.credit_code == credit_code))
        return str(found) if found else None

    def set_employer_reminder_email(self, credit_code: str, email: str | None) -> bool:
        result = self.session.execute(update(EMPLOYERS).where(EMPLOYERS.c.credit_code == credit_code)
                                      .values(reminder_email=email or None))
        return bool(result.rowcount)

    def person_phones(self, person_ids: Sequence[str]) -> dict[str, str]:
        if not person_ids:
            return {}
        rows = self.session.execute(select(PERSONS.c.person_id, PERSONS.c.phone)
                                    .where(PERSONS.c.person_id.in_(list(person_ids)), PERSONS.c.phone.is_not(None)))
        return {person_id: phone for person_id, phone in rows if phone}
