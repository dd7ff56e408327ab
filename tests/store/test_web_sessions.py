from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.store.unit_of_work import Database
from bot.store.web_sessions import SESSIONS

NOW = dt.datetime(2025, 12, 1, 9)
HOUR = dt.timedelta(hours=1)


def test_a_session_is_active_until_it_ends_or_expires(database: Database) -> None:
    with database.unit_of_work() as uow:
        first = uow.web_sessions.open("staff", "kefu", NOW, HOUR)
        second = uow.web_sessions.open("staff", "kefu", NOW, HOUR)
        uow.commit()
    assert first != second
    with database.unit_of_work() as uow:
        assert uow.web_sessions.active(first, "staff", NOW + dt.timedelta(minutes=59))
        assert not uow.web_sessions.active(first, "employer", NOW)  # another kind of login
        assert not uow.web_sessions.active(first, "staff", NOW + HOUR)
        assert not uow.web_sessions.active("made-up", "staff", NOW)
        uow.web_sessions.end(first, NOW)
        uow.commit()
    with database.unit_of_work() as uow:
        assert not uow.web_sessions.active(first, "staff", NOW)
        assert uow.web_sessions.active(second, "staff", NOW)


def test_only_a_digest_of_the_id_is_stored(database: Database) -> None:
    with database.unit_of_work() as uow:
        session_id = uow.web_sessions.open("staff", "kefu", NOW, HOUR)
        uow.commit()
    with database.engine.connect() as connection:
        digests = list(connection.scalars(select(SESSIONS.c.session_digest)))
    assert len(digests) == 1 and session_id not in digests[0]
