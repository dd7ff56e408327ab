"""The status report (docs/registry/status-report.md): one record and a date in, every date,
deadline and shortfall out, each worked out by its clause's function.

The outcomes are worked out when the report is made; their reasons and the findings' wording
(findings.py) when first read. The JSON shape of the contract is report_json.py's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rules_engine.continuing_education import HoursStanding, continuing_education_standing
from rules_engine.findings import Finding, report_findings
from rules_engine.initial_registration import (
    RegistrationWindow,
    addition_registration_limit,
    initial_registration_deadline,
)
from rules_engine.record import Qualification, Record, Registration
from rules_engine.renewal import renewal_decisions, sixty_fifth_birthday
from rules_engine.trace import Decision, Reason
from rules_engine.vocabulary import STATUS


@dataclass(frozen=True, slots=True)
class SpecialtyStatus:
    """One specialty on the day asked about.

    The outcomes are worked out when the report is made; the reasons behind them when first
    read, by the same rules from the same inputs (kept below). The rules are pure, so the trace
    is the one the outcomes came from, and a roster of thousands that reads outcomes only never
    builds it.
    """

    specialty: str
    registration_status: str
    valid_until: dt.date | None
    renewal_apply_by: dt.date | None
    renewal_eligible: bool
    renewal_new_valid_until: dt.date | None
    initial_registration_deadline: dt.date | None
    needs_ce_before_registering: bool
    registration_no: str | None = None
    kind: str | None = None
    valid_from: dt.date | None = None
    qualification_issued_on: dt.date | None = None
    # What the entry was worked out from: its registration or qualification, and the report's inputs.
    source: Registration | Qualification | None = field(default=None, repr=False, compare=False)
    record: Record | None = field(default=None, repr=False, compare=False)
    as_of: dt.date | None = field(default=None, repr=False, compare=False)
    hours: HoursStanding | None = field(default=None, repr=False, compare=False)
    _decisions: tuple[Decision[Any], ...] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def decisions(self) -> tuple[Decision[Any], ...]:
        """For a registration: its status, apply-by date, eligibility and new end date; for an
        unregistered qualification: its registration window."""
        made = self._decisions
        if made is None:
            if self.source is None or self.record is None or self.as_of is None or self.hours is None:
                return ()
            made = _decisions(self.source, self.record, self.as_of, self.hours,
                              _has_valid_registration(self.record))
            object.__setattr__(self, "_decisions", made)
        return made

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return tuple(r for decision in self.decisions for r in decision.reasons)


@dataclass(frozen=True, slots=True)
class StatusReport:
    """Everything about one person on one day. The findings and the hours trace, with their
    wording and citations, are worked out when first read (see SpecialtyStatus)."""

    as_of: dt.date
    record: Record
    age_65_on: dt.date
    specialties: tuple[SpecialtyStatus, ...]
    hours: HoursStanding
    _findings: tuple[Finding, ...] | None = field(default=None, init=False, repr=False, compare=False)
    _hours_decision: Decision[HoursStanding] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def findings(self) -> tuple[Finding, ...]:
        made = self._findings
        if made is None:
            made = report_findings(self)
            object.__setattr__(self, "_findings", made)
        return made

    @property
    def hours_decision(self) -> Decision[HoursStanding]:
        made = self._hours_decision
        if made is None:
            made = continuing_education_standing(self.record, self.as_of)
            object.__setattr__(self, "_hours_decision", made)
        return made

    @property
    def holds_valid_registration(self) -> bool:
        """Whether a never-registered qualification is a 增项 (五（一）3) rather than an initial
        registration (五（一）1)."""
        return _has_valid_registration(self.record)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The trace of the continuing-education standing."""
        return self.hours_decision.reasons

    def specialty(self, name: str) -> SpecialtyStatus | None:
        return next((s for s in self.specialties if s.specialty == name), None)


def _has_valid_registration(record: Record) -> bool:
    valid = STATUS.valid
    return any(r.status == valid for r in record.registrations)


def _decisions(source: Registration | Qualification, record: Record, as_of: dt.date, hours: HoursStanding,
               has_valid_registration: bool) -> tuple[Decision[Any], ...]:
    if isinstance(source, Registration):
        return renewal_decisions(source, sixty_fifth_birthday(record.birth_date, as_of), hours, as_of)
    rule = addition_registration_limit if has_valid_registration else initial_registration_deadline
    return (rule(source, as_of),)


def status_report(record: Record, as_of: dt.date) -> StatusReport:
    """Everything the helpdesk, the employer roster and the assistant say about one person."""
    hours = continuing_education_standing(record, as_of).outcome
    birthday = sixty_fifth_birthday(record.birth_date, as_of)
    valid = STATUS.valid
    has_valid_registration = False
    seen = set()
    specialties = []
    for registration in record.registrations:
        status, apply_by, eligible, new_until = renewal_decisions(registration, birthday, hours, as_of)
        specialties.append(SpecialtyStatus(
            specialty=registration.specialty, registration_status=status.outcome,
            valid_until=registration.valid_until, renewal_apply_by=apply_by.outcome,
            renewal_eligible=eligible.outcome, renewal_new_valid_until=new_until.outcome,
            initial_registration_deadline=None, needs_ce_before_registering=False,
            registration_no=registration.registration_no, kind=registration.kind, valid_from=registration.valid_from,
            source=registration, record=record, as_of=as_of, hours=hours,
        ))
        seen.add(registration.specialty)
        if registration.status == valid:
            has_valid_registration = True
    for qualification in record.qualifications:
        if qualification.specialty in seen:
            continue
        seen.add(qualification.specialty)
        window: Decision[RegistrationWindow] = _decisions(qualification, record, as_of, hours,
                                                          has_valid_registration)[0]
        specialties.append(SpecialtyStatus(
            specialty=qualification.specialty, registration_status=STATUS.unregistered, valid_until=None,
            renewal_apply_by=None, renewal_eligible=False, renewal_new_valid_until=None,
            initial_registration_deadline=window.outcome.deadline,
            needs_ce_before_registering=window.outcome.needs_continuing_education_first,
            qualification_issued_on=qualification.issued_on,
            source=qualification, record=record, as_of=as_of, hours=hours,
        ))
    return StatusReport(as_of, record, birthday, tuple(specialties), hours)
