"""Invariants that hold for every schema-valid record and every date."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from rules_engine.calendar import birthday_in_year, period_end
from rules_engine.continuing_education import continuing_education_requirement
from rules_engine.identity import make_id_number
from rules_engine.parameters import number
from rules_engine.record_format import parse_record
from rules_engine.renewal import renewal_apply_by, renewal_new_valid_until, sixty_fifth_birthday
from rules_engine.report import status_report
from rules_engine.report_json import report_to_dict
from rules_engine.vocabulary import vocabulary

DATES = st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2060, 12, 31))
SPECIALTIES = st.sampled_from(vocabulary().specialties)


@given(approved=DATES, birth=st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2005, 12, 31)))
def test_renewed_period_never_ends_after_the_65th_birthday(approved: dt.date, birth: dt.date) -> None:
    end = renewal_new_valid_until(approved, birth, approved).outcome
    if end is not None:
        assert end <= sixty_fifth_birthday(birth, approved)
        assert approved < end <= period_end(approved, number("renewal_period_years", approved).value)


@given(valid_until=DATES, as_of=DATES)
def test_apply_by_is_always_30_days_before_valid_until(valid_until: dt.date, as_of: dt.date) -> None:
    lead = number("renewal_lead_days", as_of).value
    assert (valid_until - renewal_apply_by(valid_until, as_of).outcome).days == lead == 30


@given(st.integers(min_value=1, max_value=6), DATES)
def test_requirement_is_120_plus_60_per_further_specialty(n: int, as_of: dt.date) -> None:
    requirement = continuing_education_requirement(n, as_of).outcome
    assert requirement.total == 120 + 60 * (n - 1)
    assert requirement.compulsory == 60 + 30 * (n - 1) == requirement.elective


@given(start=DATES, years=st.integers(min_value=1, max_value=5))
def test_a_period_ends_the_day_before_its_anniversary(start: dt.date, years: int) -> None:
    end = period_end(start, years)
    following = end + dt.timedelta(days=1)
    assert following.year == start.year + years
    assert (following.month, following.day) == ((start.month, start.day) if (start.month, start.day) != (2, 29)
                                                 or following.day == 29 else (3, 1))


@given(birth=DATES)
def test_65th_birthday_is_in_the_65th_year(birth: dt.date) -> None:
    day = birthday_in_year(birth, 65)
    assert day.year == birth.year + 65 and day.month == birth.month


def iso(day: dt.date) -> str:
    return day.isoformat()


@st.composite
def records(draw: st.DrawFn) -> dict[str, object]:
    birth = draw(st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2004, 12, 31)))
    specialties = draw(st.lists(SPECIALTIES, unique=True, max_size=4))
    registrations = []
    for specialty in specialties[: draw(st.integers(0, len(specialties)))]:
        start = draw(DATES)
        registrations.append({
            "specialty": specialty, "kind": draw(st.sampled_from(list(vocabulary().registration_kinds.values()))),
            "valid_from": iso(start), "valid_until": iso(start + dt.timedelta(days=draw(st.integers(0, 2000)))),
            "status": draw(st.sampled_from(list(vocabulary().stored_statuses.values()))),
        })
    return {
        "person_id": "H1", "name": "测试",
        "id_number": make_id_number("520102", birth, "123"),
        "qualifications": [{"specialty": s, "issued_on": iso(draw(DATES))} for s in specialties],
        "registrations": registrations,
        "certificate": {"form": draw(st.sampled_from(list(vocabulary().certificate_forms.values())))},
        "continuing_education": [
            {"specialty": draw(st.one_of(st.none(), SPECIALTIES)),
             "category": draw(st.sampled_from(list(vocabulary().ce_categories.values()))),
             "hours": draw(st.one_of(st.integers(0, 200), st.floats(0, 200, allow_nan=False))),
             "completed_on": iso(draw(DATES))}
            for _ in range(draw(st.integers(0, 6)))
        ],
        "employer": draw(st.one_of(st.none(), st.just({"name": "甲公司", "credit_code": "A1", "unit_type": "施工"}))),
        "social_insurance_unit": draw(st.one_of(st.none(), st.just({"name": "乙公司", "credit_code": "B1"}))),
    }


@settings(max_examples=300, deadline=None)
@given(data=records(), as_of=DATES)
def test_report_never_crashes_and_keeps_its_promises(data: dict[str, object], as_of: dt.date) -> None:
    report = report_to_dict(status_report(parse_record(data), as_of))
    hours = report["continuing_education"]
    assert hours["shortfall_hours"] >= 0
    assert hours["required_hours"] == hours["required_compulsory"] + hours["required_elective"]
    for entry in report["specialties"]:
        if entry["renewal_eligible"]:
            assert entry["registration_status"] == vocabulary().stored_statuses["valid"]
            assert hours["shortfall_hours"] == 0
            assert as_of.isoformat() <= entry["renewal_apply_by"]
        if entry["renewal_new_valid_until"] is not None:
            assert entry["renewal_new_valid_until"] <= report["age_65_on"]
    assert all(f["text"] and f["clause"] for f in report["findings"])
