"""Records to rows and rows back to records: the one place the two shapes meet.

What the repository reads back is exactly the rules engine's Record, so a report made from the
database and one made from the exported line can never disagree.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from rules_engine.record import (
    CourseHours,
    Employer,
    InsuranceUnit,
    Qualification,
    Record,
    Registration,
)

Row = dict[str, Any]
LAST_DIGITS = 6


def person_row(record: Record, imported_at: dt.datetime) -> Row:
    employer, insurer = record.employer, record.social_insurance_unit
    return {
        "person_id": record.person_id,
        "name": record.name,
        "id_number": record.id_number,
        "id_last6": record.id_number[-LAST_DIGITS:],
        "birth_date": record.birth_date,
        "phone": record.phone,
        "employer_code": employer.credit_code if employer else None,
        "employer_name": employer.name if employer else None,
        "employer_unit_type": employer.unit_type if employer else None,
        "employer_city": employer.city if employer else None,
        "insurance_unit_name": insurer.name if insurer else None,
        "insurance_unit_code": insurer.credit_code if insurer else None,
        "certificate_form": record.certificate_form,
        "flags": json.dumps(list(record.flags), ensure_ascii=False),
        "imported_at": imported_at,
    }


def child_rows(record: Record) -> tuple[list[Row], list[Row], list[Row]]:
    pid = record.person_id
    qualifications = [
        {"person_id": pid, "position": i, "specialty": q.specialty, "certificate_no": q.certificate_no,
         "issued_on": q.issued_on}
        for i, q in enumerate(record.qualifications)
    ]
    registrations = [
        {"person_id": pid, "position": i, "specialty": r.specialty, "registration_no": r.registration_no,
         "kind": r.kind, "valid_from": r.valid_from, "valid_until": r.valid_until, "status": r.status}
        for i, r in enumerate(record.registrations)
    ]
    courses = [
        {"person_id": pid, "position": i, "specialty": c.specialty, "category": c.category, "hours": c.hours,
         "completed_on": c.completed_on}
        for i, c in enumerate(record.continuing_education)
    ]
    return qualifications, registrations, courses


def employer_row(record: Record) -> Row | None:
    employer = record.employer
    if employer is None or not employer.credit_code:
        return None
    return {"credit_code": employer.credit_code, "name": employer.name, "unit_type": employer.unit_type,
            "city": employer.city}


def _ordered(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(rows, key=lambda row: row["position"])


def record_from_rows(person: Mapping[str, Any], qualifications: Iterable[Mapping[str, Any]],
                     registrations: Iterable[Mapping[str, Any]], courses: Iterable[Mapping[str, Any]]) -> Record:
    employer = None
    if person["employer_name"] is not None:
        employer = Employer(person["employer_name"], person["employer_code"], person["employer_unit_type"],
                            person["employer_city"])
    insurer = None
    if person["insurance_unit_name"] is not None:
        insurer = InsuranceUnit(person["insurance_unit_name"], person["insurance_unit_code"])
    return Record(
        person_id=person["person_id"],
        name=person["name"],
        id_number=person["id_number"],
        birth_date=person["birth_date"],
        qualifications=tuple(Qualification(q["specialty"], q["issued_on"], q["certificate_no"])
                             for q in _ordered(qualifications)),
        registrations=tuple(Registration(r["specialty"], r["kind"], r["valid_from"], r["valid_until"], r["status"],
                                         r["registration_no"]) for r in _ordered(registrations)),
        continuing_education=tuple(CourseHours(c["specialty"], c["category"], float(c["hours"]), c["completed_on"])
                                   for c in _ordered(courses)),
        phone=person["phone"],
        employer=employer,
        social_insurance_unit=insurer,
        certificate_form=person["certificate_form"],
        flags=tuple(json.loads(person["flags"])),
    )
