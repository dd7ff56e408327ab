"""The product's questions about groups of registrants, answered with the rules engine's reports."""

from __future__ import annotations

import datetime as dt

from bot.store.records import RegistryRepository
from bot.store.unit_of_work import Database
from rules_engine.report import StatusReport, status_report


def employer_roster(registry: RegistryRepository, credit_code: str, as_of: dt.date) -> list[StatusReport]:
    return [status_report(record, as_of) for record in registry.employer_registrants(credit_code)]


def expiring_within(registry: RegistryRepository, credit_code: str, as_of: dt.date, days: int) -> list[StatusReport]:
    """An employer's registrants whose registration runs out within `days`, soonest first."""
    reports = [status_report(r, as_of) for r in registry.employer_expiring_within(credit_code, as_of, days)]
    return sorted(reports, key=_soonest_end)


def short_of_hours(registry: RegistryRepository, as_of: dt.date, credit_code: str | None = None) -> list[StatusReport]:
    """Registrants whose current period's continuing education is not yet met."""
    person_ids = registry.persons_with_valid_registration(credit_code)
    reports = [status_report(r, as_of) for r in registry.records_for(person_ids)]
    return [report for report in reports if not report.hours.met]


def _soonest_end(report: StatusReport) -> dt.date:
    return min((s.valid_until for s in report.specialties if s.valid_until is not None), default=dt.date.max)


def employer_reports(database: Database, credit_code: str, kind: str, as_of: dt.date, days: int) -> list[StatusReport]:
    """The employer's registrants for one of its lists: "expiring" within `days`, or short of hours."""
    with database.unit_of_work() as uow:
        if kind == "expiring":
            return expiring_within(uow.registry, credit_code, as_of, days)
        return short_of_hours(uow.registry, as_of, credit_code)
