"""The audit trail: who looked at or changed what, newest last."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from bot.store.models import AuditEvent

AUDIT = AuditEvent.__table__


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, at: dt.datetime, actor: str, action: str, subject_person_id: str | None, details: str) -> None:
        self.session.execute(insert(AUDIT).values(at=at, actor=actor, action=action,
                                                  subject_person_id=subject_person_id, details=details))

    def latest(self, limit: int = 200) -> list[RowMapping]:
        """The newest events first."""
        return list(self.session.execute(select(AUDIT).order_by(AUDIT.c.id.desc()).limit(limit)).mappings().all())
