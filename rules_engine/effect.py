"""五（四） and 六: the local bureaus' duty to explain, and the notice's effect."""

from __future__ import annotations

import datetime as dt

from rules_engine.parameters import day
from rules_engine.policy import cite, implements, in_force, specification_only
from rules_engine.trace import Decision, reason

LOCAL_BUREAUS_EXPLAIN = cite("五（四）", "组织开展好对企业及注册人员的解答工作")
IN_FORCE = cite("六", "本通知自发布之日起施行")
PREVAILS = cite("六", "此前规定与本通知不一致的，以本通知为准")


@specification_only("A duty of the municipal bureaus, not a condition on any registrant: there is nothing to "
                    "work out for anyone.", "local_bureaus")
@implements(LOCAL_BUREAUS_EXPLAIN)
def local_bureaus_answer_questions() -> Decision[bool]:
    return Decision(True, (reason("local_bureaus_explain", True, LOCAL_BUREAUS_EXPLAIN),))


@specification_only("Every day the assistant answers about comes after the notice's date, so no answer turns "
                    "on whether it is in force yet.", "effective_date")
@implements(IN_FORCE)
def notice_in_force(as_of: dt.date) -> Decision[bool]:
    """In force from publication (the notice is dated 2023-07-07); it prevails over earlier rules."""
    published = day("notice_date", as_of)
    effective = as_of >= published.value
    return Decision(effective, (
        reason("published", effective, in_force(IN_FORCE, as_of), as_of=as_of, published=published.value),
        reason("dated", True, published.citation, published=published.value),
        reason("prevails_over_earlier_rules", effective, in_force(PREVAILS, as_of)),
    ))
