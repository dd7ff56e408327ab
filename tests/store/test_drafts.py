from __future__ import annotations

import datetime as dt

from bot.store.drafts import OPEN, WITHDRAWN
from bot.store.unit_of_work import Database
from tests.store.conftest import PERSON_ID

NOW = dt.datetime(2025, 12, 1, 9)


def test_a_draft_is_added_found_updated_and_withdrawn(with_person: Database) -> None:
    with with_person.unit_of_work() as uow:
        assert uow.drafts.open_draft(PERSON_ID, "renewal") is None
        draft_id = uow.drafts.add(PERSON_ID, "renewal", '{"v": 1}', "conv-1", NOW)
        uow.drafts.set_reference(draft_id, "YX-2025-000001")
        uow.commit()
    later = NOW + dt.timedelta(hours=1)
    with with_person.unit_of_work() as uow:
        found = uow.drafts.open_draft(PERSON_ID, "renewal")
        assert found is not None and found["id"] == draft_id and found["status"] == OPEN
        assert uow.drafts.open_draft(PERSON_ID, "cancellation") is None
        uow.drafts.update_content(draft_id, '{"v": 2}', "conv-2", later)
        uow.commit()
    with with_person.unit_of_work() as uow:
        row = uow.drafts.get(draft_id)
        assert (row["content"], row["conversation_id"], row["updated_at"]) == ('{"v": 2}', "conv-2", later)
        by_reference = uow.drafts.by_reference("yx-2025-000001")  # typed in lower case
        assert by_reference is not None and by_reference["id"] == draft_id
        assert [r["id"] for r in uow.drafts.of_person(PERSON_ID)] == [draft_id]
        assert not uow.drafts.withdraw("P999999", "YX-2025-000001", later)
        assert uow.drafts.withdraw(PERSON_ID, "YX-2025-000001", later)
        uow.commit()
    with with_person.unit_of_work() as uow:
        assert uow.drafts.get(draft_id)["status"] == WITHDRAWN
        assert not uow.drafts.withdraw(PERSON_ID, "YX-2025-000001", later)  # only an open draft
        assert uow.drafts.open_draft(PERSON_ID, "renewal") is None
        assert uow.drafts.count() == 1


def test_nothing_is_kept_without_a_commit(with_person: Database) -> None:
    with with_person.unit_of_work() as uow:
        uow.drafts.add(PERSON_ID, "renewal", "{}", "conv-1", NOW)
    with with_person.unit_of_work() as uow:
        assert uow.drafts.count() == 0
