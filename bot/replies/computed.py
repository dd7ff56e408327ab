"""Answers computed from what the question itself says (dates, hours, counts), by the rules engine.

No identification is needed: the person's own numbers are in the message. Each answer gives the
result, one sentence of 怎么算的 and the 依据 of the rules used. A date that cannot be used gets a
question back instead (AskBack), never a guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.config import PROJECT_ROOT
from bot.replies.answer_files import answer_file
from bot.replies.knowledge import Answer
from bot.understanding.typed_facts import DateRole, TypedDate, TypedFacts
from rules_engine.calendar import period_end, shown
from rules_engine.continuing_education import HOURS_PER_SPECIALTY, continuing_education_requirement
from rules_engine.initial_registration import LATE_NEEDS_HOURS, WITHIN_THREE_YEARS, initial_registration_deadline
from rules_engine.parameters import number
from rules_engine.policy import Citation, in_force
from rules_engine.record import Qualification
from rules_engine.registration_kinds import REREGISTRATION
from rules_engine.renewal import (
    APPLY_BEFORE_EXPIRY,
    CAPPED_AT_65,
    LAPSES_UNRENEWED,
    PERIOD_STARTS_ON_APPROVAL,
    renewal_apply_by,
    renewal_new_valid_until,
    sixty_fifth_birthday,
)

COMPUTED_FILE = PROJECT_ROOT / "data" / "answers" / "computed.yml"
# Which computation a topic's question asks for, when the message carries the facts it needs.
RENEWAL_TOPICS = {"renewal", "renewal_expired", "application_steps", "portal"}
PERIOD_TOPICS = {"age_limit", "renewal"}
INITIAL_TOPICS = {"initial_registration", "addition", "renewal_expired"}
HOURS_TOPICS = {"ce_hours", "renewal", "addition"}


@dataclass(frozen=True)
class AskBack:
    """A short question back: the date typed cannot be used as it is."""

    text: str


def _texts() -> dict[str, Any]:
    return answer_file("computed.yml")


def _say(key: str, **values: object) -> str:
    return str(_texts()[key]).format(**{k: shown(v) for k, v in values.items()})


def _unusable(typed: TypedDate) -> AskBack | None:
    if not typed.exists:
        return AskBack(_say("ask_impossible_date", typed=typed.typed))
    if typed.day is None:
        return AskBack(_say("ask_day", typed=typed.typed, example=f"{typed.year}年{typed.month}月1日"))
    return None


def _answer(topic: str, text: str, today: dt.date, *citations: Citation) -> Answer:
    """The answer, citing each clause as it stands on `today` (an amending document's where it supersedes one)."""
    return Answer(topic, text, tuple(in_force(c, today) for c in citations))


def _renewal(valid_until: dt.date, today: dt.date) -> Answer:
    lead = number("renewal_lead_days", today).value
    apply_by = renewal_apply_by(valid_until, today).outcome
    if today > valid_until:
        return _answer("renewal_expired", _say("expired", valid_until=valid_until), today,
                       LAPSES_UNRENEWED, REREGISTRATION)
    key = "apply_by_in_time" if today <= apply_by else "apply_by_passed"
    lines = [_say(key, valid_until=valid_until, apply_by=apply_by, today=today),
             _say("apply_by_how", valid_until=valid_until, lead_days=lead, apply_by=apply_by)]
    return _answer("renewal", "\n".join(lines), today, APPLY_BEFORE_EXPIRY)


def _new_period_in_month(birth: dt.date, approved: TypedDate, today: dt.date) -> Answer | AskBack:
    """Approval in a month without a day: answered when every day of it gives the same end (the 65 cap)."""
    first, last = approved.month_days()
    ends = {renewal_new_valid_until(day, birth, today).outcome for day in (first, last)}
    if len(ends) == 1 and ends != {None}:
        return _new_period(birth, first, today, approved.typed)
    return AskBack(_say("ask_day", typed=approved.typed, example=f"{approved.year}年{approved.month}月1日"))


def _new_period(birth: dt.date, approved: dt.date | None, today: dt.date, month_typed: str | None = None) -> Answer:
    years, age = number("renewal_period_years", today).value, number("renewal_age_cap_years", today).value
    approved_on = approved or today
    birthday = sixty_fifth_birthday(birth, today)
    until = renewal_new_valid_until(approved_on, birth, today).outcome
    uncapped = period_end(approved_on, years)
    if until is None:
        first = _say("new_period_over_age", approved_on=approved_on, age=age, birthday=birthday)
    elif until == birthday and birthday <= uncapped:
        first = _say("new_period_capped", approved_on=approved_on, years=years, uncapped=uncapped, age=age,
                     new_valid_until=until)
    else:
        first = _say("new_period", approved_on=approved_on, new_valid_until=until)
    if month_typed:
        first = _say("new_period_month", month=month_typed, age=age, new_valid_until=until)
    assumed = _say("approval_assumed") if approved is None else ""
    lines = [first + assumed, _say("new_period_how", years=years, age=age)]
    return _answer("age_limit", "\n".join(lines), today, PERIOD_STARTS_ON_APPROVAL, CAPPED_AT_65)


def _initial(issued_on: dt.date, today: dt.date) -> Answer:
    years = number("initial_registration_window_years", today).value
    window = initial_registration_deadline(Qualification("", issued_on), today).outcome
    citations: tuple[Citation, ...]
    if window.needs_continuing_education_first:
        first, citations = _say("initial_late", issued_on=issued_on, deadline=window.deadline), (
            WITHIN_THREE_YEARS, LATE_NEEDS_HOURS)
    else:
        first, citations = _say("initial_in_time", issued_on=issued_on, deadline=window.deadline,
                                today=today), (WITHIN_THREE_YEARS,)
    return _answer("initial_registration", "\n".join([first, _say("initial_how", years=years)]), today, *citations)


def _hours(facts: TypedFacts, today: dt.date) -> Answer:
    count = facts.specialty_count or 1
    requirement = continuing_education_requirement(count, today).outcome
    values: dict[str, object] = {"count": count, "total": requirement.total, "compulsory": requirement.compulsory,
                                 "elective": requirement.elective}
    if facts.compulsory_done is None and facts.elective_done is None:
        done = facts.total_done or 0
        verdict = "已够总数" if done >= requirement.total else f"比总数还差{shown(float(requirement.total - done))}学时"
        first = _say("hours_total_only", done=done, verdict=verdict, **values)
    else:
        compulsory_short = max(0.0, requirement.compulsory - (facts.compulsory_done or 0))
        elective_short = max(0.0, requirement.elective - (facts.elective_done or 0))
        if compulsory_short + elective_short == 0:
            first = _say("hours_met", **values)
        else:
            first = _say("hours_short", shortfall=compulsory_short + elective_short,
                         compulsory_shortfall=compulsory_short, elective_shortfall=elective_short, **values)
    how = _say("hours_how", first=number("ce_first_specialty_total_hours", today).value,
               further=number("ce_further_specialty_total_hours", today).value)
    return _answer("ce_hours", "\n".join([first, how]), today, HOURS_PER_SPECIALTY)


def computed_answer(facts: TypedFacts, topic: str | None, today: dt.date) -> Answer | AskBack | None:
    """The answer from the facts typed, for the topic asked about, else for what the facts themselves are
    (a typed expiry date answers a renewal question whatever topic the classifier chose); None when the
    message has no fact to compute with."""
    found = _computed_for(facts, topic, today)
    return found if found is not None or topic is None else _computed_for(facts, None, today)


def _computed_for(facts: TypedFacts, topic: str | None, today: dt.date) -> Answer | AskBack | None:
    birth = facts.first(DateRole.BIRTH)
    issued = facts.first(DateRole.ISSUED_ON)
    valid_until = facts.first(DateRole.VALID_UNTIL)
    unknown = facts.first(DateRole.UNKNOWN)
    if birth is not None and topic in PERIOD_TOPICS | {None}:
        if not birth.exists:
            return _unusable(birth)
        if birth.date is None:
            return AskBack(_say("ask_birth_day"))
        approved = facts.first(DateRole.APPROVED_ON) or (unknown if unknown is not birth else None)
        if approved is not None and approved.exists and approved.day is None:
            return _new_period_in_month(birth.date, approved, today)
        if approved is not None and (problem := _unusable(approved)):
            return problem
        return _new_period(birth.date, approved.date if approved else None, today)
    if issued is None and unknown is not None and topic in {"initial_registration", "addition"}:
        issued = unknown
    if issued is not None and topic in INITIAL_TOPICS | {None}:
        return _unusable(issued) or _initial(issued.date, today)  # type: ignore[arg-type]
    if valid_until is None and unknown is not None and topic in {"renewal", "renewal_expired"}:
        valid_until = unknown
    if valid_until is not None and topic in RENEWAL_TOPICS | {None}:
        return _unusable(valid_until) or _renewal(valid_until.date, today)  # type: ignore[arg-type]
    approved = facts.first(DateRole.APPROVED_ON)
    if approved is not None and topic in PERIOD_TOPICS:
        return _unusable(approved) or _plain_period(approved.date, today)  # type: ignore[arg-type]
    if facts.hours_typed and topic in HOURS_TOPICS | {None}:
        return _hours(facts, today)
    return None


def _plain_period(approved_on: dt.date, today: dt.date) -> Answer:
    years, age = number("renewal_period_years", today).value, number("renewal_age_cap_years", today).value
    lines = [_say("new_period", approved_on=approved_on, new_valid_until=period_end(approved_on, years)),
             _say("new_period_how", years=years, age=age)]
    return _answer("renewal", "\n".join(lines), today, PERIOD_STARTS_ON_APPROVAL)
