"""The status report in words: each finding a sentence of data/policy/messages.yml and the
clause it rests on, worded only when read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rules_engine.calendar import chinese_date, shown
from rules_engine.certificates import PaperAction, paper_certificate_standing, paper_certificate_validity_end
from rules_engine.continuing_education import HoursStanding
from rules_engine.facts import fact
from rules_engine.initial_registration import RegistrationWindow, window_years
from rules_engine.messages import section, text
from rules_engine.parameters import day, number
from rules_engine.policy import Citation
from rules_engine.procedure import InsuranceCheck, social_insurance_check
from rules_engine.registration_kinds import employer_may_register, reregistration_possible
from rules_engine.renewal import registration_lapses_over_age_limit
from rules_engine.trace import Decision
from rules_engine.vocabulary import FORM, STATUS

if TYPE_CHECKING:
    from rules_engine.report import SpecialtyStatus, StatusReport

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


@dataclass(frozen=True)
class BlockingReasons:
    """Why a renewal cannot be approved, worded when the finding is read."""

    eligible: Decision[bool]
    as_of: dt.date

    def __str__(self) -> str:
        return _blocking(self.eligible, self.as_of)


def _say(key: str, **values: object) -> Sentence:
    return Sentence(key, tuple(values.items()))


def _registered_findings(entry: SpecialtyStatus, as_of: dt.date, findings: list[Finding]) -> None:
    status, apply_by, eligible, new_until = entry.decisions
    lead = number("renewal_lead_days", as_of).value
    lead_citation = apply_by.reasons[0].citation  # the notice's 五（一）2, or the clause superseding it on as_of
    name = entry.specialty
    if status.outcome == STATUS.valid:
        key = "registration_valid" if as_of <= apply_by.outcome else "renewal_window_passed"
        findings.append(Finding("renewal", _say(key, specialty=name, valid_until=entry.valid_until,
                                                apply_by=apply_by.outcome, lead_days=lead),
                                lead_citation))
        blocker = eligible.first_failure()
        if blocker is None and new_until.outcome is not None:
            findings.append(Finding("renewal", _say("renewal_eligible", as_of=as_of, specialty=name,
                                                    new_valid_until=new_until.outcome),
                                    new_until.reason_for("period_runs_from_approval").citation))
        elif blocker is not None:
            findings.append(Finding("renewal", _say("renewal_blocked", specialty=name,
                                                    why=BlockingReasons(eligible, as_of)), blocker.citation))
        capped = new_until.reason_for("sixty_fifth_birthday_within_period")
        if capped.holds and new_until.outcome is not None:
            findings.append(Finding("age_cap", _say(
                "renewal_capped", age=number("renewal_age_cap_years", as_of).value,
                years=number("renewal_period_years", as_of).value, birthday=new_until.outcome), capped.citation))
    else:
        if status.outcome == STATUS.expired:
            findings.append(Finding("renewal", _say("renewal_missed", specialty=name, lead_days=lead,
                                                    apply_by=apply_by.outcome), lead_citation))
        topic_key = {STATUS.expired: "registration_expired", STATUS.cancelled: "registration_cancelled",
                     STATUS.lapsed: "registration_lapsed", STATUS.abnormal: "registration_abnormal"}
        findings.append(Finding("registration_status", _say(topic_key[status.outcome], specialty=name,
                                                            valid_until=entry.valid_until),
                                _status_citation(status.outcome, status)))


def _status_citation(status: str, decision: Decision[str]) -> Citation:
    if status in (STATUS.cancelled, STATUS.lapsed):
        # The sentence says re-registration is open once the conditions are met again: the
        # rule's outcome on that supposition.
        return reregistration_possible(status, conditions_met_again=True).reason_for("registration_ended").citation
    if status == STATUS.abnormal:
        return fact("abnormal_status_listing").citation
    return decision.reasons[0].citation


def _blocking(eligible: Decision[bool], as_of: dt.date) -> str:
    texts = section("blocking_reasons")
    facts: dict[str, object] = {name: value for r in eligible.reasons for name, value in r.facts}
    apply_by = facts["apply_by"]
    values = {**facts, "age": number("renewal_age_cap_years", as_of).value,
              "apply_by": chinese_date(apply_by) if isinstance(apply_by, dt.date) else apply_by,
              "shortfall": shown(facts["shortfall"])}
    return "；".join(texts[r.check].format(**values) for r in eligible.reasons if not r.holds)


def _unregistered_findings(entry: SpecialtyStatus, has_registration: bool, as_of: dt.date,
                           findings: list[Finding]) -> None:
    window: Decision[RegistrationWindow] = entry.decisions[0]
    years = window_years(has_registration, as_of)
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


def _person_findings(report: StatusReport, findings: list[Finding]) -> None:
    record, as_of = report.record, report.as_of
    over_age = registration_lapses_over_age_limit(bool(record.registrations), record.birth_date, as_of)
    if over_age.outcome:
        findings.append(Finding("age", _say("age_over_limit", birthday=report.age_65_on,
                                            age=number("renewal_age_cap_years", as_of).value),
                                over_age.reason_for("sixty_fifth_birthday_reached").citation))
    if record.certificate_form == FORM.paper:
        paper = paper_certificate_standing(paper_certificate_validity_end(record.registrations, as_of).outcome, as_of)
        key, check = PAPER_FINDINGS[paper.outcome.action]
        findings.append(Finding("certificate", _say(
            key, void_from=day("paper_certificate_void_from", as_of).value,
            usable_until=day("paper_certificate_usable_until", as_of).value,
            exchange_deadline=paper.outcome.exchange_deadline), paper.reason_for(check).citation))
    insurance = social_insurance_check(record, as_of)
    if insurance.outcome.check is InsuranceCheck.NOT_ACCEPTED:
        assert record.employer and record.social_insurance_unit
        findings.append(Finding("social_insurance", _say(
            "insurance_mismatch", employer=record.employer.name, insurer=record.social_insurance_unit.name),
            insurance.reasons[0].citation))
    if record.employer is None:
        employment = employer_may_register(record.employer)
        findings.append(Finding("employment", _say("no_employer"), employment.reasons[0].citation))


def report_findings(report: StatusReport) -> tuple[Finding, ...]:
    """What the report says in words, in the order it has always said it: each registration,
    each unregistered qualification, the hours, then the person's age, certificate, insurance and
    employer."""
    findings: list[Finding] = []
    has_valid_registration = report.holds_valid_registration
    for entry in report.specialties:
        if entry.registration_status == STATUS.unregistered:
            _unregistered_findings(entry, has_valid_registration, report.as_of, findings)
        else:
            _registered_findings(entry, report.as_of, findings)
    if report.record.registrations:
        findings.append(_hours_finding(report.hours_decision))
    _person_findings(report, findings)
    return tuple(findings)
