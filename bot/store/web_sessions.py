"""Staff and employer logins kept in the database, so that logging out ends a session on every replica, whatever
copy of its cookie is still around. Only a digest of the session's id is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import insert, select, update

from bot.store.models import WebSession
from bot.store.unit_of_work import UnitOfWork

SESSIONS = WebSession.__table__


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def open_session(uow: UnitOfWork, kind: str, account: str, now: dt.datetime, lasts: dt.timedelta) -> str:
    session_id = secrets.token_urlsafe(32)
    uow.session.execute(insert(SESSIONS).values(session_digest=_digest(session_id), kind=kind, account=account,
                                                created_at=now, expires_at=now + lasts))
    uow.commit()
    return session_id


def session_active(uow: UnitOfWork, session_id: str, kind: str, now: dt.datetime) -> bool:
    found = uow.session.execute(select(SESSIONS.c.session_digest).where(
        SESSIONS.c.session_digest == _digest(session_id), SESSIONS.c.kind == kind, SESSIONS.c.ended_at.is_(None),
        SESSIONS.c.expires_at > now)).first()
    return found is not None


def end_session(uow: UnitOfWork, session_id: str, now: dt.datetime) -> None:
    uow.session.execute(update(SESSIONS).where(SESSIONS.c.session_digest == _digest(session_id),
                                               SESSIONS.c.ended_at.is_(None)).values(ended_at=now))
    uow.commit()
