"""The reminder outbox and the opt-outs (bot/store/models.ReminderMessage, ReminderOptOut)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.store.models import ReminderMessage, ReminderOptOut

OUTBOX = ReminderMessage.__table__
OPT_OUTS = ReminderOptOut.__table__


class ReminderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
