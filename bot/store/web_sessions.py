"""Staff and employer logins kept in the database, so that logging out ends a session on every replica, whatever
copy of its cookie is still around. Only a digest of the session's id is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from bot.store.models import WebSession

SESSIONS = WebSession.__table__


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class WebSessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open(self, kind: str, account: str, now: dt.datetime, lasts: dt.timedelta) -> str:
        """The new session's id, for the cookie; the caller commits."""
        session_id = secrets.token_urlsafe(32)
        self.session.execute(insert(SESSIONS).values(session_digest=_digest(session_id), kind=kind, account=account,
                                                     created_at=now, expires_at=now + lasts))
        return session_id

    def active(self, session_id: str, kind: str, now: dt.datetime) -> bool:
        found = self.session.execute(select(SESSIONS.c.session_digest).where(
            SESSIONS.c.session_digest == _digest(session_id), SESSIONS.c.kind == kind, SESSIONS.c.ended_at.is_(None),
            SESSIONS.c.expires_at > now)).first()
        return found is not None

    def end(self, session_id: str, now: dt.datetime) -> None:
        self.session.execute(update(SESSIONS).where(SESSIONS.c.session_digest == _digest(session_id),
                                                    SESSIONS.c.ended_at.is_(None)).values(ended_at=now))
