"""Named queries over the registration database; every read returns rules-engine Records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from bot.store.models import CourseRecord, Employer, Person, Qualification, Registration
from bot.store.record_rows import (
    COURSE_COLUMNS,
    PERSON_COLUMNS,
    QUALIFICATION_COLUMNS,
    REGISTRATION_COLUMNS,
    child_rows,
    employer_row,
    person_row,
    record_from_tuples,
)
from rules_engine.record import Record
from rules_engine.vocabulary import STATUS

PERSONS = Person.__table__
QUALIFICATIONS = Qualification.__table__
REGISTRATIONS = Registration.__table__
COURSES = CourseRecord.__table__
EMPLOYERS = Employer.__table__
CHILD_TABLES = (QUALIFICATIONS, REGISTRATIONS, COURSES)
CHILD_COLUMNS = (QUALIFICATION_COLUMNS, REGISTRATION_COLUMNS, COURSE_COLUMNS)
# SQLite allows 32,766 bound parameters a statement; stay well below for IN lists.
IN_LIST_CHUNK = 900


def _chunks(items: Sequence[str], size: int = IN_LIST_CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class RegistryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- writing -------------------------------------------------------------------------------

    def replace_records(self, records: Sequence[Record], imported_at: dt.datetime) -> None:
        """Store records, each replacing whatever was stored under its person_id, in the caller's transaction."""
        latest = {record.person_id: record for record in records}  # a later line for the same person wins
        person_ids = list(latest)
        self._upsert_employers(list(latest.values()))
        for chunk in _chunks(person_ids):
            for table in CHILD_TABLES:
                self.session.execute(delete(table).where(table.c.person_id.in_(chunk)))
            self.session.execute(delete(PERSONS).where(PERSONS.c.person_id.in_(chunk)))
        self.session.execute(insert(PERSONS), [person_row(r, imported_at) for r in latest.values()])
        children: tuple[list[dict[str, Any]], ...] = ([], [], [])
        for record in latest.values():
            for rows, more in zip(children, child_rows(record), strict=True):
                rows.extend(more)
        for table, rows in zip(CHILD_TABLES, children, strict=True):
            if rows:
                self.session.execute(insert(table), rows)

    def _upsert_employers(self, records: Sequence[Record]) -> None:
        rows = {row["credit_code"]: row for row in map(employer_row, records) if row is not None}
        if not rows:
            return
        known: set[str] = set()
        for chunk in _chunks(list(rows)):
            known.update(self.session.scalars(select(EMPLOYERS.c.credit_code)
                                              .where(EMPLOYERS.c.credit_code.in_(chunk))))
        new = [row for code, row in rows.items() if code not in known]
        if new:
            self.session.execute(insert(EMPLOYERS), new)
        if known:
            # One statement for all known employers: the latest export's name, type and city win.
            self.session.execute(
                update(EMPLOYERS).where(EMPLOYERS.c.credit_code == bindparam("code"))
                .values(name=bindparam("new_name"), unit_type=bindparam("new_unit_type"), city=bindparam("new_city")),
                [{"code": code, "new_name": rows[code]["name"], "new_unit_type": rows[code]["unit_type"],
                  "new_city": rows[code]["city"]} for code in known])

    def set_access_code_hash(self, credit_code: str, access_code_hash: str) -> None:
        self.session.execute(update(EMPLOYERS).where(EMPLOYERS.c.credit_code == credit_code)
                             .values(access_code_hash=access_code_hash))

    # --- reading -------------------------------------------------------------------------------

    def records_for(self, person_ids: Sequence[str]) -> list[Record]:
        """The records of these persons, in the order asked; unknown ids are left out.

        Rows are read as plain tuples in fixed column orders: rosters read thousands at a time.
        """
        wanted = list(dict.fromkeys(person_ids))
        persons: dict[str, tuple[Any, ...]] = {}
        children: list[dict[str, list[tuple[Any, ...]]]] = [defaultdict(list) for _ in CHILD_TABLES]
        connection = self.session.connection()
        for chunk in _chunks(wanted):
            person_columns = [PERSONS.c[name] for name in PERSON_COLUMNS]
            for row in connection.execute(select(*person_columns).where(PERSONS.c.person_id.in_(chunk))):
                persons[row[0]] = tuple(row)
            for index, (table, columns) in enumerate(zip(CHILD_TABLES, CHILD_COLUMNS, strict=True)):
                statement = select(*[table.c[name] for name in columns]).where(table.c.person_id.in_(chunk))
                for row in connection.execute(statement):
                    children[index][row[0]].append(tuple(row))
        return [record_from_tuples(persons[pid], *(found[pid] for found in children))
                for pid in wanted if pid in persons]

    def get(self, person_id: str) -> Record | None:
        found = self.records_for([person_id])
        return found[0] if found else None

    def find_by_name_and_id_last6(self, name: str, last6: str) -> list[Record]:
        ids = self.session.scalars(select(PERSONS.c.person_id).where(
            PERSONS.c.name == name, PERSONS.c.id_last6 == last6.upper())).all()
        return self.records_for(list(ids))

    def find_by_id_last6(self, last6: str, limit: int = 50) -> list[Record]:
        ids = self.session.scalars(select(PERSONS.c.person_id).where(PERSONS.c.id_last6 == last6.upper())
                                   .order_by(PERSONS.c.person_id).limit(limit)).all()
        return self.records_for(list(ids))

    def find_by_name(self, name: str, limit: int = 50) -> list[Record]:
        ids = self.session.scalars(select(PERSONS.c.person_id).where(PERSONS.c.name == name)
                                   .order_by(PERSONS.c.person_id).limit(limit)).all()
        return self.records_for(list(ids))

    def find_by_registration_no(self, registration_no: str) -> Record | None:
        person_id = self.session.scalars(select(REGISTRATIONS.c.person_id)
                                         .where(REGISTRATIONS.c.registration_no == registration_no)).first()
        return None if person_id is None else self.get(person_id)

    def employer_person_ids(self, credit_code: str) -> list[str]:
        return list(self.session.scalars(select(PERSONS.c.person_id).where(PERSONS.c.employer_code == credit_code)
                                         .order_by(PERSONS.c.person_id)))

    def employer_registrants(self, credit_code: str) -> list[Record]:
        return self.records_for(self.employer_person_ids(credit_code))

    def employer_expiring_within(self, credit_code: str, as_of: dt.date, days: int) -> list[Record]:
        """Registrants of this employer with a 有效 registration ending in [as_of, as_of + days]."""
        ids = self.session.scalars(
            select(REGISTRATIONS.c.person_id).distinct()
            .join(PERSONS, PERSONS.c.person_id == REGISTRATIONS.c.person_id)
            .where(PERSONS.c.employer_code == credit_code, REGISTRATIONS.c.status == STATUS.valid,
                   REGISTRATIONS.c.valid_until >= as_of,
                   REGISTRATIONS.c.valid_until <= as_of + dt.timedelta(days=days))
            .order_by(REGISTRATIONS.c.person_id)).all()
        return self.records_for(list(ids))

    def persons_with_valid_registration(self, credit_code: str | None = None) -> list[str]:
        """Who owes continuing-education hours at all: a stored 有效 registration."""
        query = (select(REGISTRATIONS.c.person_id).distinct()
                 .where(REGISTRATIONS.c.status == STATUS.valid).order_by(REGISTRATIONS.c.person_id))
        if credit_code is not None:
            query = query.join(PERSONS, PERSONS.c.person_id == REGISTRATIONS.c.person_id).where(
                PERSONS.c.employer_code == credit_code)
        return list(self.session.scalars(query))

    def all_person_ids(self) -> list[str]:
        return list(self.session.scalars(select(PERSONS.c.person_id).order_by(PERSONS.c.person_id)))

    def count_persons(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(PERSONS)) or 0)

    def employer(self, credit_code: str) -> Any:
        return self.session.execute(select(EMPLOYERS).where(EMPLOYERS.c.credit_code == credit_code)).mappings().first()
