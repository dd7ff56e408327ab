"""Import an export file (JSON Lines, record-schema.md) into the registry.

Every bad line is reported with its number, the field and a Chinese reason; valid lines are
stored. Strict mode stores nothing when any line is bad. Records are written in batches, each
batch one transaction, so an interruption never leaves a record half-written.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.replies.messages import say
from bot.store.models import CourseRecord, Employer, Person, Qualification, Registration
from bot.store.unit_of_work import Database
from rules_engine.record import Record
from rules_engine.record_format import RecordError, parse_record

BATCH_SIZE = 2000
# Dates a registry record can plausibly hold. The schema takes any year from 1 to 9999, but the rules
# engine's date arithmetic (deadlines years ahead) fails near the end of the calendar, and one such
# record would break every roster that includes it.
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2099, 12, 31)
# More hours than any one course can carry (a whole period asks for 120 to 360): 1e308 would be
# "accepted" by the schema and shown to the registrant as a 309-digit number.
MAX_COURSE_HOURS = 1000.0
PERSONS, EMPLOYERS = Person.__table__, Employer.__table__
QUALIFICATIONS, REGISTRATIONS, COURSES = Qualification.__table__, Registration.__table__, CourseRecord.__table__


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    reason: str
    person_id: str | None = None

    def message(self) -> str:
        if self.person_id:
            return say("registry", "line_error_with_person", line=self.line, person_id=self.person_id,
                       field=self.field, reason=self.reason)
        return say("registry", "line_error", line=self.line, field=self.field, reason=self.reason)


@dataclass
class ImportResult:
    lines: int = 0
    stored: int = 0
    errors: list[LineError] = field(default_factory=list)
    strict_refused: bool = False
    last_committed_line: int = 0

    @property
    def rejected(self) -> int:
        return len(self.errors)


class ImportInterrupted(Exception):
    def __init__(self, result: ImportResult) -> None:
        super().__init__("import interrupted")
        self.result = result


def numbered_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if raw.strip():
                yield number, raw


def parse_line(number: int, raw: bytes) -> Record | LineError:
    try:
        text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError:
        return LineError(number, say("registry", "whole_line"), say("registry", "not_utf8"))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return LineError(number, say("registry", "whole_line"), say("registry", "invalid_json", column=error.colno))
    except RecursionError:
        return LineError(number, say("registry", "whole_line"), say("registry", "too_deep"))
    person_id = data.get("person_id") if isinstance(data, dict) else None
    if not isinstance(person_id, str) or _storable_text(person_id, _limit(PERSONS.c.person_id)) is not None:
        person_id = None  # shown in the error message only when it is plain text
    try:
        record = parse_record(data)
    except RecordError as error:
        return LineError(number, error.field, error.reason, person_id)
    except (ArithmeticError, ValueError, TypeError, RecursionError):  # e.g. hours of 10**400: too big for a float
        return LineError(number, say("registry", "whole_line"), say("registry", "unreadable_record"), person_id)
    problem = storage_problem(record)
    if problem is not None:
        return LineError(number, problem[0], problem[1], person_id)
    return record


def _limit(column: object) -> int | None:
    return getattr(getattr(column, "type", None), "length", None)


def _storable_text(value: str, limit: int | None) -> str | None:
    """Why a database cannot keep this text as it is (None: it can)."""
    if "\x00" in value:
        return say("registry", "nul_character")
    if any("\ud800" <= character <= "\udfff" for character in value):
        return say("registry", "lone_surrogate")
    if limit is not None and len(value) > limit:
        return say("registry", "text_too_long", limit=limit)
    return None


def storage_problem(record: Record) -> tuple[str, str] | None:
    """The first field that parse_record accepts but the database could not store faithfully.

    Column lengths (PostgreSQL enforces them, SQLite does not), NUL characters (PostgreSQL refuses
    them), lone surrogates (no database encoding holds them), hours that are not finite (they
    would export as invalid JSON) or above MAX_COURSE_HOURS, and dates outside EARLIEST_DATE..LATEST_DATE.
    """
    texts: list[tuple[str, str | None, int | None]] = [
        ("person_id", record.person_id, _limit(PERSONS.c.person_id)),
        ("name", record.name, _limit(PERSONS.c.name)),
        ("id_number", record.id_number, _limit(PERSONS.c.id_number)),
        ("phone", record.phone, _limit(PERSONS.c.phone)),
        ("certificate.form", record.certificate_form, _limit(PERSONS.c.certificate_form)),
    ]
    if record.employer is not None:
        employer = record.employer
        texts += [("employer.name", employer.name, _limit(EMPLOYERS.c.name)),
                  ("employer.credit_code", employer.credit_code, _limit(EMPLOYERS.c.credit_code)),
                  ("employer.unit_type", employer.unit_type, _limit(EMPLOYERS.c.unit_type)),
                  ("employer.city", employer.city, _limit(EMPLOYERS.c.city))]
    if record.social_insurance_unit is not None:
        unit = record.social_insurance_unit
        texts += [("social_insurance_unit.name", unit.name, _limit(PERSONS.c.insurance_unit_name)),
                  ("social_insurance_unit.credit_code", unit.credit_code, _limit(PERSONS.c.insurance_unit_code))]
    for index, qualification in enumerate(record.qualifications):
        texts += [(f"qualifications[{index}].specialty", qualification.specialty,
                   _limit(QUALIFICATIONS.c.specialty)),
                  (f"qualifications[{index}].certificate_no", qualification.certificate_no,
                   _limit(QUALIFICATIONS.c.certificate_no))]
    for index, registration in enumerate(record.registrations):
        texts += [(f"registrations[{index}].specialty", registration.specialty, _limit(REGISTRATIONS.c.specialty)),
                  (f"registrations[{index}].registration_no", registration.registration_no,
                   _limit(REGISTRATIONS.c.registration_no)),
                  (f"registrations[{index}].kind", registration.kind, _limit(REGISTRATIONS.c.kind)),
                  (f"registrations[{index}].status", registration.status, _limit(REGISTRATIONS.c.status))]
    dates = [("birth_date", record.birth_date)]
    dates += [(f"qualifications[{index}].issued_on", q.issued_on) for index, q in enumerate(record.qualifications)]
    for index, registration in enumerate(record.registrations):
        dates += [(f"registrations[{index}].valid_from", registration.valid_from),
                  (f"registrations[{index}].valid_until", registration.valid_until)]
    dates += [(f"continuing_education[{index}].completed_on", c.completed_on)
              for index, c in enumerate(record.continuing_education)]
    for name, day in dates:
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            return name, say("registry", "date_out_of_range", earliest=EARLIEST_DATE.year, latest=LATEST_DATE.year)
    for index, course in enumerate(record.continuing_education):
        if not math.isfinite(course.hours):
            return f"continuing_education[{index}].hours", say("registry", "not_finite")
        if course.hours > MAX_COURSE_HOURS:
            return (f"continuing_education[{index}].hours",
                    say("registry", "too_many_hours", limit=int(MAX_COURSE_HOURS)))
        texts += [(f"continuing_education[{index}].specialty", course.specialty, _limit(COURSES.c.specialty)),
                  (f"continuing_education[{index}].category", course.category, _limit(COURSES.c.category))]
    texts += [(f"flags[{index}]", flag, None) for index, flag in enumerate(record.flags)]
    for name, value, limit in texts:
        problem = None if value is None else _storable_text(value, limit)
        if problem is not None:
            return name, problem
    return None


Progress = Callable[[int], None]


def import_file(database: Database, path: Path, strict: bool = False, batch_size: int = BATCH_SIZE,
                progress: Progress | None = None, now: dt.datetime | None = None) -> ImportResult:
    """Store every valid line of `path`; with `strict`, all lines or none."""
    imported_at = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    result = ImportResult()
    if strict:
        return _import_strict(database, path, imported_at, result, progress)
    batch: list[tuple[int, Record]] = []
    try:
        for number, raw in numbered_lines(path):
            result.lines += 1
            parsed = parse_line(number, raw)
            if isinstance(parsed, LineError):
                result.errors.append(parsed)
            else:
                batch.append((number, parsed))
            if progress:
                progress(len(raw))
            if len(batch) >= batch_size:
                _store(database, batch, imported_at, result)
                batch = []
        if batch:
            _store(database, batch, imported_at, result)
    except KeyboardInterrupt:
        raise ImportInterrupted(result) from None
    return result


def _store(database: Database, batch: list[tuple[int, Record]], imported_at: dt.datetime,
           result: ImportResult) -> None:
    with database.unit_of_work() as uow:
        uow.registry.replace_records([record for _, record in batch], imported_at)
        uow.commit()
    result.stored += len(batch)
    result.last_committed_line = batch[-1][0]


def _import_strict(database: Database, path: Path, imported_at: dt.datetime, result: ImportResult,
                   progress: Progress | None) -> ImportResult:
    records: list[Record] = []
    for number, raw in numbered_lines(path):
        result.lines += 1
        parsed = parse_line(number, raw)
        if isinstance(parsed, LineError):
            result.errors.append(parsed)
        elif not result.errors:
            records.append(parsed)
        if progress:
            progress(len(raw))
    if result.errors:
        result.strict_refused = True
        return result
    if not records:  # an empty file: nothing to write (an empty insert would add a blank row)
        return result
    try:
        with database.unit_of_work() as uow:
            uow.registry.replace_records(records, imported_at)
            uow.commit()
    except KeyboardInterrupt:
        raise ImportInterrupted(result) from None
    result.stored = len(records)
    result.last_committed_line = result.lines
    return result
