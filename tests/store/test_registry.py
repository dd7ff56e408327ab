"""The registry on a real database (SQLite, and PostgreSQL where a server can be had)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.exchange.exporter import exported_lines
from bot.exchange.importer import ImportInterrupted, import_file
from bot.services.rosters import employer_roster, expiring_within, short_of_hours
from bot.store.models import CourseRecord, Person, Registration
from bot.store.unit_of_work import Database
from rules_engine.record_format import parse_record
from rules_engine.report import status_report
from rules_engine.report_json import report_to_dict
from tests.bot.records import EMPLOYER, OTHER_EMPLOYER, lines, person

AS_OF = dt.date(2025, 12, 1)


def write(tmp_path: Path, text: str, name: str = "export.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def count(database: Database, model: type) -> int:
    with database.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model.__table__)) or 0)


def test_import_stores_exactly_the_records_the_rules_engine_reads(database: Database, tmp_path: Path) -> None:
    first, second = person("P000001"), person("P000002", name="李娜", birth="1975-02-28")
    result = import_file(database, write(tmp_path, lines(first, second)))
    assert (result.stored, result.rejected) == (2, 0)
    with database.unit_of_work() as uow:
        assert uow.registry.get("P000001") == parse_record(first)
        assert uow.registry.get("P000002") == parse_record(second)
        assert uow.registry.get("P404") is None


def test_bad_lines_are_reported_and_good_lines_stored(database: Database, tmp_path: Path) -> None:
    broken_id = person("P000002", id_number="520102198001011234")
    bad_date = person("P000003", registrations=[{"specialty": "建筑工程", "kind": "初始注册", "valid_from": "2023-02-30",
                                                 "valid_until": "2026-02-27", "status": "有效"}])
    text = lines(person("P000001"), broken_id, "{not json", bad_date, person("P000005"))
    result = import_file(database, write(tmp_path, text))
    assert result.stored == 2
    found = [(e.line, e.field) for e in result.errors]
    assert found == [(2, "id_number"), (3, "整行"), (4, "registrations[0].valid_from")]
    assert "第2行" in result.errors[0].message() and "校验位" in result.errors[0].message()
    assert count(database, Person) == 2


def test_strict_import_stores_nothing_when_a_line_is_bad(database: Database, tmp_path: Path) -> None:
    import_file(database, write(tmp_path, lines(person("P000001")), "before.jsonl"))
    changed = person("P000001", name="王改名")
    result = import_file(database, write(tmp_path, lines(changed, person("P000009", id_number="1"))), strict=True)
    assert result.strict_refused and result.stored == 0
    with database.unit_of_work() as uow:
        assert uow.registry.get("P000001") == parse_record(person("P000001"))
        assert uow.registry.get("P000009") is None


def test_reimport_replaces_the_whole_record(database: Database, tmp_path: Path) -> None:
    import_file(database, write(tmp_path, lines(person("P000001")), "a.jsonl"))
    smaller = person("P000001", registrations=[], continuing_education=[], employer=None, social_insurance_unit=None)
    import_file(database, write(tmp_path, lines(smaller), "b.jsonl"))
    with database.unit_of_work() as uow:
        assert uow.registry.get("P000001") == parse_record(smaller)
    assert count(database, Registration) == 0
    assert count(database, CourseRecord) == 0


def test_a_later_line_for_the_same_person_wins(database: Database, tmp_path: Path) -> None:
    import_file(database, write(tmp_path, lines(person("P000001"), person("P000001", name="后一行"))))
    with database.unit_of_work() as uow:
        record = uow.registry.get("P000001")
    assert record is not None and record.name == "后一行"


def test_interrupted_import_keeps_what_was_committed_and_no_half_record(database: Database, tmp_path: Path) -> None:
    import_file(database, write(tmp_path, lines(person("P000100")), "before.jsonl"))
    path = write(tmp_path, lines(*(person(f"P{n:06d}") for n in range(1, 8))))
    seen = []

    def interrupt_at_line_six(size: int) -> None:
        seen.append(size)
        if len(seen) == 6:
            raise KeyboardInterrupt

    with pytest.raises(ImportInterrupted) as raised:
        import_file(database, path, batch_size=2, progress=interrupt_at_line_six)
    assert raised.value.result.last_committed_line == 4
    with database.unit_of_work() as uow:
        assert set(uow.registry.all_person_ids()) == {"P000001", "P000002", "P000003", "P000004", "P000100"}
        for person_id in uow.registry.all_person_ids():
            assert len(uow.registry.get(person_id).registrations) == 1  # type: ignore[union-attr]


def test_export_then_import_is_lossless(database: Database, tmp_path: Path) -> None:
    originals = [person("P000001"), person("P000002", name="张三", employer=OTHER_EMPLOYER,
                                                social_insurance_unit={"name": "别的单位", "credit_code": "X1"},
                                                certificate={"form": "纸质"}, phone=None)]
    import_file(database, write(tmp_path, lines(*originals)))
    exported = list(exported_lines(database))
    assert [parse_record(json.loads(line)) for line in exported] == [parse_record(r) for r in originals]
    second = Database(f"sqlite:///{tmp_path / 'second.db'}")
    from bot.store.migrate import upgrade_to_head

    upgrade_to_head(second.url)
    import_file(second, write(tmp_path, "\n".join(exported) + "\n", "again.jsonl"))
    assert list(exported_lines(second)) == exported
    second.dispose()


def test_report_from_the_database_equals_report_from_the_exported_line(database: Database, tmp_path: Path) -> None:
    import_file(database, write(tmp_path, lines(person("P000001"))))
    line = next(exported_lines(database, ["P000001"]))
    with database.unit_of_work() as uow:
        stored = uow.registry.get("P000001")
    assert stored is not None
    assert report_to_dict(status_report(stored, AS_OF)) == report_to_dict(
        status_report(parse_record(json.loads(line)), AS_OF))


def test_lookups_by_name_and_last_six_digits_and_by_registration_number(database: Database, tmp_path: Path) -> None:
    record = person("P000001")
    import_file(database, write(tmp_path, lines(record, person("P000002", name="李娜", birth="1975-02-28"))))
    with database.unit_of_work() as uow:
        found = uow.registry.find_by_name_and_id_last6("王建国", record["id_number"][-6:])
        assert [r.person_id for r in found] == ["P000001"]
        assert uow.registry.find_by_name_and_id_last6("王建国", "000000") == []
        assert uow.registry.find_by_name_and_id_last6("李娜", record["id_number"][-6:]) == []
        by_number = uow.registry.find_by_registration_no("黔252000002")
        assert by_number is not None and by_number.person_id == "P000002"
        assert uow.registry.find_by_registration_no("黔000") is None


def test_employer_queries(database: Database, tmp_path: Path) -> None:
    soon = person("P000001")  # valid until 2026-02-28
    later = person("P000002", registrations=[{"specialty": "建筑工程", "registration_no": "黔252X", "kind": "初始注册",
                                              "valid_from": "2024-06-01", "valid_until": "2027-05-31", "status": "有效"}],
                   continuing_education=[{"specialty": None, "category": "必修", "hours": 60, "completed_on": "2024-07-01"},
                                         {"specialty": None, "category": "选修", "hours": 60, "completed_on": "2024-08-01"}])
    elsewhere = person("P000003", employer=OTHER_EMPLOYER)
    import_file(database, write(tmp_path, lines(soon, later, elsewhere)))
    with database.unit_of_work() as uow:
        code = EMPLOYER["credit_code"]
        assert [r.record.person_id for r in employer_roster(uow.registry, code, AS_OF)] == ["P000001", "P000002"]
        assert [r.record.person_id for r in expiring_within(uow.registry, code, AS_OF, 89)] == ["P000001"]
        assert [r.record.person_id for r in expiring_within(uow.registry, code, AS_OF, 88)] == []
        assert [r.record.person_id for r in short_of_hours(uow.registry, AS_OF, code)] == ["P000001"]
        assert {r.record.person_id for r in short_of_hours(uow.registry, AS_OF)} == {"P000001", "P000003"}
        assert uow.registry.employer(code)["name"] == EMPLOYER["name"]


def test_a_failed_unit_of_work_leaves_nothing(database: Database, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), database.unit_of_work() as uow:
        uow.registry.replace_records([parse_record(person("P000001"))], dt.datetime(2025, 1, 1))
        raise RuntimeError("boom")
    assert count(database, Person) == 0


def test_a_failed_statement_does_not_show_its_values(tmp_path: Path) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'hidden.db'}")
    with pytest.raises(SQLAlchemyError) as failure, engine.connect() as connection:
        connection.execute(text("INSERT INTO no_such_table VALUES (:number)"), {"number": "520102198001011235"})
    assert "520102198001011235" not in str(failure.value)
