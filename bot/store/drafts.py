"""Stored renewal and cancellation drafts: one open draft per person and kind."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from bot.store.models import Draft

DRAFTS = Draft.__table__
OPEN, WITHDRAWN = "draft", "withdrawn"


class DraftRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open_draft(self, person_id: str, kind: str) -> RowMapping | None:
        """The newest open draft of this kind: a retried request updates it instead of adding a duplicate."""
        return self.session.execute(select(DRAFTS).where(
            DRAFTS.c.person_id == person_id, DRAFTS.c.kind == kind, DRAFTS.c.status == OPEN)
            .order_by(DRAFTS.c.id.desc())).mappings().first()

    def update_content(self, draft_id: int, content: str, conversation_id: str, now: dt.datetime) -> None:
        self.session.execute(update(DRAFTS).where(DRAFTS.c.id == draft_id)
                             .values(content=content, updated_at=now, conversation_id=conversation_id))

    def add(self, person_id: str, kind: str, content: str, conversation_id: str, now: dt.datetime) -> int:
        """A new open draft, still without its reference (that is made from the id given here)."""
        result = self.session.execute(insert(DRAFTS).values(
            person_id=person_id, kind=kind, status=OPEN, content=content, conversation_id=conversation_id,
            created_at=now, updated_at=now))
        return int(result.inserted_primary_key[0])

    def set_reference(self, draft_id: int, reference: str) -> None:
        self.session.execute(update(DRAFTS).where(DRAFTS.c.id == draft_id).values(reference=reference))

    def get(self, draft_id: int) -> RowMapping:
        return self.session.execute(select(DRAFTS).where(DRAFTS.c.id == draft_id)).mappings().one()

    def of_person(self, person_id: str) -> list[RowMapping]:
        return list(self.session.execute(select(DRAFTS).where(DRAFTS.c.person_id == person_id)
                                         .order_by(DRAFTS.c.id)).mappings().all())

    def by_reference(self, reference: str) -> RowMapping | None:
        return self.session.execute(select(DRAFTS).where(DRAFTS.c.reference == reference.upper())).mappings().first()

    def withdraw(self, person_id: str, reference: str, now: dt.datetime) -> bool:
        """False when the person has no open draft under that reference."""
        result = self.session.execute(update(DRAFTS).where(
            DRAFTS.c.person_id == person_id, DRAFTS.c.reference == reference.upper(), DRAFTS.c.status == OPEN)
            .values(status=WITHDRAWN, updated_at=now))
        return bool(result.rowcount)

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(DRAFTS)) or 0)
