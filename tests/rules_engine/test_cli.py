"""python -m rules_engine report: the contract of docs/registry/status-report.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.rules_engine.builders import full_record

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_EXAMPLE = {
    "person_id": "P000123", "name": "王建国", "id_number": "520102198001011235", "birth_date": "1980-01-01",
    "qualifications": [{"specialty": "建筑工程", "certificate_no": "0012345", "issued_on": "2019-10-12"}],
    "registrations": [{"specialty": "建筑工程", "registration_no": "黔252191900123", "kind": "延续注册",
                       "valid_from": "2023-02-28", "valid_until": "2026-02-28", "status": "有效"}],
    "continuing_education": [{"specialty": "建筑工程", "category": "必修", "hours": 30, "completed_on": "2024-05-01"}],
}
REQUIRED_SPECIALTY_FIELDS = {"specialty", "registration_status", "valid_until", "renewal_apply_by", "renewal_eligible",
                             "renewal_new_valid_until", "initial_registration_deadline", "needs_ce_before_registering"}
REQUIRED_HOURS_FIELDS = {"required_hours", "required_compulsory", "required_elective", "completed_compulsory",
                         "completed_elective", "shortfall_hours"}


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "ASSISTANT_TODAY"}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "rules_engine", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=environment, timeout=60)


def test_report_has_every_contract_field(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_text(json.dumps(SCHEMA_EXAMPLE, ensure_ascii=False), encoding="utf-8")
    result = run("report", "--as-of", "2025-03-01", str(path))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["as_of"] == "2025-03-01" and report["person_id"] == "P000123"
    assert report["age_65_on"] == "2045-01-01"
    entry = report["specialties"][0]
    assert entry.keys() >= REQUIRED_SPECIALTY_FIELDS
    assert entry["renewal_apply_by"] == "2026-01-29"
    assert entry["renewal_new_valid_until"] == "2028-02-29"
    assert entry["renewal_eligible"] is False
    assert report["continuing_education"].keys() >= REQUIRED_HOURS_FIELDS
    assert report["continuing_education"]["shortfall_hours"] == 90
    assert all({"topic", "text", "clause"} <= f.keys() for f in report["findings"])
    assert "520102198001011235" not in result.stdout


def test_report_reads_standard_input() -> None:
    result = run("report", "--as-of", "2025-03-01", "-", stdin=json.dumps(SCHEMA_EXAMPLE, ensure_ascii=False))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["person_id"] == "P000123"


def test_as_of_may_come_from_assistant_today() -> None:
    result = run("report", "-", stdin=json.dumps(SCHEMA_EXAMPLE), env={"ASSISTANT_TODAY": "2026-01-30"})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["as_of"] == "2026-01-30"
    assert report["specialties"][0]["renewal_eligible"] is False


def test_json_lines_give_one_report_a_line() -> None:
    second = full_record({"person_id": "P2", "birth_date": "1970-05-05"})
    lines = json.dumps(SCHEMA_EXAMPLE) + "\n" + json.dumps(second) + "\n"
    result = run("report", "--as-of", "2025-03-01", "-", stdin=lines)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["person_id"] for line in result.stdout.splitlines()] == ["P000123", "P2"]


@pytest.mark.parametrize(("change", "field"), [
    ({"id_number": "520102198001011234"}, "id_number"),
    ({"registrations": [{**SCHEMA_EXAMPLE["registrations"][0], "specialty": "航道工程"}]},  # type: ignore[dict-item]
     "registrations[0].specialty"),
    ({"birth_date": "1981-01-01"}, "birth_date"),
    ({"continuing_education": [{"specialty": None, "category": "必修", "hours": -1, "completed_on": "2024-01-01"}]},
     "continuing_education[0].hours"),
    ({"qualifications": [{"specialty": "建筑工程", "issued_on": "2023-02-29"}]}, "qualifications[0].issued_on"),
])
def test_broken_record_exits_non_zero_naming_the_field(change: dict[str, object], field: str) -> None:
    result = run("report", "--as-of", "2025-03-01", "-", stdin=json.dumps({**SCHEMA_EXAMPLE, **change}))
    assert result.returncode != 0
    assert result.stdout == ""
    assert field in result.stderr
    assert "Traceback" not in result.stderr
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stderr)


@pytest.mark.parametrize(("args", "stdin", "says"), [
    (("report", "--as-of", "2025-03-01", "/nonexistent/file.json"), "", "找不到文件"),
    (("report", "--as-of", "2025-02-30", "-"), "{}", "查询日期"),
    (("report", "-"), "{}", "--as-of"),
    (("report", "--as-of", "2025-03-01", "-"), "{not json", "JSON"),
    (("report", "--as-of", "2025-03-01", "-"), "   ", "输入为空"),
    (("report", "--as-of", "2025-03-01", "-"), "[1,2]", "record"),
])
def test_bad_input_gets_a_chinese_message(args: tuple[str, ...], stdin: str, says: str) -> None:
    result = run(*args, stdin=stdin)
    assert result.returncode != 0
    assert says in result.stderr
    assert "Traceback" not in result.stderr
