"""Complete the short records of the YAML cases into exchange-format records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rules_engine.identity import make_id_number

TEST_REGION = "520102"
TEST_SEQUENCE = "123"


def iso_dates(value: Any) -> Any:
    """YAML reads 2025-03-21 as a date; the exchange format carries ISO strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: iso_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso_dates(v) for v in value]
    return value


def full_record(short: dict[str, Any]) -> dict[str, Any]:
    record = iso_dates(dict(short))
    try:
        birth = dt.date.fromisoformat(record.setdefault("birth_date", "1980-01-01"))
    except ValueError:  # a case about an impossible birth date still needs a valid number
        birth = dt.date(1980, 1, 1)
    record.setdefault("person_id", "T0001")
    record.setdefault("name", "测试")
    record.setdefault("id_number", make_id_number(TEST_REGION, birth, TEST_SEQUENCE))
    for key in ("qualifications", "registrations", "continuing_education"):
        record.setdefault(key, [])
    return record
