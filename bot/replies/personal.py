"""Answers about the asker's own record, read off the rules engine's status report.

Every date, number and reason comes from the report, so the assistant, the staff console and the
employer roster say the same thing; the sentences live in data/answers/personal.yml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.config import PROJECT_ROOT
from bot.replies.answer_files import answer_file
from bot.replies.knowledge import Answer, basis_line, knowledge_answer
from rules_engine.calendar import period_end, shown
from rules_engine.continuing_education import HOURS_PER_SPECIALTY
from rules_engine.initial_registration import ADDITION_LATE_NEEDS_HOURS, WITHIN_THREE_YEARS
from rules_engine.parameters import number
from rules_engine.policy import Citation, in_force
from rules_engine.renewal import APPLY_BEFORE_EXPIRY, CAPPED_AT_65, HOURS_REQUIRED, LAPSES_OVER_65, LAPSES_UNRENEWED
from rules_engine.report import SpecialtyStatus, StatusReport
from rules_engine.vocabulary import STATUS

PERSONAL_FILE = PROJECT_ROOT / "data" / "answers" / "personal.yml"


def _texts() -> dict[str, Any]:
    return answer_file("personal.yml")


def say(key: str, **values: object) -> str:
    text: str = _texts()[key]
    return text.format(**{k: shown(v) for k, v in values.items()})


def _registered(report: StatusReport) -> list[SpecialtyStatus]:
    return [s for s in report.specialties if s.registration_status != STATUS.unregistered]


def _answer(topic: str, lines: list[str], as_of: dt.date, *citations: Citation) -> Answer:
    """The answer, citing each clause as it stands on `as_of` (an amending document's where it supersedes one)."""
    return Answer(topic, "\n".join(lines), tuple(in_force(c, as_of) for c in citations))


def _not_registered(report: StatusReport) -> Answer:
    """No registration yet: no end date to speak of, but the deadline of the initial registration."""
    found = _findings(report, "initial_registration", "addition_registration")
    return _answer("initial", [say("need_registration"), *(f.text for f in found)], report.as_of, WITHIN_THREE_YEARS,
                   *(f.citation for f in found))


def expiry(report: StatusReport) -> Answer:
    registered = _registered(report)
    if not registered:
        return _not_registered(report)
    lines = [say("expiry_line", specialty=s.specialty, status=s.registration_status, valid_until=s.valid_until)
             for s in registered]
    lines += [_apply_by_line(s, report.as_of) for s in registered if s.registration_status == STATUS.valid]
    return _answer("apply_by", lines, report.as_of, APPLY_BEFORE_EXPIRY)


def _apply_by_line(status: SpecialtyStatus, as_of: dt.date) -> str:
    assert status.renewal_apply_by is not None
    key = "apply_by_line" if as_of <= status.renewal_apply_by else "apply_by_passed_line"
    return say(key, specialty=status.specialty, valid_until=status.valid_until, apply_by=status.renewal_apply_by,
               lead_days=number("renewal_lead_days", as_of).value)


def renewal_deadline(report: StatusReport) -> Answer:
    registered = _registered(report)
    if not registered:
        return _not_registered(report)
    lines = [_apply_by_line(s, report.as_of) if s.registration_status == STATUS.valid
             else say("not_renewable_line", specialty=s.specialty, status=s.registration_status,
                      valid_until=s.valid_until, apply_by=s.renewal_apply_by)
             for s in registered]
    return _answer("apply_by", lines, report.as_of, APPLY_BEFORE_EXPIRY, *_lapsed(registered))


def _why_not(status: SpecialtyStatus, report: StatusReport) -> str:
    fixes = _texts()["blocker_fix"]
    hours = report.hours
    values = {"apply_by": shown(status.renewal_apply_by), "shortfall": shown(hours.shortfall),
              "compulsory_shortfall": shown(hours.compulsory_shortfall),
              "elective_shortfall": shown(hours.elective_shortfall), "birthday": shown(report.age_65_on),
              "age": number("renewal_age_cap_years", report.as_of).value}
    failed = [r.check for r in status.reasons if not r.holds and r.check in fixes]
    return "；".join(fixes[check].format(**values) for check in dict.fromkeys(failed))


def renewal_eligibility(report: StatusReport) -> Answer:
    registered = _registered(report)
    if not registered:
        return _not_registered(report)
    lines = []
    for status in registered:
        if status.renewal_eligible:
            lines.append(say("eligible_line", specialty=status.specialty, apply_by=status.renewal_apply_by,
                             lead_days=number("renewal_lead_days", report.as_of).value,
                             new_valid_until=status.renewal_new_valid_until))
        else:
            lines.append(say("blocked_line", specialty=status.specialty, valid_until=status.valid_until,
                             why=_why_not(status, report)))
    return _answer("new_period", lines, report.as_of, APPLY_BEFORE_EXPIRY, HOURS_REQUIRED, *_lapsed(registered))


def _lapsed(registered: list[SpecialtyStatus]) -> tuple[Citation, ...]:
    """The rule that an unrenewed registration lapses, where one of them has (its 依据 is cited too)."""
    return (LAPSES_UNRENEWED,) if any(s.registration_status == STATUS.expired for s in registered) else ()


def hours(report: StatusReport) -> Answer:
    standing = report.hours
    if standing.period_start is None:
        return _answer("hours", [say("hours_none")], report.as_of, HOURS_PER_SPECIALTY)
    lines = [say("hours_line", period_start=standing.period_start, specialties=standing.requirement.specialties,
                 required=standing.requirement.total, required_compulsory=standing.requirement.compulsory,
                 required_elective=standing.requirement.elective, completed_compulsory=standing.completed_compulsory,
                 completed_elective=standing.completed_elective)]
    lines.append(say("hours_met") if standing.met else say(
        "hours_short", shortfall=standing.shortfall, compulsory_shortfall=standing.compulsory_shortfall,
        elective_shortfall=standing.elective_shortfall))
    return _answer("hours", lines, report.as_of, HOURS_PER_SPECIALTY)


def age_cap(report: StatusReport) -> Answer:
    age = number("renewal_age_cap_years", report.as_of).value
    years = number("renewal_period_years", report.as_of).value
    birthday = report.age_65_on
    if report.as_of >= birthday:
        return _answer("age", [say("age_over", birthday=birthday, age=age)], report.as_of, LAPSES_OVER_65)
    uncapped = period_end(report.as_of, years)
    lines = [say("age_line", birthday=birthday, age=age)]
    if birthday <= uncapped:
        lines.append(say("age_capped", years=years, uncapped=uncapped, age=age, birthday=birthday))
    else:
        lines.append(say("age_not_capped", years=years, new_valid_until=uncapped, age=age, birthday=birthday))
    return _answer("age", lines, report.as_of, CAPPED_AT_65)


def _findings(report: StatusReport, *topics: str) -> list[Any]:
    return [f for f in report.findings if f.topic in topics]


def unregistered(report: StatusReport) -> Answer:
    found = _findings(report, "initial_registration", "addition_registration")
    if not found:
        return _answer("none", [say("no_unregistered")], report.as_of, WITHIN_THREE_YEARS)
    return _answer("initial", [f.text for f in found], report.as_of, *(f.citation for f in found))


def addition(report: StatusReport) -> Answer:
    found = _findings(report, "addition_registration", "initial_registration")
    if not found:
        return _answer("none", [say("no_unregistered")], report.as_of, ADDITION_LATE_NEEDS_HOURS)
    return _answer("initial", [f.text for f in found], report.as_of, *(f.citation for f in found))


def paper_certificate(report: StatusReport) -> Answer:
    found = _findings(report, "certificate")
    if not found:
        from rules_engine.certificates import ELECTRONIC_FROM

        return _answer("none", [say("no_paper")], report.as_of, ELECTRONIC_FROM)
    return _answer("none", [f.text for f in found], report.as_of, *(f.citation for f in found))


def abnormal_status(report: StatusReport) -> Answer:
    found = [f for f in _findings(report, "registration_status")
             if any(s.registration_status == STATUS.abnormal for s in report.specialties)]
    if not found:
        from rules_engine.registration_kinds import ONE_SIDE_REFUSES

        return _answer("none", [say("no_abnormal")], report.as_of, ONE_SIDE_REFUSES)
    return _answer("none", [f.text for f in found], report.as_of, *(f.citation for f in found))


PERSONAL_ANSWERS: dict[str, Callable[[StatusReport], Answer]] = {
    "my_expiry": expiry,
    "my_renewal_deadline": renewal_deadline,
    "my_renewal_eligibility": renewal_eligibility,
    "my_hours": hours,
    "my_age_cap": age_cap,
    "my_unregistered": unregistered,
    "my_addition": addition,
    "my_paper_certificate": paper_certificate,
    "my_abnormal_status": abnormal_status,
}


def personal_answer(intent: str, report: StatusReport) -> Answer:
    return PERSONAL_ANSWERS[intent](report)


def explanation(topic: str | None, report: StatusReport) -> str:
    """怎么算的: the computation behind the last answer, in one or two sentences."""
    texts = _texts()["explanations"]
    as_of = report.as_of
    lead = number("renewal_lead_days", as_of).value
    years = number("renewal_period_years", as_of).value
    age = number("renewal_age_cap_years", as_of).value
    registered = [s for s in _registered(report) if s.valid_until is not None]
    if topic == "apply_by" and registered:
        s = registered[0]
        return str(texts["apply_by"].format(valid_until=shown(s.valid_until), lead_days=lead,
                                            apply_by=shown(s.renewal_apply_by)))
    if topic in ("new_period", "age"):
        key = "new_period" if topic == "new_period" else "age"
        return str(texts[key].format(as_of=shown(report.as_of), years=years,
                                     uncapped=shown(period_end(report.as_of, years)), age=age))
    if topic == "hours" and report.hours.period_start is not None:
        return str(texts["hours"].format(period_start=shown(report.hours.period_start), as_of=shown(report.as_of),
                                         first=number("ce_first_specialty_total_hours", as_of).value,
                                         further=number("ce_further_specialty_total_hours", as_of).value))
    unregistered_entries = [s for s in report.specialties if s.initial_registration_deadline is not None]
    if topic == "initial" and unregistered_entries:
        s = unregistered_entries[0]
        return str(texts["initial"].format(issued_on=shown(s.qualification_issued_on),
                                           years=number("initial_registration_window_years", as_of).value,
                                           deadline=shown(s.initial_registration_deadline)))
    return str(texts["none"])


def _general_topic(topic: str, report: StatusReport) -> str:
    """The general rule that fits this registrant: the lapse rule once their registration has expired."""
    registered = _registered(report)
    if topic in ("renewal", "renewal_expired") and not registered:
        return "initial_registration"
    if topic == "renewal" and any(s.registration_status == STATUS.expired for s in registered):
        return "renewal_expired"
    return topic


def with_general_rule(answer: Answer, topic: str, report: StatusReport) -> str:
    """The registrant's own answer, then the general answer it rests on, and the 依据 of both.

    The general answer is given whole: an identified registrant asking "续注的有效期是几年" asks the rule
    as much as their own date, and the rule's facts (3年, 30日前) must not be lost to the personal lines.
    """
    general = knowledge_answer(_general_topic(topic, report), report.as_of)
    rule = say("general_rule", rule=general.text)
    return "\n".join([answer.text, rule, basis_line(answer.citations + general.citations)])
