"""Hand-over tickets: open, claimed by one of the helpdesk, closed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from bot.store.models import HandoverTicket

TICKETS = HandoverTicket.__table__


class TicketRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, conversation_id: str, person_id: str | None, reason: str, transcript: str,
            now: dt.datetime) -> int:
        result = self.session.execute(insert(TICKETS).values(
            conversation_id=conversation_id, person_id=person_id, reason=reason, transcript=transcript,
            status="open", created_at=now))
        return int(result.inserted_primary_key[0])

    def listed(self, include_closed: bool = False) -> list[RowMapping]:
        query = select(TICKETS).order_by(TICKETS.c.id)
        if not include_closed:
            query = query.where(TICKETS.c.status != "closed")
        return list(self.session.execute(query).mappings().all())

    def get(self, ticket_id: int) -> RowMapping | None:
        return self.session.execute(select(TICKETS).where(TICKETS.c.id == ticket_id)).mappings().first()

    def claim(self, ticket_id: int, username: str) -> bool:
        """False when the ticket is not open (already claimed, closed, or unknown)."""
        result = self.session.execute(update(TICKETS).where(TICKETS.c.id == ticket_id, TICKETS.c.status == "open")
                                      .values(status="claimed", claimed_by=username))
        return bool(result.rowcount)

    def close(self, ticket_id: int, username: str, now: dt.datetime) -> bool:
        """False when the ticket is already closed or unknown; whoever closes it is noted as its owner."""
        result = self.session.execute(update(TICKETS).where(TICKETS.c.id == ticket_id, TICKETS.c.status != "closed")
                                      .values(status="closed", closed_at=now, claimed_by=username))
        return bool(result.rowcount)
