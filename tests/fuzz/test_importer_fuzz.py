"""The importer against arbitrary lines: it never raises, names each bad line in Chinese, and never
stores anything that would not parse again on export."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.demo.data import demo_records
from bot.exchange.exporter import exported_lines
from bot.exchange.importer import import_file
from bot.store.migrate import upgrade_to_head
from bot.store.unit_of_work import Database
from rules_engine.record_format import parse_record

CHINESE = re.compile(r"[\u4e00-\u9fff]")
DEMO = demo_records(24, seed=11, today=dt.date(2025, 12, 1))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=20),
    st.sampled_from(["", " ", "2025-02-30", "2025-13-01", "０２０２５-01-01", "9999-12-31", "0001-01-01",
                     "<script>alert(1)</script>", "'; DROP TABLE persons; --", "\x00", "\ud800", "建筑工程",
                     "有效", "必修", "x" * 5000]),
)
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                             st.dictionaries(st.text(max_size=12), inner, max_size=5)),
                           max_leaves=20)
KEYS = ["person_id", "name", "id_number", "birth_date", "phone", "employer", "social_insurance_unit",
        "qualifications", "registrations", "continuing_education", "certificate", "flags"]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


@st.composite
def mutated_demo(draw: st.DrawFn) -> dict[str, Any]:
    record = copy.deepcopy(draw(st.sampled_from(DEMO)))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(record)
        path = draw(st.sampled_from(paths))
        parent: Any = record
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "replace", "top"]))
        if action == "top":
            record[draw(st.sampled_from(KEYS))] = draw(json_values)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    if draw(st.booleans()):
        record["person_id"] = draw(st.sampled_from(["F1", "F2", "F3"]))
    return record


def _line(value: Any) -> bytes:
    """\\u escapes: lone surrogates and NUL reach the importer as a JSON file can carry them."""
    return json.dumps(value).encode("ascii")


lines = st.one_of(
    json_values.map(_line),
    mutated_demo().map(_line),
    st.sampled_from(DEMO).map(_line),
    st.binary(max_size=40),
    st.sampled_from([b"{", b"[" * 5000 + b"]" * 5000, b'{"hours": Infinity}', b"\xff\xfe",
                     b'{"person_id": "P", "name": "' + b"\\ud800" + b'"}', b"null", b"[]", b'"text"']),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "template.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(lines, min_size=1, max_size=6), st.booleans())
def test_importer_never_raises_and_stores_only_what_parses_again(template: Path, tmp_path_factory: pytest.TempPathFactory,
                                                                 chosen: list[bytes], strict: bool) -> None:
    work = tmp_path_factory.mktemp("case")
    db_file = work / "registry.db"
    shutil.copy(template, db_file)
    export = work / "in.jsonl"
    export.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in chosen) + b"\n")
    database = Database(f"sqlite:///{db_file}")
    try:
        result = import_file(database, export, strict=strict)
        non_empty = sum(1 for line in chosen if line.replace(b"\n", b" ").strip())
        assert result.lines == non_empty
        for error in result.errors:
            assert error.field and CHINESE.search(error.reason), error
            assert CHINESE.search(error.message())
        if strict and result.errors:
            assert result.stored == 0 and result.strict_refused
        else:
            assert result.stored + result.rejected == result.lines
        exported = list(exported_lines(database))
        for line in exported:
            parse_record(json.loads(line))
        assert len(exported) <= result.stored
    finally:
        database.dispose()


def _valid() -> dict[str, Any]:
    return copy.deepcopy(DEMO[0])


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    record = _valid()
    target: Any = record
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return record


@pytest.mark.parametrize(("line", "field", "reason"), [
    (b"[" * 100_000 + b"]" * 100_000, "整行", "嵌套层次太深"),
    (_line(_with(("continuing_education",), [{"category": "必修", "hours": 10**400, "completed_on": "2024-01-01"}])),
     "整行", "无法按记录格式读取"),
    (b'{"person_id": "P9", "name": "x", "id_number": "520102198001011235", "registrations": [], '
     b'"qualifications": [], "continuing_education": [{"category": "\\u5fc5\\u4fee", "hours": Infinity, '
     b'"completed_on": "2024-01-01"}]}', "continuing_education[0].hours", "有限"),
    (_line(_with(("name",), "李\u0000四")), "name", "空字符"),
    (_line(_with(("name",), "李\ud800四")), "name", "孤立代理项"),
    (_line(_with(("name",), "李" * 101)), "name", "超过100个字符"),
    (_line(_with(("person_id",), "P" * 65)), "person_id", "超过64个字符"),
    (_line(_with(("employer", "city"), "贵" * 51)), "employer.city", "超过50个字符"),
    (_line(_with(("flags",), ["ok", "\u0000"])), "flags[1]", "空字符"),
    (_line(_with(("continuing_education", 0, "hours"), 1e308)), "continuing_education[0].hours", "不应超过1000学时"),
    (_line(_with(("registrations", 0, "valid_until"), "9999-12-31")), "registrations[0].valid_until", "1900年至2099年"),
    (_line(_with(("qualifications", 0, "issued_on"), "1899-12-31")), "qualifications[0].issued_on", "1900年至2099年"),
])
def test_lines_a_database_could_not_keep_are_refused_in_chinese(template: Path, tmp_path: Path, line: bytes,
                                                                field: str, reason: str) -> None:
    db_file = tmp_path / "registry.db"
    shutil.copy(template, db_file)
    (tmp_path / "in.jsonl").write_bytes(line + b"\n" + _line(_valid()) + b"\n")
    database = Database(f"sqlite:///{db_file}")
    try:
        result = import_file(database, tmp_path / "in.jsonl")
        assert result.stored == 1 and len(result.errors) == 1
        assert result.errors[0].field == field and reason in result.errors[0].reason
        assert [json.loads(line)["person_id"] for line in exported_lines(database)] == [DEMO[0]["person_id"]]
    finally:
        database.dispose()


@pytest.mark.parametrize("strict", [True, False])
def test_an_empty_file_stores_nothing_and_does_not_fail(template: Path, tmp_path: Path, strict: bool) -> None:
    db_file = tmp_path / "registry.db"
    shutil.copy(template, db_file)
    (tmp_path / "in.jsonl").write_bytes(b"\n  \n")
    database = Database(f"sqlite:///{db_file}")
    try:
        result = import_file(database, tmp_path / "in.jsonl", strict=strict)
        assert (result.lines, result.stored, result.rejected) == (0, 0, 0)
        assert list(exported_lines(database)) == []
    finally:
        database.dispose()
