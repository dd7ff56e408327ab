"""Turns and 好差评 ratings: what was asked, what the assistant did, and how it was judged (bot/store/models.Turn)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.store.models import ServiceRating, Turn

TURNS = Turn.__table__
RATINGS = ServiceRating.__table__


class TurnRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
