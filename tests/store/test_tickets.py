from __future__ import annotations

import datetime as dt

from bot.store.unit_of_work import Database

NOW = dt.datetime(2025, 12, 1, 9)


def test_a_ticket_is_claimed_once_and_closed_once(database: Database) -> None:
    with database.unit_of_work() as uow:
        first = uow.tickets.add("conv-1", None, "转人工", "[]", NOW)
        second = uow.tickets.add("conv-2", None, "转人工", "[]", NOW)
        uow.commit()
    assert second == first + 1
    with database.unit_of_work() as uow:
        assert uow.tickets.claim(first, "kefu")
        assert not uow.tickets.claim(first, "other")  # already claimed
        assert uow.tickets.close(second, "admin", NOW)
        assert not uow.tickets.close(second, "admin", NOW)
        assert not uow.tickets.claim(second, "kefu")
        assert not uow.tickets.claim(first + 99, "kefu")
        uow.commit()
    with database.unit_of_work() as uow:
        assert [(t["id"], t["status"], t["claimed_by"]) for t in uow.tickets.listed()] == [(first, "claimed", "kefu")]
        assert [t["id"] for t in uow.tickets.listed(include_closed=True)] == [first, second]
        closed = uow.tickets.get(second)
        assert closed is not None and closed["closed_at"] == NOW and closed["claimed_by"] == "admin"
        assert uow.tickets.get(first + 99) is None
