"""The status report (../shared/registry/status-report.md): one record and a date in, every
date, deadline and shortfall out, with findings that cite their clauses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rules_engine.calendar import chinese_date, shown
from rules_engine.certificates import PaperAction, paper_certificate_standing
from rules_engine.continuing_education import HoursStanding, continuing_education_standing
from rules_engine.facts import fact
from rules_engine.identity import mask_id_number
from rules_engine.initial_registration import (
    ADDITION_YEARS,
    INITIAL_YEARS,
    RegistrationWindow,
    addition_registration_limit,
    initial_registration_deadline,
)
from rules_engine.messages import section, text
from rules_engine.parameters import day, number
from rules_engine.policy import Citation
from rules_engine.procedure import InsuranceCheck, social_insurance_check
from rules_engine.record import Qualification, Record, Registration
from rules_engine.registration_kinds import REREGISTRATION, employer_may_register
from rules_engine.renewal import (
    AGE_CAP_YEARS,
    APPLY_BEFORE_EXPIRY,
    LEAD_DAYS,
    PERIOD_YEARS,
    renewal_decisions,
    sixty_fifth_birthday,
)
from rules_engine.trace import Decision, Reason
from rules_engine.vocabulary import FORM, STATUS

# Which sentence tells a paper-certificate holder what to do, and which check it rests on.
PAPER_FINDINGS = {
    PaperAction.VOID_USE_ELECTRONIC: ("paper_void", "paper_void"),
    PaperAction.USE_UNTIL_YEAR_END: ("paper_usable", "paper_within_validity"),
    PaperAction.RENEW_FOR_ELECTRONIC: ("paper_expired", "expired_paper_renews"),
}


@dataclass(frozen=True)
class Sentence:
    """A finding's wording, formatted only when read: rosters of thousands never read most of them."""

    template: str
    values: tuple[tuple[str, object], ...]

    def __str__(self) -> str:
        return text("findings", self.template, **{k: shown(v) for k, v in self.values})


@dataclass(frozen=True)
class Finding:
    topic: str
    sentence: Sentence
    citation: Citation

    @property
    def text(self) -> str:
        return str(self.sentence)

    def as_dict(self) -> dict[str, str]:
        return {"topic": self.topic, "text": self.text, "clause": self.citation.clause,
                "document": self.citation.document, "basis": self.citation.basis_line()}


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
            made = _findings(self)
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
    def reasons(self) -> tuple[Reason, ...]:
        """The trace of the continuing-education standing."""
        return self.hours_decision.reasons

    def specialty(self, name: str) -> SpecialtyStatus | None:
        return next((s for s in self.specialties if s.specialty == name), None)


def _say(key: str, **values: object) -> Sentence:
    return Sentence(key, tuple(values.items()))


def _has_valid_registration(record: Record) -> bool:
    valid = STATUS.valid
    return any(r.status == valid for r in record.registrations)


def _decisions(source: Registration | Qualification, record: Record, as_of: dt.date, hours: HoursStanding,
               has_valid_registration: bool) -> tuple[Decision[Any], ...]:
    if isinstance(source, Registration):
        return renewal_decisions(source, sixty_fifth_birthday(record.birth_date), hours, as_of)
    rule = addition_registration_limit if has_valid_registration else initial_registration_deadline
    return (rule(source, as_of),)


def _registered_findings(entry: SpecialtyStatus, as_of: dt.date, findings: list[Finding]) -> None:
    status, apply_by, eligible, new_until = entry.decisions
    lead = LEAD_DAYS.value
    name = entry.specialty
    if status.outcome == STATUS.valid:
        key = "registration_valid" if as_of <= apply_by.outcome else "renewal_window_passed"
        findings.append(Finding("renewal", _say(key, specialty=name, valid_until=entry.valid_until,
                                                apply_by=apply_by.outcome, lead_days=lead),
                                APPLY_BEFORE_EXPIRY))
        blocker = eligible.first_failure()
        if blocker is None and new_until.outcome is not None:
            findings.append(Finding("renewal", _say("renewal_eligible", as_of=as_of, specialty=name,
                                                    new_valid_until=new_until.outcome),
                                    new_until.reason_for("period_runs_from_approval").citation))
        elif blocker is not None:
            findings.append(Finding("renewal", _say("renewal_blocked", specialty=name, why=BlockingReasons(eligible)),
                                    blocker.citation))
        capped = new_until.reason_for("sixty_fifth_birthday_within_period")
        if capped.holds and new_until.outcome is not None:
            findings.append(Finding("age_cap", _say(
                "renewal_capped", age=AGE_CAP_YEARS.value,
                years=PERIOD_YEARS.value, birthday=new_until.outcome), capped.citation))
    else:
        if status.outcome == STATUS.expired:
            findings.append(Finding("renewal", _say("renewal_missed", specialty=name, lead_days=lead,
                                                    apply_by=apply_by.outcome), APPLY_BEFORE_EXPIRY))
        topic_key = {STATUS.expired: "registration_expired", STATUS.cancelled: "registration_cancelled",
                     STATUS.lapsed: "registration_lapsed", STATUS.abnormal: "registration_abnormal"}
        findings.append(Finding("registration_status", _say(topic_key[status.outcome], specialty=name,
                                                            valid_until=entry.valid_until),
                                _status_citation(status.outcome, status)))


def _status_citation(status: str, decision: Decision[str]) -> Citation:
    if status in (STATUS.cancelled, STATUS.lapsed):
        return REREGISTRATION
    if status == STATUS.abnormal:
        return fact("abnormal_status_listing").citation
    return decision.reasons[0].citation


@dataclass(frozen=True)
class BlockingReasons:
    """Why a renewal cannot be approved, worded when the finding is read."""

    eligible: Decision[bool]

    def __str__(self) -> str:
        return _blocking(self.eligible)


def _blocking(eligible: Decision[bool]) -> str:
    texts = section("blocking_reasons")
    facts: dict[str, object] = {name: value for r in eligible.reasons for name, value in r.facts}
    apply_by = facts["apply_by"]
    values = {**facts, "age": AGE_CAP_YEARS.value,
              "apply_by": chinese_date(apply_by) if isinstance(apply_by, dt.date) else apply_by,
              "shortfall": shown(facts["shortfall"])}
    return "；".join(texts[r.check].format(**values) for r in eligible.reasons if not r.holds)


def _unregistered_findings(entry: SpecialtyStatus, has_registration: bool, findings: list[Finding]) -> None:
    window: Decision[RegistrationWindow] = entry.decisions[0]
    years = (ADDITION_YEARS if has_registration else INITIAL_YEARS).value
    prefix = "addition" if has_registration else "initial"
    key = f"{prefix}_late" if window.outcome.needs_continuing_education_first else f"{prefix}_open"
    findings.append(Finding("initial_registration" if not has_registration else "addition_registration",
                            _say(key, specialty=entry.specialty, issued_on=entry.qualification_issued_on,
                                 deadline=window.outcome.deadline, years=years),
                            window.reasons[0].citation))


def _hours_finding(hours: Decision[HoursStanding]) -> Finding:
    standing = hours.outcome
    citation = hours.reasons[0].citation
    if standing.period_start is None:
        return Finding("continuing_education", _say("hours_no_period"), citation)
    gap = (_say("hours_met") if standing.met else
           _say("hours_gap", shortfall=standing.shortfall, compulsory_shortfall=standing.compulsory_shortfall,
                elective_shortfall=standing.elective_shortfall))
    return Finding("continuing_education", _say(
        "hours", period_start=standing.period_start, specialties=standing.requirement.specialties,
        required=standing.requirement.total, required_compulsory=standing.requirement.compulsory,
        required_elective=standing.requirement.elective, completed_compulsory=standing.completed_compulsory,
        completed_elective=standing.completed_elective, gap=gap), citation)


def _record_findings(record: Record, as_of: dt.date, birthday: dt.date, findings: list[Finding]) -> None:
    if as_of >= birthday and record.registrations:
        findings.append(Finding("age", _say("age_over_limit", birthday=birthday,
                                            age=number("age_limit_years").value),
                                number("age_limit_years").citation))
    if record.certificate_form == FORM.paper:
        usable_until = day("paper_certificate_usable_until").value
        last_end = max((r.valid_until for r in record.registrations), default=usable_until)
        paper = paper_certificate_standing(last_end, as_of)
        key, check = PAPER_FINDINGS[paper.outcome.action]
        findings.append(Finding("certificate", _say(
            key, void_from=day("paper_certificate_void_from").value,
            usable_until=day("paper_certificate_usable_until").value,
            exchange_deadline=paper.outcome.exchange_deadline), paper.reason_for(check).citation))
    insurance = social_insurance_check(record)
    if insurance.outcome.check is InsuranceCheck.NOT_ACCEPTED:
        assert record.employer and record.social_insurance_unit
        findings.append(Finding("social_insurance", _say(
            "insurance_mismatch", employer=record.employer.name, insurer=record.social_insurance_unit.name),
            insurance.reasons[0].citation))
    if record.employer is None:
        employment = employer_may_register(record.employer)
        findings.append(Finding("employment", _say("no_employer"), employment.reasons[0].citation))


def _findings(report: StatusReport) -> tuple[Finding, ...]:
    """What the report says in words, in the order it has always said it: each registration,
    each unregistered qualification, the hours, then the person's age, certificate, insurance and
    employer."""
    findings: list[Finding] = []
    has_valid_registration = _has_valid_registration(report.record)
    for entry in report.specialties:
        if entry.registration_status == STATUS.unregistered:
            _unregistered_findings(entry, has_valid_registration, findings)
        else:
            _registered_findings(entry, report.as_of, findings)
    if report.record.registrations:
        findings.append(_hours_finding(report.hours_decision))
    _record_findings(report.record, report.as_of, report.age_65_on, findings)
    return tuple(findings)


def status_report(record: Record, as_of: dt.date) -> StatusReport:
    """Everything the helpdesk, the employer roster and the assistant say about one person."""
    hours = continuing_education_standing(record, as_of).outcome
    birthday = sixty_fifth_birthday(record.birth_date)
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


def _iso(day_value: dt.date | None) -> str | None:
    return None if day_value is None else day_value.isoformat()


def report_to_dict(report: StatusReport) -> dict[str, Any]:
    """The JSON object of the status-report contract, plus a few fields it welcomes."""
    hours = report.hours
    return {
        "as_of": report.as_of.isoformat(),
        "person_id": report.record.person_id,
        "id_number_masked": mask_id_number(report.record.id_number),
        "age_65_on": report.age_65_on.isoformat(),
        "specialties": [
            {
                "specialty": s.specialty,
                "registration_status": s.registration_status,
                "valid_until": _iso(s.valid_until),
                "renewal_apply_by": _iso(s.renewal_apply_by),
                "renewal_eligible": s.renewal_eligible,
                "renewal_new_valid_until": _iso(s.renewal_new_valid_until),
                "initial_registration_deadline": _iso(s.initial_registration_deadline),
                "needs_ce_before_registering": s.needs_ce_before_registering,
                "registration_no": s.registration_no,
                "trace": [_reason_dict(r) for r in s.reasons],
            }
            for s in report.specialties
        ],
        "continuing_education": {
            "required_hours": hours.requirement.total,
            "required_compulsory": hours.requirement.compulsory,
            "required_elective": hours.requirement.elective,
            "completed_compulsory": shown(hours.completed_compulsory),
            "completed_elective": shown(hours.completed_elective),
            "shortfall_hours": shown(hours.shortfall),
            "shortfall_compulsory": shown(hours.compulsory_shortfall),
            "shortfall_elective": shown(hours.elective_shortfall),
            "period_start": _iso(hours.period_start),
            "trace": [_reason_dict(r) for r in report.reasons],
        },
        "findings": [f.as_dict() for f in report.findings],
    }


def _reason_dict(reason: Reason) -> dict[str, Any]:
    return {"check": reason.check, "holds": reason.holds, "facts": reason.fact_strings(),
            "clause": reason.citation.clause, "document": reason.citation.document}
