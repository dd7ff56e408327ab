from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from bot.store.unit_of_work import Database

NOW = dt.datetime(2025, 12, 1, 9)


def test_failures_are_counted_per_subject_within_the_window(database: Database) -> None:
    with database.unit_of_work() as uow:
        for minutes, succeeded in ((0, False), (10, False), (20, True), (30, False)):
            uow.attempts.add("conv", "registrant", NOW + dt.timedelta(minutes=minutes), succeeded, subject_key="s")
        uow.attempts.add("conv", "employer", NOW, False, subject_key="s")
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.attempts.subject_failures("registrant", "s", NOW) == (3, NOW + dt.timedelta(minutes=30))
        assert uow.attempts.subject_failures("registrant", "s", NOW + dt.timedelta(minutes=5)) == (
            2, NOW + dt.timedelta(minutes=30))
        assert uow.attempts.subject_failures("registrant", "other", NOW) == (0, None)
        history = uow.attempts.conversation_history("conv", "registrant")
        assert history == [(NOW + dt.timedelta(minutes=m), ok) for m, ok in ((30, False), (20, True), (10, False),
                                                                               (0, False))]
        assert uow.attempts.count() == 5


def test_a_token_has_one_owner(database: Database) -> None:
    with database.unit_of_work() as uow:
        assert uow.attempts.token_owner("d" * 64) is None
        uow.attempts.add_token_use("d" * 64, "conv-1", NOW)
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.attempts.token_owner("d" * 64) == "conv-1"
        assert uow.attempts.token_digests() == ["d" * 64]
        with pytest.raises(IntegrityError):
            uow.attempts.add_token_use("d" * 64, "conv-2", NOW)
