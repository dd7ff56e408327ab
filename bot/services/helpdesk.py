"""Helpdesk accounts, the audit trail, and the hand-over queue staff work from."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from bot.security.keys import pseudonym
from bot.security.passwords import hash_secret, needs_rehash, secret_matches, spend_like_a_check
from bot.store.unit_of_work import UnitOfWork

MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class Staff:
    username: str
    is_admin: bool


def add_staff(uow: UnitOfWork, username: str, password: str, is_admin: bool, now: dt.datetime) -> bool:
    """False when the name is taken; the password is stored only as a salted hash."""
    if uow.staff.exists(username):
        return False
    uow.staff.add(username, hash_secret(password), is_admin, now)
    uow.commit()
    return True


def check_login(uow: UnitOfWork, username: str, password: str) -> Staff | None:
    """The account, when the password is right; an old hash is replaced by a current Argon2id one, kept when the
    caller commits the login (with its attempt record)."""
    row = uow.staff.by_username(username)
    if row is None:
        spend_like_a_check(password)
        return None
    if not secret_matches(password, row["password_hash"]):
        return None
    if needs_rehash(row["password_hash"]):
        uow.staff.set_password_hash(row["id"], hash_secret(password))
    return Staff(row["username"], bool(row["is_admin"]))


def audit(uow: UnitOfWork, actor: str, action: str, subject_person_id: str | None, details: dict[str, Any],
          now: dt.datetime) -> None:
    """Written in the caller's transaction: what was seen or changed and its record are kept together or not at all."""
    uow.audit.add(now, actor, action, subject_person_id, json.dumps(details, ensure_ascii=False))


def audit_events(uow: UnitOfWork, limit: int = 200) -> list[dict[str, Any]]:
    return [{**row, "details": json.loads(row["details"])} for row in uow.audit.latest(limit)]


def tickets(uow: UnitOfWork, include_closed: bool = False) -> list[dict[str, Any]]:
    return [_for_staff(row) for row in uow.tickets.listed(include_closed)]


def _for_staff(row: Any) -> dict[str, Any]:
    """The ticket without its conversation id, which is what a browser's cookie maps to (a bearer secret): staff
    see and quote the conversation's pseudonym, the same one the logs name it by."""
    shown = {key: value for key, value in row.items() if key != "conversation_id"}
    shown["conversation"] = pseudonym(row["conversation_id"])
    return shown


def ticket(uow: UnitOfWork, ticket_id: int) -> dict[str, Any] | None:
    row = uow.tickets.get(ticket_id)
    return None if row is None else {**_for_staff(row), "transcript": json.loads(row["transcript"])}


def view_ticket(uow: UnitOfWork, ticket_id: int, username: str, now: dt.datetime) -> dict[str, Any] | None:
    """The ticket, its opening recorded: the transcript is the person's own words, like a lookup's status card."""
    found = ticket(uow, ticket_id)
    if found is not None:
        audit(uow, username, "view_ticket", found["person_id"], {"ticket": ticket_id}, now)
        uow.commit()
    return found


def change_ticket(uow: UnitOfWork, ticket_id: int, action: str, username: str, now: dt.datetime) -> bool:
    """Claim or close the ticket and record that it was tried, in one commit; whether the ticket changed."""
    if action == "claim":
        changed = uow.tickets.claim(ticket_id, username)
    else:
        changed = uow.tickets.close(ticket_id, username, now)
    audit(uow, username, f"ticket_{action}", None, {"ticket": ticket_id}, now)
    uow.commit()
    return changed
