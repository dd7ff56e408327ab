"""A use case's writes are one transaction: a ticket change and its audit row are kept together or not at all."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services import helpdesk
from bot.store.audit import AuditRepository
from bot.store.unit_of_work import Database

NOW = dt.datetime(2025, 12, 1, 9)


class AuditDown(RuntimeError):
    pass


def open_ticket(database: Database) -> int:
    with database.unit_of_work() as uow:
        ticket_id = uow.tickets.add("conv-1", None, "转人工", "[]", NOW)
        uow.commit()
    return ticket_id


def test_a_ticket_change_and_its_audit_row_are_one_commit(database: Database) -> None:
    ticket_id = open_ticket(database)
    with database.unit_of_work() as uow:
        assert helpdesk.change_ticket(uow, ticket_id, "claim", "kefu", NOW)
    with database.unit_of_work() as uow:
        found = uow.tickets.get(ticket_id)
        assert found is not None and found["status"] == "claimed"
        assert [(e["actor"], e["action"]) for e in uow.audit.latest()] == [("kefu", "ticket_claim")]


@pytest.mark.parametrize("action", ["claim", "close"])
def test_a_failed_audit_write_takes_the_ticket_change_with_it(database: Database, monkeypatch: pytest.MonkeyPatch,
                                                              action: str) -> None:
    ticket_id = open_ticket(database)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AuditDown

    monkeypatch.setattr(AuditRepository, "add", fail)
    with pytest.raises(AuditDown), database.unit_of_work() as uow:
        helpdesk.change_ticket(uow, ticket_id, action, "kefu", NOW)
    monkeypatch.undo()
    with database.unit_of_work() as uow:
        found = uow.tickets.get(ticket_id)
        assert found is not None
        assert (found["status"], found["claimed_by"], found["closed_at"]) == ("open", None, None)
        assert uow.audit.latest() == []


def test_viewing_a_ticket_is_audited(database: Database) -> None:
    ticket_id = open_ticket(database)
    with database.unit_of_work() as uow:
        assert helpdesk.view_ticket(uow, ticket_id, "kefu", NOW) is not None
    with database.unit_of_work() as uow:
        assert [e["action"] for e in uow.audit.latest()] == ["view_ticket"]
