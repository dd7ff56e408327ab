"""三 明确时限: the transition of July 2023, told relative to the day asked about."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rules_engine.parameters import Parameter, day
from rules_engine.policy import cite, implements, in_force
from rules_engine.trace import Decision, reason

TRANSITION = cite("三", "2023年7月15日至7月30日为过渡期")
EMPLOYER_DEADLINE = cite("三", "企业截止申报时间为2023年7月24日")
LOCAL_APPROVALS = cite("三", "应于2023年7月31日前完成已受理事项的审批工作")
PORTAL_FROM = cite("三", "通过贵州政务服务网提出具体业务申请，各地不再受理二级建造师执业资格注册行政审批事项申请")

MILESTONES = (
    "transition_period_start",
    "transition_employer_submission_deadline",
    "transition_period_end",
    "transition_local_approval_deadline",
    "portal_only_start",
)


@dataclass(frozen=True)
class Milestone:
    name: str
    date: dt.date
    passed: bool  # the day is over on as_of; an answer speaks of it in the past tense


@dataclass(frozen=True)
class TransitionStanding:
    milestones: tuple[Milestone, ...]
    in_transition_period: bool
    portal_only: bool


def _milestone(parameter: Parameter[dt.date], as_of: dt.date) -> Milestone:
    # A start date is "passed" once it has begun; a deadline once the day itself is over.
    passed = as_of >= parameter.value if parameter.name.endswith("start") else as_of > parameter.value
    return Milestone(parameter.name, parameter.value, passed)


@implements(TRANSITION)
def transition_timeline(as_of: dt.date) -> Decision[TransitionStanding]:
    """Where `as_of` stands among the transition's dates."""
    parameters = [day(name, as_of) for name in MILESTONES]
    milestones = tuple(_milestone(p, as_of) for p in parameters)
    start, end = day("transition_period_start", as_of).value, day("transition_period_end", as_of).value
    portal_start = day("portal_only_start", as_of).value
    in_period = start <= as_of <= end
    portal_only = as_of >= portal_start
    employer_deadline = day("transition_employer_submission_deadline", as_of).value
    approvals_deadline = day("transition_local_approval_deadline", as_of).value
    return Decision(TransitionStanding(milestones, in_period, portal_only), (
        reason("in_transition_period", in_period, in_force(TRANSITION, as_of), as_of=as_of, start=start, end=end),
        reason("employer_submission_open", as_of <= employer_deadline, in_force(EMPLOYER_DEADLINE, as_of),
               as_of=as_of, deadline=employer_deadline),
        reason("local_approvals_due", as_of <= approvals_deadline, in_force(LOCAL_APPROVALS, as_of),
               as_of=as_of, deadline=approvals_deadline),
        reason("portal_only", portal_only, in_force(PORTAL_FROM, as_of), as_of=as_of, start=portal_start),
    ))
