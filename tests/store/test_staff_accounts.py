from __future__ import annotations

import datetime as dt

from bot.store.unit_of_work import Database

NOW = dt.datetime(2025, 12, 1, 9)


def test_an_account_is_added_found_and_given_a_new_hash(database: Database) -> None:
    with database.unit_of_work() as uow:
        assert not uow.staff.exists("kefu")
        uow.staff.add("kefu", "hash-1", False, NOW)
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.staff.exists("kefu") and not uow.staff.exists("KEFU")
        account = uow.staff.by_username("kefu")
        assert account is not None and account["password_hash"] == "hash-1" and not account["is_admin"]
        uow.staff.set_password_hash(account["id"], "hash-2")
        uow.commit()
    with database.unit_of_work() as uow:
        account = uow.staff.by_username("kefu")
        assert account is not None and account["password_hash"] == "hash-2"
        assert uow.staff.by_username("nobody") is None
