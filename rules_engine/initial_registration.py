"""五（一）1 初始注册 and 五（一）3 增项注册: the 3 years from a qualification's issue date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rules_engine.calendar import period_end
from rules_engine.parameters import number
from rules_engine.policy import cite, implements, in_force, specification_only
from rules_engine.record import Qualification, Registration
from rules_engine.trace import Decision, reason

WITHIN_THREE_YEARS = cite("五（一）1", "二级建造师可自资格证书签发之日起3年内提出申请")
LATE_NEEDS_HOURS = cite("五（一）1", "逾期未申请者，须符合本专业继续教育的要求后方可申请初始注册")
ADDITION_LATE_NEEDS_HOURS = cite(
    "五（一）3", "取得增项专业资格证书超过3年未注册的，须符合该注册专业继续教育的要求后方可申请增项注册")
ADDITION_KEEPS_END_DATE = cite("五（一）3", "准予增项注册后，原专业注册有效截止日期保持不变")

# The parameters of the two windows (data/policy/parameters.yml), read for the day asked about.
INITIAL_YEARS = "initial_registration_window_years"
ADDITION_YEARS = "addition_unregistered_limit_years"


@dataclass(frozen=True)
class RegistrationWindow:
    deadline: dt.date
    needs_continuing_education_first: bool


def window_years(has_valid_registration: bool, as_of: dt.date) -> int:
    """The years of the window that applies: 五（一）3's for a 增项, else 五（一）1's."""
    return number(ADDITION_YEARS if has_valid_registration else INITIAL_YEARS, as_of).value


def _window(qualification: Qualification, as_of: dt.date, years: str) -> RegistrationWindow:
    deadline = period_end(qualification.issued_on, number(years, as_of).value)
    return RegistrationWindow(deadline, as_of > deadline)


@implements(WITHIN_THREE_YEARS)
def initial_registration_deadline(qualification: Qualification, as_of: dt.date) -> Decision[RegistrationWindow]:
    """Last day of the 3 years from the issue date; after it, continuing education comes first."""
    window = _window(qualification, as_of, INITIAL_YEARS)
    deadline, late = window.deadline, window.needs_continuing_education_first
    return Decision(window, lambda: (
        reason("within_three_years_of_issue", not late, in_force(WITHIN_THREE_YEARS, as_of),
               issued_on=qualification.issued_on, deadline=deadline, as_of=as_of),
        reason("continuing_education_first", late, in_force(LATE_NEEDS_HOURS, as_of),
               specialty=qualification.specialty),
    ))


@implements(ADDITION_LATE_NEEDS_HOURS)
def addition_registration_limit(qualification: Qualification, as_of: dt.date) -> Decision[RegistrationWindow]:
    """增项: more than 3 years unregistered means the added specialty's hours come first."""
    window = _window(qualification, as_of, ADDITION_YEARS)
    deadline, late = window.deadline, window.needs_continuing_education_first
    return Decision(window, lambda: (
        reason("added_qualification_within_three_years", not late, in_force(ADDITION_LATE_NEEDS_HOURS, as_of),
               issued_on=qualification.issued_on, deadline=deadline, as_of=as_of),
    ))


@specification_only("Nothing to work out: the original end date is the one the record already holds, and the "
                    "report's addition finding says it stays.", "addition")
@implements(ADDITION_KEEPS_END_DATE)
def addition_keeps_original_end_date(original: Registration) -> Decision[dt.date]:
    """After a 增项 the original specialty's end date stays as it was."""
    return Decision(original.valid_until, (
        reason("original_end_date_unchanged", True, ADDITION_KEEPS_END_DATE,
               specialty=original.specialty, valid_until=original.valid_until),
    ))
