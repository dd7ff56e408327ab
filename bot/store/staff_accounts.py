"""Helpdesk accounts; passwords only as salted hashes (bot/security/passwords.py makes them)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from bot.store.models import StaffAccount

ACCOUNTS = StaffAccount.__table__


class StaffAccountRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def exists(self, username: str) -> bool:
        return self.session.execute(select(ACCOUNTS.c.id).where(ACCOUNTS.c.username == username)).first() is not None

    def add(self, username: str, password_hash: str, is_admin: bool, now: dt.datetime) -> None:
        self.session.execute(insert(ACCOUNTS).values(username=username, password_hash=password_hash,
                                                     is_admin=is_admin, created_at=now))

    def by_username(self, username: str) -> RowMapping | None:
        return self.session.execute(select(ACCOUNTS).where(ACCOUNTS.c.username == username)).mappings().first()

    def set_password_hash(self, account_id: int, password_hash: str) -> None:
        self.session.execute(update(ACCOUNTS).where(ACCOUNTS.c.id == account_id).values(password_hash=password_hash))
