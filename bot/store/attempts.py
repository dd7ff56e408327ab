"""Identification and login attempts, and which conversation first used each host-page token."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bot.store.models import HostTokenUse, VerificationAttempt

ATTEMPTS = VerificationAttempt.__table__
TOKEN_USES = HostTokenUse.__table__


class AttemptRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, conversation_key: str, kind: str, at: dt.datetime, succeeded: bool, *,
            subject_key: str | None = None, client_key: str | None = None, person_id: str | None = None,
            employer_code: str | None = None) -> None:
        self.session.execute(insert(ATTEMPTS).values(
            conversation_id=conversation_key, kind=kind, at=at, succeeded=succeeded, person_id=person_id,
            employer_code=employer_code, subject_key=subject_key, client_key=client_key))

    def subject_failures(self, kind: str, subject_key: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:
        """How many failed attempts at this subject since then, and when the latest was."""
        failures, latest = self.session.execute(
            select(func.count(), func.max(ATTEMPTS.c.at))
            .where(ATTEMPTS.c.kind == kind, ATTEMPTS.c.subject_key == subject_key, ATTEMPTS.c.at >= since,
                   ATTEMPTS.c.succeeded.is_(False))).one()
        return int(failures), latest

    def conversation_history(self, conversation_key: str, kind: str) -> list[tuple[dt.datetime, bool]]:
        """(at, succeeded) of this conversation's attempts of this kind, newest first."""
        rows = self.session.execute(
            select(ATTEMPTS.c.at, ATTEMPTS.c.succeeded)
            .where(ATTEMPTS.c.conversation_id == conversation_key, ATTEMPTS.c.kind == kind)
            .order_by(ATTEMPTS.c.at.desc(), ATTEMPTS.c.id.desc())).all()
        return [(at, bool(succeeded)) for at, succeeded in rows]

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(ATTEMPTS)) or 0)

    # --- host-page tokens ------------------------------------------------------------------------

    def token_owner(self, token_digest: str) -> str | None:
        owner = self.session.execute(select(TOKEN_USES.c.conversation_key)
                                     .where(TOKEN_USES.c.token_digest == token_digest)).scalar()
        return None if owner is None else str(owner)

    def add_token_use(self, token_digest: str, conversation_key: str, now: dt.datetime) -> None:
        """Raises IntegrityError when another conversation has claimed the token meanwhile."""
        self.session.execute(insert(TOKEN_USES).values(token_digest=token_digest, conversation_key=conversation_key,
                                                       first_used_at=now))

    def token_digests(self) -> list[str]:
        return list(self.session.scalars(select(TOKEN_USES.c.token_digest)))
