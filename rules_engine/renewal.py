"""五（一）2 延续注册: when to apply, what is required, how long the new period runs; and the two
lapses of 《注册建造师管理规定》第十六条 the notice's periods lead to (period ended, over 65)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from rules_engine.calendar import birthday_in_year, days_before, period_end
from rules_engine.continuing_education import HoursStanding
from rules_engine.parameters import number
from rules_engine.policy import Citation, cite, implements, in_force, specification_only
from rules_engine.record import Registration
from rules_engine.trace import Decision, reason
from rules_engine.vocabulary import STATUS

APPLY_BEFORE_EXPIRY = cite("五（一）2", "应当在注册有效期届满30日前，申请延续注册")
THREE_YEAR_PERIOD = cite("五（一）2", "延续注册有效期为3年")
HOURS_REQUIRED = cite("五（一）2", "二级建造师申请延续注册的，应达到继续教育要求,继续教育不满足要求的，不予延续")
PERIOD_STARTS_ON_APPROVAL = cite("五（一）2", "准予延续注册的注册专业，其注册专业有效期从准予延续注册之日起计算")
CAPPED_AT_65 = cite("五（一）2", "准予延续注册之日距二级建造师本人65周岁不满3年的，有效期至65周岁当日")
LAPSES_UNRENEWED = cite("第十六条", "注册有效期满且未延续注册的", "《注册建造师管理规定》")
LAPSES_OVER_65 = cite("第十六条", "年龄超过65周岁的", "《注册建造师管理规定》")

# renewal_apply_by depends on the end date and the lead in force alone, and thousands of
# registrations share a few thousand end dates; the other rules are cheaper to compute than to look up.
CACHE_SIZE = 4096


@implements(APPLY_BEFORE_EXPIRY)
def renewal_apply_by(valid_until: dt.date, as_of: dt.date) -> Decision[dt.date]:
    """The last day to apply: valid_until − 30 days, or the lead an amending document in force on
    `as_of` sets (its clause is then the reason's)."""
    return _apply_by(valid_until, number("renewal_lead_days", as_of).value, in_force(APPLY_BEFORE_EXPIRY, as_of))


@lru_cache(maxsize=CACHE_SIZE)
def _apply_by(valid_until: dt.date, lead: int, citation: Citation) -> Decision[dt.date]:
    apply_by = days_before(valid_until, lead)
    return Decision(apply_by, (
        reason("apply_by_is_valid_until_minus_lead", True, citation,
               valid_until=valid_until, lead_days=lead, apply_by=apply_by),
    ))


@implements(CAPPED_AT_65)
def sixty_fifth_birthday(birth_date: dt.date, as_of: dt.date) -> dt.date:
    """至65周岁当日: the 65th birthday (2月28日 for a 2月29日 birth in a non-leap year), of the age
    cap in force on `as_of`."""
    return birthday_in_year(birth_date, number("renewal_age_cap_years", as_of).value)


@implements(PERIOD_STARTS_ON_APPROVAL)
def renewal_new_valid_until(approved_on: dt.date, birth_date: dt.date, as_of: dt.date) -> Decision[dt.date | None]:
    """The end of a period granted on `approved_on`: 3 years, or the 65th birthday if sooner, by the
    rules in force on `as_of`.

    None when the person is already 65 on the approval date: no period can be granted.
    """
    return _new_valid_until(approved_on, sixty_fifth_birthday(birth_date, as_of), as_of)


def _new_valid_until(approved_on: dt.date, birthday: dt.date, as_of: dt.date) -> Decision[dt.date | None]:
    uncapped = period_end(approved_on, number("renewal_period_years", as_of).value)
    already_65 = approved_on >= birthday
    capped = birthday <= uncapped
    outcome = None if already_65 else (birthday if capped else uncapped)
    return Decision(outcome, lambda: (
        reason("period_runs_from_approval", True, in_force(PERIOD_STARTS_ON_APPROVAL, as_of),
               approved_on=approved_on, uncapped_end=uncapped),
        reason("sixty_fifth_birthday_within_period", capped, in_force(CAPPED_AT_65, as_of),
               sixty_fifth_birthday=birthday, uncapped_end=uncapped),
        reason("under_65_on_approval", not already_65, LAPSES_OVER_65,
               approved_on=approved_on, sixty_fifth_birthday=birthday),
    ))


@implements(LAPSES_UNRENEWED)
def registration_status(registration: Registration, as_of: dt.date) -> Decision[str]:
    """The status on `as_of`: a 有效 registration whose period has ended is 已过期."""
    stored, valid_until = registration.status, registration.valid_until
    expired = stored == STATUS.valid and valid_until < as_of
    outcome = STATUS.expired if expired else stored
    return Decision(outcome, lambda: (
        reason("period_not_ended", valid_until >= as_of, LAPSES_UNRENEWED,
               stored_status=stored, valid_until=valid_until, as_of=as_of),
    ))


@implements(LAPSES_OVER_65)
def registration_lapses_over_age_limit(registered: bool, birth_date: dt.date, as_of: dt.date) -> Decision[bool]:
    """年龄超过65周岁的: a registered person's certificate and seal lapse.

    From the 65th birthday on: the day 五（一）2 ends a capped period and from which no renewal is
    granted (under_65), so the report never offers a renewal to someone it says has lapsed.
    `registered` is whether the record holds any registration, whatever its status.
    """
    birthday = sixty_fifth_birthday(birth_date, as_of)
    reached = as_of >= birthday
    return Decision(registered and reached, lambda: (
        reason("has_registration", registered, LAPSES_OVER_65),
        reason("sixty_fifth_birthday_reached", reached, LAPSES_OVER_65, as_of=as_of, sixty_fifth_birthday=birthday),
    ))


@specification_only(
    "The status report decides eligibility through renewal_decisions, which runs this function's "
    "body (_eligibility) on the status, apply-by date and 65th birthday it has already worked out; "
    "this is the clause's reading on its own.", "renewal")
@implements(HOURS_REQUIRED)
def renewal_eligibility(registration: Registration, birth_date: dt.date, hours: HoursStanding,
                        as_of: dt.date) -> Decision[bool]:
    """Could a renewal applied for on `as_of` be approved?"""
    return _eligibility(registration, hours, as_of, registration_status(registration, as_of).outcome,
                        renewal_apply_by(registration.valid_until, as_of).outcome,
                        sixty_fifth_birthday(birth_date, as_of))


def _eligibility(registration: Registration, hours: HoursStanding, as_of: dt.date, status: str,
                 apply_by: dt.date, birthday: dt.date) -> Decision[bool]:
    valid = status == STATUS.valid
    in_time = as_of <= apply_by
    met = hours.met
    under_65 = as_of < birthday
    return Decision(valid and in_time and met and under_65, lambda: (
        reason("registration_valid", valid, LAPSES_UNRENEWED,
               status=status, valid_until=registration.valid_until),
        reason("applied_by_deadline", in_time, in_force(APPLY_BEFORE_EXPIRY, as_of), as_of=as_of, apply_by=apply_by),
        reason("continuing_education_met", met, in_force(HOURS_REQUIRED, as_of),
               shortfall=hours.shortfall, required=hours.requirement.total),
        reason("under_65", under_65, LAPSES_OVER_65, as_of=as_of, sixty_fifth_birthday=birthday),
    ))


def renewal_decisions(registration: Registration, birthday: dt.date, hours: HoursStanding, as_of: dt.date
                      ) -> tuple[Decision[str], Decision[dt.date], Decision[bool], Decision[dt.date | None]]:
    """registration_status, renewal_apply_by, renewal_eligibility and renewal_new_valid_until of one
    registration, as the status report asks for them, with the 65th birthday worked out once."""
    status = registration_status(registration, as_of)
    apply_by = renewal_apply_by(registration.valid_until, as_of)
    return (status, apply_by, _eligibility(registration, hours, as_of, status.outcome, apply_by.outcome, birthday),
            _new_valid_until(as_of, birthday, as_of))
