from __future__ import annotations

import datetime as dt

from bot.store.unit_of_work import Database

NOW = dt.datetime(2025, 12, 1, 9)


def test_the_latest_events_come_first(database: Database) -> None:
    with database.unit_of_work() as uow:
        for index in range(3):
            uow.audit.add(NOW + dt.timedelta(minutes=index), "kefu", "lookup", None, f'{{"n": {index}}}')
        uow.commit()
    with database.unit_of_work() as uow:
        assert [event["details"] for event in uow.audit.latest()] == ['{"n": 2}', '{"n": 1}', '{"n": 0}']
        assert [event["details"] for event in uow.audit.latest(limit=1)] == ['{"n": 2}']
        assert uow.audit.latest()[0]["actor"] == "kefu"
