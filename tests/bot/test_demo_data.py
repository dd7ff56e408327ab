"""The demo records: deterministic, valid, and each built around a situation that really holds
when the rules engine looks at it on `today`."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from bot.demo.data import (
    ALL_REGIONS,
    BIG_EMPLOYER_NAME,
    CITIES,
    FLAG_PREFIX,
    SITUATIONS,
    SPECIALTY_WEIGHTS,
    SURNAMES,
    credit_check_character,
    demo_records,
)
from rules_engine import parse_record, status_report
from rules_engine.calendar import period_end
from rules_engine.record import Record
from rules_engine.report import StatusReport
from rules_engine.vocabulary import FORM, KIND, STATUS, vocabulary

TODAY = dt.date(2026, 11, 25)
ELECTRONIC_FROM = dt.date(2023, 8, 1)
# Days that move the situations across month ends, leap days and the paper-certificate era.
TODAYS = [TODAY, dt.date(2024, 2, 29), dt.date(2025, 3, 1), dt.date(2023, 9, 15), dt.date(2028, 2, 28),
          dt.date(2023, 5, 10)]
GUIZHOU_PREFIXES = ("5201", "5202", "5203", "5204", "5205", "5206", "5223", "5226", "5227")
CITY_NAMES = {city for city, _, _ in CITIES}


def situation_of(record: dict[str, Any]) -> str:
    (flag,) = [f for f in record["flags"] if f.startswith(FLAG_PREFIX)]
    return str(flag[len(FLAG_PREFIX):])


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return demo_records(48, 7, TODAY)


@pytest.fixture(scope="module", params=[(seed, today) for seed in (1, 2) for today in TODAYS],
                ids=lambda p: f"seed{p[0]}-{p[1]}")
def generated(request: pytest.FixtureRequest) -> tuple[dt.date, list[dict[str, Any]]]:
    seed, today = request.param
    return today, demo_records(96, seed, today)


# -- determinism ---------------------------------------------------------------------------


def test_same_arguments_give_identical_output() -> None:
    assert demo_records(60, 3, TODAY) == demo_records(60, 3, TODAY)


def test_other_seed_or_day_gives_other_output() -> None:
    assert demo_records(60, 3, TODAY) != demo_records(60, 4, TODAY)
    assert demo_records(60, 3, TODAY) != demo_records(60, 3, TODAY + dt.timedelta(days=1))


def test_global_random_state_does_not_matter() -> None:
    random.seed(1)
    first = demo_records(40, 5, TODAY)
    random.seed(2)
    random.random()
    assert demo_records(40, 5, TODAY) == first


def test_situations_start_from_the_first() -> None:
    assert [situation_of(r) for r in demo_records(5, 1, TODAY)] == list(SITUATIONS[:5])


@pytest.mark.parametrize("count", [0, 1, 2, 3, 17, 18, 19])
def test_small_counts(count: int) -> None:
    out = demo_records(count, 1, TODAY)
    assert len(out) == count
    for record in out:
        parse_record(record)


# -- validity ------------------------------------------------------------------------------


def test_every_record_parses(generated: tuple[dt.date, list[dict[str, Any]]]) -> None:
    _, out = generated
    assert len(out) == 96
    for record in out:
        parsed = parse_record(record)
        assert parsed.birth_date.isoformat() == record["birth_date"]


def test_records_are_plain_json(records: list[dict[str, Any]]) -> None:
    for record in records:
        assert json.loads(json.dumps(record, ensure_ascii=False)) == record


def test_person_ids_and_numbers_are_unique() -> None:
    out = demo_records(2000, 11, TODAY)
    person_ids = [r["person_id"] for r in out]
    assert len(set(person_ids)) == len(person_ids)
    assert all(re.fullmatch(r"D\d{6}", p) for p in person_ids)
    numbers = [g["registration_no"] for r in out for g in r["registrations"]]
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"黔252\d{9}", n) for n in numbers)
    id_numbers = [r["id_number"] for r in out]
    assert len(set(id_numbers)) == len(id_numbers)


def test_identity_fields(generated: tuple[dt.date, list[dict[str, Any]]]) -> None:
    today, out = generated
    for record in out:
        id_number = record["id_number"]
        assert id_number[:6] in ALL_REGIONS
        assert id_number.startswith(GUIZHOU_PREFIXES)
        assert id_number[6:14] == record["birth_date"].replace("-", "")
        assert re.fullmatch(r"1\d{10}", record["phone"])
        name = record["name"]
        assert any(name.startswith(s) and 1 <= len(name) - len(s) <= 2 for s in SURNAMES), name
        age_65 = status_report(parse_record(record), today).age_65_on
        if situation_of(record) != "age_64":
            assert age_65 > today + dt.timedelta(days=365), record["person_id"]


def test_registration_periods_and_qualifications(generated: tuple[dt.date, list[dict[str, Any]]]) -> None:
    today, out = generated
    for record in out:
        issued = {q["specialty"]: dt.date.fromisoformat(q["issued_on"]) for q in record["qualifications"]}
        assert len(issued) == len(record["qualifications"])
        assert all(day <= today for day in issued.values())
        registrations = record["registrations"]
        for index, registration in enumerate(registrations):
            valid_from = dt.date.fromisoformat(registration["valid_from"])
            valid_until = dt.date.fromisoformat(registration["valid_until"])
            assert valid_from <= today
            assert issued[registration["specialty"]] < valid_from
            if index == 0:
                assert registration["kind"] != KIND.addition
                assert valid_until == period_end(valid_from, 3)
            else:
                first = registrations[0]
                assert registration["kind"] == KIND.addition
                assert registration["valid_until"] == first["valid_until"]
                assert first["valid_from"] < registration["valid_from"]
        birth = dt.date.fromisoformat(record["birth_date"])
        assert all((day - birth).days > 22 * 365 for day in issued.values())


def test_continuing_education_inside_the_period(generated: tuple[dt.date, list[dict[str, Any]]]) -> None:
    today, out = generated
    for record in out:
        courses = record["continuing_education"]
        if not record["registrations"]:
            assert courses == []
            continue
        valid = [r for r in record["registrations"] if r["status"] == STATUS.valid] or record["registrations"][:1]
        start = min(dt.date.fromisoformat(r["valid_from"]) for r in valid)
        end = min(today, max(dt.date.fromisoformat(r["valid_until"]) for r in valid))
        for course in courses:
            assert course["hours"] % 2 == 0 and 2 <= course["hours"] <= 60
            assert start <= dt.date.fromisoformat(course["completed_on"]) <= end
            if course["specialty"] is None:
                assert situation_of(record) == "specialty_free_hours"
            else:
                assert course["specialty"] in {r["specialty"] for r in valid}


def test_certificates_and_insurance(generated: tuple[dt.date, list[dict[str, Any]]]) -> None:
    today, out = generated
    for record in out:
        situation = situation_of(record)
        if record["registrations"]:
            form = record["certificate"]["form"]
            if situation == "paper_certificate" or today < ELECTRONIC_FROM:
                assert form == FORM.paper
            else:
                assert form == FORM.electronic
        else:
            assert "certificate" not in record
        employer, insurer = record["employer"], record["social_insurance_unit"]
        if situation == "insurance_mismatch":
            assert insurer["name"] != employer["name"]
            assert insurer["credit_code"] != employer["credit_code"]
        else:
            assert insurer == {"name": employer["name"], "credit_code": employer["credit_code"]}


# -- employers -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [50, 200, 2000])
def test_employer_pool(count: int) -> None:
    out = demo_records(count, 5, TODAY)
    employers = {r["employer"]["name"]: r["employer"] for r in out}
    assert len(employers) == max(3, round(count / 20))
    codes = [e["credit_code"] for e in employers.values()]
    assert len(set(codes)) == len(codes)
    for employer in employers.values():
        code = employer["credit_code"]
        assert re.fullmatch(r"9152\d{4}[0-9A-HJ-NP-RTUW-Y]{10}", code), code
        assert code[2:8] in ALL_REGIONS
        assert credit_check_character(code[:17]) == code[17]
        assert employer["unit_type"] in vocabulary().unit_types
        assert employer["city"] in CITY_NAMES
        assert employer["name"].endswith(("有限公司", "分公司"))
    per_employer = Counter(r["employer"]["name"] for r in out)
    (biggest, size), *_ = per_employer.most_common(1)
    assert biggest == BIG_EMPLOYER_NAME
    assert size >= 0.3 * count
    assert min(per_employer.values()) >= 3
    # The big roster shows every situation.
    assert {situation_of(r) for r in out if r["employer"]["name"] == BIG_EMPLOYER_NAME} == set(SITUATIONS)


def test_specialty_weights_cover_the_vocabulary() -> None:
    assert set(SPECIALTY_WEIGHTS) == set(vocabulary().specialties)


# -- situations ----------------------------------------------------------------------------


def test_every_situation_occurs_at_48(records: list[dict[str, Any]]) -> None:
    assert len(SITUATIONS) <= 24
    assert len(set(SITUATIONS)) == len(SITUATIONS)
    seen = Counter(situation_of(r) for r in records)
    assert set(seen) == set(SITUATIONS)
    assert all(seen[s] >= 2 for s in SITUATIONS)


def test_situations_are_round_robin(records: list[dict[str, Any]]) -> None:
    assert [situation_of(r) for r in records] == [SITUATIONS[i % len(SITUATIONS)] for i in range(len(records))]


def _registered(report: StatusReport) -> list[Any]:
    return [s for s in report.specialties if s.registration_status != STATUS.unregistered]


def _unregistered(report: StatusReport) -> list[Any]:
    return [s for s in report.specialties if s.registration_status == STATUS.unregistered]


def _topics(report: StatusReport) -> set[str]:
    return {f.topic for f in report.findings}


def _one_valid(report: StatusReport) -> Any:
    (only,) = _registered(report)
    assert only.registration_status == STATUS.valid
    return only


def check_expired(record: Record, report: StatusReport, today: dt.date) -> None:
    (only,) = _registered(report)
    assert record.registrations[0].status == STATUS.valid
    assert only.valid_until < today
    assert only.registration_status == STATUS.expired


def check_expiring_within_30_days(record: Record, report: StatusReport, today: dt.date) -> None:
    only = _one_valid(report)
    assert 0 < (only.valid_until - today).days <= 30
    assert only.renewal_apply_by <= today  # at best today is the last day to apply


def check_renewal_deadline_soon(record: Record, report: StatusReport, today: dt.date) -> None:
    only = _one_valid(report)
    assert 0 < (only.renewal_apply_by - today).days <= 60


def check_valid_hours_met(record: Record, report: StatusReport, today: dt.date) -> None:
    only = _one_valid(report)
    assert (only.renewal_apply_by - today).days > 60
    assert report.hours.met
    assert only.renewal_eligible


def check_hours_short_one_category(record: Record, report: StatusReport, today: dt.date) -> None:
    only = _one_valid(report)
    hours = report.hours
    shortfalls = [hours.compulsory_shortfall > 0, hours.elective_shortfall > 0]
    assert shortfalls.count(True) == 1
    surplus = (hours.completed_elective > hours.requirement.elective if shortfalls[0]
               else hours.completed_compulsory > hours.requirement.compulsory)
    assert surplus
    assert not only.renewal_eligible


def check_age_64(record: Record, report: StatusReport, today: dt.date) -> None:
    _one_valid(report)
    assert today < report.age_65_on <= today + dt.timedelta(days=365)


def _check_specialties(count: int, record: Record, report: StatusReport) -> None:
    registered = _registered(report)
    assert len(registered) == count
    assert all(s.registration_status == STATUS.valid for s in registered)
    assert [r.kind for r in record.registrations[1:]] == [KIND.addition] * (count - 1)
    assert len({r.valid_until for r in record.registrations}) == 1
    assert report.hours.requirement.specialties == count


def check_two_specialties(record: Record, report: StatusReport, today: dt.date) -> None:
    _check_specialties(2, record, report)


def check_three_specialties(record: Record, report: StatusReport, today: dt.date) -> None:
    _check_specialties(3, record, report)


def check_paper_certificate(record: Record, report: StatusReport, today: dt.date) -> None:
    assert record.certificate_form == FORM.paper
    assert record.registrations[0].valid_from < ELECTRONIC_FROM
    assert "certificate" in _topics(report)


def check_never_registered_recent(record: Record, report: StatusReport, today: dt.date) -> None:
    assert not record.registrations
    (only,) = _unregistered(report)
    assert only.initial_registration_deadline >= today
    assert not only.needs_ce_before_registering


def check_never_registered_old(record: Record, report: StatusReport, today: dt.date) -> None:
    assert not record.registrations
    (only,) = _unregistered(report)
    assert only.initial_registration_deadline < today
    assert only.needs_ce_before_registering


def check_addition_candidate(record: Record, report: StatusReport, today: dt.date) -> None:
    _one_valid(report)
    assert len(_unregistered(report)) == 1
    assert "addition_registration" in _topics(report)


def _check_status(status: str, report: StatusReport) -> None:
    (only,) = _registered(report)
    assert only.registration_status == status
    assert "registration_status" in _topics(report)


def check_cancelled(record: Record, report: StatusReport, today: dt.date) -> None:
    _check_status(STATUS.cancelled, report)


def check_lapsed(record: Record, report: StatusReport, today: dt.date) -> None:
    _check_status(STATUS.lapsed, report)


def check_abnormal(record: Record, report: StatusReport, today: dt.date) -> None:
    _check_status(STATUS.abnormal, report)


def check_insurance_mismatch(record: Record, report: StatusReport, today: dt.date) -> None:
    assert record.employer is not None and record.social_insurance_unit is not None
    assert record.employer.credit_code != record.social_insurance_unit.credit_code
    assert record.employer.name != record.social_insurance_unit.name
    assert "social_insurance" in _topics(report)


def check_leap_day_birth(record: Record, report: StatusReport, today: dt.date) -> None:
    assert record.birth_date.isoformat().endswith("-02-29")
    assert record.id_number[10:14] == "0229"
    # 65 years after a leap year is never one: the 65th birthday falls on 2月28日.
    assert report.age_65_on == dt.date(record.birth_date.year + 65, 2, 28)


def check_specialty_free_hours(record: Record, report: StatusReport, today: dt.date) -> None:
    assert any(c.specialty is None for c in record.continuing_education)
    counted = report.hours.completed_compulsory + report.hours.completed_elective
    assert counted == sum(c.hours for c in record.continuing_education)


CHECKS: dict[str, Callable[[Record, StatusReport, dt.date], None]] = {
    name.removeprefix("check_"): check for name, check in globals().items() if name.startswith("check_")
}


def test_every_situation_has_a_check() -> None:
    assert set(CHECKS) == set(SITUATIONS)


def test_situations_hold_in_the_status_report(generated: tuple[dt.date, list[dict[str, Any]]]) -> None:
    today, out = generated
    for raw in out:
        record = parse_record(raw)
        report = status_report(record, today)
        situation = situation_of(raw)
        try:
            CHECKS[situation](record, report, today)
        except AssertionError as error:
            raise AssertionError(f"{raw['person_id']} ({situation}) on {today}: {error}") from error
