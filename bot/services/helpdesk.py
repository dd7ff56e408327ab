"""Helpdesk accounts, the audit trail, and the hand-over queue staff work from."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update

from bot.security.keys import pseudonym
from bot.security.passwords import hash_secret, needs_rehash, secret_matches, spend_like_a_check
from bot.store.models import AuditEvent, HandoverTicket, StaffAccount
from bot.store.unit_of_work import UnitOfWork

ACCOUNTS = StaffAccount.__table__
AUDIT = AuditEvent.__table__
TICKETS = HandoverTicket.__table__
MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class Staff:
    username: str
    is_admin: bool


def add_staff(uow: UnitOfWork, username: str, password: str, is_admin: bool, now: dt.datetime) -> bool:
    """False when the name is taken; the password is stored only as a salted hash."""
    if uow.session.execute(select(ACCOUNTS.c.id).where(ACCOUNTS.c.username == username)).first():
        return False
    uow.session.execute(insert(ACCOUNTS).values(username=username, password_hash=hash_secret(password),
                                                is_admin=is_admin, created_at=now))
    uow.commit()
    return True


def check_login(uow: UnitOfWork, username: str, password: str) -> Staff | None:
    """The account, when the password is right; an old hash is replaced by a current Argon2id one."""
    row = uow.session.execute(select(ACCOUNTS).where(ACCOUNTS.c.username == username)).mappings().first()
    if row is None:
        spend_like_a_check(password)
        return None
    if not secret_matches(password, row["password_hash"]):
        return None
    if needs_rehash(row["password_hash"]):
        uow.session.execute(update(ACCOUNTS).where(ACCOUNTS.c.id == row["id"])
                            .values(password_hash=hash_secret(password)))
        uow.commit()
    return Staff(row["username"], bool(row["is_admin"]))


def audit(uow: UnitOfWork, actor: str, action: str, subject_person_id: str | None, details: dict[str, Any],
          now: dt.datetime) -> None:
    uow.session.execute(insert(AUDIT).values(at=now, actor=actor, action=action, subject_person_id=subject_person_id,
                                             details=json.dumps(details, ensure_ascii=False)))
    uow.commit()


def audit_events(uow: UnitOfWork, limit: int = 200) -> list[dict[str, Any]]:
    rows = uow.session.execute(select(AUDIT).order_by(AUDIT.c.id.desc()).limit(limit)).mappings().all()
    return [{**row, "details": json.loads(row["details"])} for row in rows]


def tickets(uow: UnitOfWork, include_closed: bool = False) -> list[dict[str, Any]]:
    query = select(TICKETS).order_by(TICKETS.c.id)
    if not include_closed:
        query = query.where(TICKETS.c.status != "closed")
    return [_for_staff(row) for row in uow.session.execute(query).mappings().all()]


def _for_staff(row: Any) -> dict[str, Any]:
    """The ticket without its conversation id, which is what a browser's cookie maps to (a bearer secret): staff
    see and quote the conversation's pseudonym, the same one the logs name it by."""
    shown = {key: value for key, value in row.items() if key != "conversation_id"}
    shown["conversation"] = pseudonym(row["conversation_id"])
    return shown


def ticket(uow: UnitOfWork, ticket_id: int) -> dict[str, Any] | None:
    row = uow.session.execute(select(TICKETS).where(TICKETS.c.id == ticket_id)).mappings().first()
    return None if row is None else {**_for_staff(row), "transcript": json.loads(row["transcript"])}


def claim_ticket(uow: UnitOfWork, ticket_id: int, username: str) -> bool:
    result = uow.session.execute(update(TICKETS).where(TICKETS.c.id == ticket_id, TICKETS.c.status == "open")
                                 .values(status="claimed", claimed_by=username))
    uow.commit()
    return bool(result.rowcount)


def close_ticket(uow: UnitOfWork, ticket_id: int, username: str, now: dt.datetime) -> bool:
    result = uow.session.execute(update(TICKETS).where(TICKETS.c.id == ticket_id, TICKETS.c.status != "closed")
                                 .values(status="closed", closed_at=now, claimed_by=username))
    uow.commit()
    return bool(result.rowcount)
