"""A registrant as the rules read it (docs/registry/record-schema.md): frozen dataclasses, one
per part of an exchange-format record. Reading and writing that format is record_format's job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Employer:
    name: str
    credit_code: str | None = None
    unit_type: str | None = None
    city: str | None = None


@dataclass(frozen=True)
class InsuranceUnit:
    name: str
    credit_code: str | None = None


@dataclass(frozen=True)
class Qualification:
    specialty: str
    issued_on: dt.date
    certificate_no: str | None = None


@dataclass(frozen=True)
class Registration:
    specialty: str
    kind: str
    valid_from: dt.date
    valid_until: dt.date
    status: str
    registration_no: str | None = None


@dataclass(frozen=True)
class CourseHours:
    specialty: str | None
    category: str
    hours: float
    completed_on: dt.date


@dataclass(frozen=True)
class Record:
    person_id: str
    name: str
    id_number: str
    birth_date: dt.date
    qualifications: tuple[Qualification, ...] = ()
    registrations: tuple[Registration, ...] = ()
    continuing_education: tuple[CourseHours, ...] = ()
    phone: str | None = None
    employer: Employer | None = None
    social_insurance_unit: InsuranceUnit | None = None
    certificate_form: str | None = None
    flags: tuple[str, ...] = ()
