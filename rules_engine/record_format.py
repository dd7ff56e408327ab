"""The exchange format of registrant records (docs/registry/record-schema.md), both ways.

`parse_record` turns one decoded JSON object into the frozen dataclasses of rules_engine.record,
or raises RecordError naming the first field at fault in Chinese. Nothing downstream sees an
unchecked record. `record_to_dict` writes a record back in the same shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from rules_engine.identity import IdNumberError, birth_date_of, validate_id_number
from rules_engine.messages import text
from rules_engine.record import CourseHours, Employer, InsuranceUnit, Qualification, Record, Registration
from rules_engine.vocabulary import vocabulary


class RecordError(ValueError):
    """A record that breaks the schema: the field at fault and a Chinese reason."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(message("field_prefix", field=field, message=reason))


def message(key: str, **values: object) -> str:
    return text("record_errors", key, **values)


def fail(field: str, key: str, **values: object) -> RecordError:
    return RecordError(field, message(key, **values))


class _Fields:
    """Reads the fields of one JSON object, naming each fault by its full path."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, Mapping):
            raise fail(path or "record", "not_an_object" if not path else "not_an_object_field")
        self.data = data
        self.path = path

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise fail(self.name(key), "required")
            return None
        if not isinstance(value, str):
            raise fail(self.name(key), "not_a_string")
        if required and not value.strip():
            raise fail(self.name(key), "empty")
        return value

    def required_text(self, key: str) -> str:
        value = self.text(key)
        assert value is not None
        return value

    def choice(self, key: str, allowed: tuple[str, ...], fault: str, required: bool = True) -> str | None:
        value = self.text(key, required)
        if value is not None and value not in allowed:
            raise fail(self.name(key), fault, value=value, allowed="、".join(allowed))
        return value

    def date(self, key: str, required: bool = True) -> dt.date | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise fail(self.name(key), "required")
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
            raise fail(self.name(key), "not_a_date")
        year, month, day = value[:4], value[5:7], value[8:]
        if not (year + month + day).isdigit() or not value.isascii():
            raise fail(self.name(key), "not_a_date")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise fail(self.name(key), "impossible_date") from None

    def required_date(self, key: str) -> dt.date:
        value = self.date(key)
        assert value is not None
        return value

    def items(self, key: str, required: bool = True) -> list[_Fields]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise fail(self.name(key), "required")
            return []
        if not isinstance(value, list):
            raise fail(self.name(key), "not_a_list")
        return [_Fields(item, f"{self.name(key)}[{index}]") for index, item in enumerate(value)]

    def nested(self, key: str) -> _Fields | None:
        value = self.data.get(key)
        return None if value is None else _Fields(value, self.name(key))


def _employer(fields: _Fields | None) -> Employer | None:
    if fields is None:
        return None
    return Employer(
        name=fields.required_text("name"),
        credit_code=fields.text("credit_code", required=False),
        unit_type=fields.choice("unit_type", vocabulary().unit_types, "unknown_unit_type", required=False),
        city=fields.text("city", required=False),
    )


def _insurance_unit(fields: _Fields | None) -> InsuranceUnit | None:
    if fields is None:
        return None
    return InsuranceUnit(fields.required_text("name"), fields.text("credit_code", required=False))


def _specialty(fields: _Fields, required: bool = True) -> str | None:
    return fields.choice("specialty", vocabulary().specialties, "unknown_specialty", required)


def _qualification(fields: _Fields) -> Qualification:
    return Qualification(
        specialty=_specialty(fields) or "",
        issued_on=fields.required_date("issued_on"),
        certificate_no=fields.text("certificate_no", required=False),
    )


def _registration(fields: _Fields) -> Registration:
    words = vocabulary()
    registration = Registration(
        specialty=_specialty(fields) or "",
        kind=fields.choice("kind", tuple(words.registration_kinds.values()), "unknown_kind") or "",
        valid_from=fields.required_date("valid_from"),
        valid_until=fields.required_date("valid_until"),
        status=fields.choice("status", tuple(words.stored_statuses.values()), "unknown_status") or "",
        registration_no=fields.text("registration_no", required=False),
    )
    if registration.valid_until < registration.valid_from:
        raise fail(fields.name("valid_until"), "period_reversed")
    return registration


def _hours(fields: _Fields) -> float:
    value = fields.data.get("hours")
    if value is None:
        raise fail(fields.name("hours"), "required")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise fail(fields.name("hours"), "not_a_number")
    if value < 0:
        raise fail(fields.name("hours"), "negative_hours")
    return float(value)


def _course(fields: _Fields) -> CourseHours:
    return CourseHours(
        specialty=_specialty(fields, required=False),
        category=fields.choice("category", tuple(vocabulary().ce_categories.values()), "unknown_category") or "",
        hours=_hours(fields),
        completed_on=fields.required_date("completed_on"),
    )


def _id_number_and_birth(fields: _Fields) -> tuple[str, dt.date]:
    raw = fields.required_text("id_number")
    try:
        id_number = validate_id_number(raw)
    except IdNumberError as error:
        raise fail("id_number", error.key) from None
    from_id = birth_date_of(id_number)
    stated = fields.date("birth_date", required=False)
    if stated is not None and stated != from_id:
        raise fail("birth_date", "birth_date_mismatch")
    return id_number, from_id


def _flags(fields: _Fields) -> tuple[str, ...]:
    value = fields.data.get("flags")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise fail("flags", "not_a_list")
    for index, flag in enumerate(value):
        if not isinstance(flag, str):
            raise fail(f"flags[{index}]", "not_a_string")
    return tuple(value)


def _certificate_form(fields: _Fields) -> str | None:
    certificate = fields.nested("certificate")
    if certificate is None:
        return None
    forms = tuple(vocabulary().certificate_forms.values())
    return certificate.choice("form", forms, "unknown_form", required=False)


def parse_record(data: Any) -> Record:
    fields = _Fields(data, "")
    person_id = fields.required_text("person_id")
    name = fields.required_text("name")
    id_number, birth_date = _id_number_and_birth(fields)
    registrations = tuple(_registration(item) for item in fields.items("registrations"))
    seen: set[str] = set()
    for index, registration in enumerate(registrations):
        if registration.specialty in seen:
            raise fail(f"registrations[{index}].specialty", "duplicate_specialty")
        seen.add(registration.specialty)
    return Record(
        person_id=person_id,
        name=name,
        id_number=id_number,
        birth_date=birth_date,
        qualifications=tuple(_qualification(item) for item in fields.items("qualifications")),
        registrations=registrations,
        continuing_education=tuple(_course(item) for item in fields.items("continuing_education")),
        phone=fields.text("phone", required=False),
        employer=_employer(fields.nested("employer")),
        social_insurance_unit=_insurance_unit(fields.nested("social_insurance_unit")),
        certificate_form=_certificate_form(fields),
        flags=_flags(fields),
    )


def record_to_dict(record: Record) -> dict[str, Any]:
    """The exchange-format object of a record; parse_record(record_to_dict(r)) == r."""

    def iso(day: dt.date) -> str:
        return day.isoformat()

    def hours(value: float) -> int | float:
        return int(value) if value.is_integer() else value

    out: dict[str, Any] = {
        "person_id": record.person_id,
        "name": record.name,
        "id_number": record.id_number,
        "birth_date": iso(record.birth_date),
    }
    if record.phone is not None:
        out["phone"] = record.phone
    if record.employer is not None:
        employer = record.employer
        out["employer"] = {k: v for k, v in {
            "name": employer.name, "credit_code": employer.credit_code,
            "unit_type": employer.unit_type, "city": employer.city}.items() if v is not None}
    if record.social_insurance_unit is not None:
        unit = record.social_insurance_unit
        out["social_insurance_unit"] = {k: v for k, v in {
            "name": unit.name, "credit_code": unit.credit_code}.items() if v is not None}
    out["qualifications"] = [
        {k: v for k, v in {"specialty": q.specialty, "certificate_no": q.certificate_no,
                           "issued_on": iso(q.issued_on)}.items() if v is not None}
        for q in record.qualifications
    ]
    out["registrations"] = [
        {k: v for k, v in {"specialty": r.specialty, "registration_no": r.registration_no,
                           "kind": r.kind, "valid_from": iso(r.valid_from),
                           "valid_until": iso(r.valid_until), "status": r.status}.items()
         if v is not None}
        for r in record.registrations
    ]
    if record.certificate_form is not None:
        out["certificate"] = {"form": record.certificate_form}
    out["continuing_education"] = [
        {"specialty": c.specialty, "category": c.category, "hours": hours(c.hours),
         "completed_on": iso(c.completed_on)}
        for c in record.continuing_education
    ]
    out["flags"] = list(record.flags)
    return out
