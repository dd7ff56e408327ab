"""Worked examples of the status report, one YAML file per clause, computed by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from rules_engine import parse_record, report_to_dict, status_report
from tests.rules_engine.builders import full_record, iso_dates

CASES_DIR = Path(__file__).parent / "cases" / "report"


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            params.append(pytest.param(document["clause"], case, id=f"{path.stem}:{case['name']}"))
    return params


def assert_subset(expected: Any, actual: Any, where: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing from the report"
            assert_subset(value, actual[key], f"{where}.{key}")
    else:
        assert actual == expected, f"{where}: expected {expected!r}, got {actual!r}"


@pytest.mark.parametrize(("clause", "case"), load_cases())
def test_report_case(clause: str, case: dict[str, Any]) -> None:
    as_of = case["as_of"] if isinstance(case["as_of"], dt.date) else dt.date.fromisoformat(case["as_of"])
    report = report_to_dict(status_report(parse_record(full_record(case["record"])), as_of))
    expected = iso_dates(case["expect"])
    specialties = expected.pop("specialties", {})
    assert_subset(expected, report, "report")
    by_name = {entry["specialty"]: entry for entry in report["specialties"]}
    for name, fields in specialties.items():
        assert name in by_name, f"no entry for {name} in {sorted(by_name)}"
        assert_subset(fields, by_name[name], name)
    cited = {finding["clause"] for finding in report["findings"]}
    for clause_id in case.get("cites", []):
        assert clause_id in cited, f"{clause_id} not cited; findings cite {sorted(cited)}"
