"""五（二） 继续教育: the hours a registration period requires and what is still missing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from rules_engine.parameters import in_force_on
from rules_engine.policy import Citation, cite, implements, in_force
from rules_engine.record import Record, Registration
from rules_engine.trace import Decision, reason
from rules_engine.vocabulary import CATEGORY, STATUS


@dataclass(frozen=True)
class HoursRequirement:
    specialties: int
    compulsory: int
    elective: int

    @property
    def total(self) -> int:
        return self.compulsory + self.elective


@dataclass(frozen=True, slots=True)
class HoursStanding:
    requirement: HoursRequirement
    period_start: dt.date | None
    completed_compulsory: float
    completed_elective: float

    @property
    def compulsory_shortfall(self) -> float:
        return max(0.0, self.requirement.compulsory - self.completed_compulsory)

    @property
    def elective_shortfall(self) -> float:
        return max(0.0, self.requirement.elective - self.completed_elective)

    @property
    def shortfall(self) -> float:
        # Each category is owed on its own: a surplus of one never covers the other.
        return self.compulsory_shortfall + self.elective_shortfall

    @property
    def met(self) -> bool:
        # The same as shortfall == 0: each category's shortfall is 0 exactly when its hours are done.
        requirement = self.requirement
        return (self.completed_compulsory >= requirement.compulsory
                and self.completed_elective >= requirement.elective)


HOURS_PER_SPECIALTY = cite(
    "五（二）",
    "注册一个专业的二级建造师在每一个注册有效期内应参加继续教育不少于120学时，其中必修60学时，选修60学时。"
    "注册两个及以上专业的，每增加一个专业还应参加所增加专业60学时的继续教育，其中必修30学时，选修30学时",
)
EACH_PERIOD = cite("五（二）", "二级建造师在每一注册有效期内应当达到《注册建造师管理规定》规定的继续教育标准和要求")


# The hours of 五（二）, as data/policy/parameters.yml names them: first specialty, each further one.
HOURS_PARAMETERS = ("ce_first_specialty_compulsory_hours", "ce_further_specialty_compulsory_hours",
                    "ce_first_specialty_elective_hours", "ce_further_specialty_elective_hours")


@implements(HOURS_PER_SPECIALTY)
def continuing_education_requirement(registered_specialties: int, as_of: dt.date) -> Decision[HoursRequirement]:
    """The hours of one registration period for the given number of registered specialties, as
    required on `as_of`."""
    in_force_then = in_force_on(as_of)
    hours = tuple(int(in_force_then[name].value) for name in HOURS_PARAMETERS)  # type: ignore[arg-type]
    return _requirement(registered_specialties, hours, in_force(HOURS_PER_SPECIALTY, as_of))


@lru_cache(maxsize=64)
def _requirement(registered_specialties: int, hours: tuple[int, ...], citation: Citation
                 ) -> Decision[HoursRequirement]:
    first_compulsory, further_compulsory, first_elective, further_elective = hours
    if registered_specialties <= 0:
        requirement = HoursRequirement(0, 0, 0)
    else:
        further = registered_specialties - 1
        requirement = HoursRequirement(registered_specialties, first_compulsory + further * further_compulsory,
                                       first_elective + further * further_elective)
    return Decision(requirement, (
        reason("registered_specialties", registered_specialties > 0, citation,
               specialties=registered_specialties, compulsory=requirement.compulsory,
               elective=requirement.elective),
    ))


def counted_registrations(record: Record) -> tuple[Registration, ...]:
    """The registrations whose period the hours are owed for: those the record holds as 有效,
    whether or not the date has since passed, since their period is the last one running."""
    return tuple(r for r in record.registrations if r.status == STATUS.valid)


def current_period_start(registrations: tuple[Registration, ...]) -> dt.date | None:
    """A 增项 keeps the original end date, so the shared period began with the earliest start."""
    return min((r.valid_from for r in registrations), default=None)


def _completed(record: Record, start: dt.date | None, as_of: dt.date) -> tuple[int, float, float]:
    """How many courses fall from `start` to `as_of`, and their compulsory and elective hours
    (each summed from 0 in record order, as sum() would)."""
    counted = 0
    compulsory: float = 0
    elective: float = 0
    if start is not None:
        compulsory_category, elective_category = CATEGORY.compulsory, CATEGORY.elective
        for course in record.continuing_education:
            if start <= course.completed_on <= as_of:
                counted += 1
                if course.category == compulsory_category:
                    compulsory += course.hours
                elif course.category == elective_category:
                    elective += course.hours
    return counted, compulsory, elective


@implements(EACH_PERIOD)
def continuing_education_standing(record: Record, as_of: dt.date) -> Decision[HoursStanding]:
    """Hours completed inside the current registration period, against its requirement."""
    citation = in_force(EACH_PERIOD, as_of)
    registrations = counted_registrations(record)
    requirement = continuing_education_requirement(len(registrations), as_of)
    start = current_period_start(registrations)
    counted, compulsory, elective = _completed(record, start, as_of)
    standing = HoursStanding(requirement.outcome, start, compulsory, elective)
    excluded = len(record.continuing_education) - counted
    return Decision(standing, lambda: (
        *requirement.reasons,
        reason("hours_inside_period", start is not None, citation, period_start=start, as_of=as_of,
               counted_records=counted, excluded_records=excluded),
        reason("compulsory_met", standing.compulsory_shortfall == 0, citation,
               completed=standing.completed_compulsory, required=standing.requirement.compulsory),
        reason("elective_met", standing.elective_shortfall == 0, citation,
               completed=standing.completed_elective, required=standing.requirement.elective),
    ))
