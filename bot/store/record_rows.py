"""Records to rows and rows back to records: the one place the two shapes meet.

What the repository reads back is exactly the rules engine's Record, so a report made from the
database and one made from the exported line can never disagree.
"""

from __future__ import annotations

import datetime as dt
import json
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


# Column orders of the tuples read back (bot/store/records.py selects exactly these).
PERSON_COLUMNS = ("person_id", "name", "id_number", "birth_date", "phone", "employer_code", "employer_name",
                  "employer_unit_type", "employer_city", "insurance_unit_name", "insurance_unit_code",
                  "certificate_form", "flags")
QUALIFICATION_COLUMNS = ("person_id", "position", "specialty", "issued_on", "certificate_no")
REGISTRATION_COLUMNS = ("person_id", "position", "specialty", "kind", "valid_from", "valid_until", "status",
                        "registration_no")
COURSE_COLUMNS = ("person_id", "position", "specialty", "category", "hours", "completed_on")


def record_from_tuples(person: tuple[Any, ...], qualifications: list[tuple[Any, ...]],
                       registrations: list[tuple[Any, ...]], courses: list[tuple[Any, ...]]) -> Record:
    """A stored person back as the rules engine's Record, from tuples in the column orders above."""
    (person_id, name, id_number, birth_date, phone, employer_code, employer_name, employer_unit_type,
     employer_city, insurer_name, insurer_code, certificate_form, flags) = person
    return Record(
        person_id=person_id,
        name=name,
        id_number=id_number,
        birth_date=birth_date,
        qualifications=tuple(Qualification(q[2], q[3], q[4]) for q in sorted(qualifications, key=_position)),
        registrations=tuple(Registration(r[2], r[3], r[4], r[5], r[6], r[7])
                            for r in sorted(registrations, key=_position)),
        continuing_education=tuple(CourseHours(c[2], c[3], float(c[4]), c[5]) for c in sorted(courses, key=_position)),
        phone=phone,
        employer=None if employer_name is None else Employer(employer_name, employer_code, employer_unit_type,
                                                               employer_city),
        social_insurance_unit=None if insurer_name is None else InsuranceUnit(insurer_name, insurer_code),
        certificate_form=certificate_form,
        flags=tuple(json.loads(flags)),
    )


def _position(row: tuple[Any, ...]) -> int:
    return int(row[1])
