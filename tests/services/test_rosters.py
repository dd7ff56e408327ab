"""An employer's lists, from the registry (bot/services/rosters.py) to the worded page (bot/replies/employer.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.replies.employer import PAGE_SIZE, employer_list
from bot.services.rosters import employer_reports
from tests.bot.records import EMPLOYER, OTHER_EMPLOYER, person, registry_with


def test_an_employer_sees_its_own_registrants_running_out_soonest_first_and_pages_of_ten(tmp_path: Path) -> None:
    people = [person(f"P{index:06d}", registrations=[{
        "specialty": "建筑工程", "registration_no": f"黔252{index:06d}", "kind": "初始注册", "valid_from": "2023-03-01",
        "valid_until": (dt.date(2026, 2, 1) + dt.timedelta(days=index)).isoformat(), "status": "有效"}])
        for index in range(1, 13)]
    people.append(person("P000099", name="别家人", employer=OTHER_EMPLOYER))
    database = registry_with(f"sqlite:///{tmp_path / 'roster.db'}", tmp_path, *people)
    try:
        as_of = dt.date(2026, 1, 20)
        reports = employer_reports(database, EMPLOYER["credit_code"], "expiring", as_of, 30)
    finally:
        database.dispose()
    assert [r.record.person_id for r in reports] == [f"P{index:06d}" for index in range(1, 13)]
    first, second = (employer_list(reports, "expiring", as_of, 30, offset) for offset in (0, PAGE_SIZE))
    assert (first.page, first.pages, second.page) == (1, 2, 2)
    assert "别家人" not in first.text + second.text and "2026年2月2日" in first.text
    assert "5201**********" in first.text and "520102" not in first.text.replace("5201**********", "")
