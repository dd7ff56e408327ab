"""Export lines for registry tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.exchange.importer import import_file
from bot.store.migrate import upgrade_to_head
from bot.store.unit_of_work import Database
from tests.rules_engine.builders import full_record

EMPLOYER = {"name": "贵州黔城建设工程有限公司", "credit_code": "91520100MA6H000001", "unit_type": "施工", "city": "贵阳市"}
OTHER_EMPLOYER = {"name": "遵义汇川监理有限公司", "credit_code": "91520300MA6H000002", "unit_type": "监理",
                  "city": "遵义市"}


def person(person_id: str, name: str = "王建国", birth: str = "1980-01-01", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "person_id": person_id, "name": name, "birth_date": birth, "phone": "13800000000",
        "employer": EMPLOYER, "social_insurance_unit": {"name": EMPLOYER["name"], "credit_code": EMPLOYER["credit_code"]},
        "qualifications": [{"specialty": "建筑工程", "certificate_no": "0012345", "issued_on": "2019-10-12"}],
        "registrations": [{"specialty": "建筑工程", "registration_no": f"黔252{person_id[-6:]}", "kind": "初始注册",
                           "valid_from": "2023-03-01", "valid_until": "2026-02-28", "status": "有效"}],
        "certificate": {"form": "电子"},
        "continuing_education": [
            {"specialty": "建筑工程", "category": "必修", "hours": 30, "completed_on": "2024-05-01"},
            {"specialty": None, "category": "选修", "hours": 12.5, "completed_on": "2024-06-01"}],
        "flags": ["示例"],
    }
    base.update(fields)
    return full_record(base)


def lines(*records: dict[str, Any] | str) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def registry_with(url: str, work: Path, *records: dict[str, Any]) -> Database:
    """A registry at `url` on the latest schema holding exactly `records`; the caller disposes of it."""
    upgrade_to_head(url)
    database = Database(url)
    export = work / "records.jsonl"
    export.write_text(lines(*records), encoding="utf-8")
    result = import_file(database, export)
    assert result.stored == len(records), [e.message() for e in result.errors]
    return database
