"""Records that break the schema are refused with the field named; good ones round-trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from rules_engine.identity import make_id_number, mask_id_number, validate_id_number
from rules_engine.record_format import RecordError, parse_record, record_to_dict
from tests.rules_engine.builders import full_record, iso_dates

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "schema" / "record_errors.yml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_broken_record_names_its_field(case: dict[str, Any]) -> None:
    data = iso_dates(case["record"]) if case.get("raw") else full_record(case["record"])
    with pytest.raises(RecordError) as raised:
        parse_record(data)
    assert raised.value.field == case["field"]
    assert case["field"] in str(raised.value)
    assert case.get("says", "") in raised.value.reason


def test_schema_example_parses_and_round_trips() -> None:
    example = {
        "person_id": "P000123", "name": "王建国", "id_number": "520102198001011235", "birth_date": "1980-01-01",
        "phone": "13800000000",
        "employer": {"name": "贵州黔城建设工程有限公司", "credit_code": "91520100MA6H000001", "unit_type": "施工",
                     "city": "贵阳市"},
        "social_insurance_unit": {"name": "贵州黔城建设工程有限公司", "credit_code": "91520100MA6H000001"},
        "qualifications": [{"specialty": "建筑工程", "certificate_no": "0012345", "issued_on": "2019-10-12"}],
        "registrations": [{"specialty": "建筑工程", "registration_no": "黔252191900123", "kind": "初始注册",
                           "valid_from": "2020-03-01", "valid_until": "2023-02-28", "status": "有效"}],
        "certificate": {"form": "电子"},
        "continuing_education": [{"specialty": "建筑工程", "category": "必修", "hours": 30,
                                  "completed_on": "2021-05-01"}],
        "flags": [],
    }
    record = parse_record(example)
    assert record_to_dict(record) == example
    assert parse_record(record_to_dict(record)) == record


def test_birth_date_comes_from_id_number_when_absent() -> None:
    number = make_id_number("520102", dt.date(1960, 2, 29), "001")
    record = parse_record({"person_id": "P1", "name": "张三", "id_number": number,
                           "qualifications": [], "registrations": [], "continuing_education": []})
    assert record.birth_date == dt.date(1960, 2, 29)


def test_lower_case_x_is_accepted_as_check_character() -> None:
    numbers = (make_id_number("520102", dt.date(1985, 5, 5), f"{n:03d}") for n in range(1000))
    number = next(n for n in numbers if n.endswith("X"))
    assert validate_id_number(number.lower()) == number


def test_masking_keeps_four_and_four() -> None:
    assert mask_id_number("52010219800101123X") == "5201**********123X"
