"""An employer's lists: who runs out soon, who lacks hours — masked IDs, dates, pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.replies.messages import say
from rules_engine.calendar import chinese_date, shown
from rules_engine.identity import mask_id_number
from rules_engine.report import StatusReport
from rules_engine.vocabulary import STATUS

PAGE_SIZE = 10


@dataclass(frozen=True)
class Page:
    text: str
    page: int
    pages: int


def _expiring_lines(reports: list[StatusReport], as_of: dt.date, days: int) -> list[str]:
    until = as_of + dt.timedelta(days=days)
    lines: list[str] = []
    for report in reports:
        for s in report.specialties:
            if (s.registration_status == STATUS.valid and s.valid_until is not None
                    and as_of <= s.valid_until <= until and s.renewal_apply_by is not None):
                lines.append(say("assistant", "employer_expiring_line", index=len(lines) + 1,
                                 name=report.record.name, masked=mask_id_number(report.record.id_number),
                                 specialty=s.specialty, valid_until=chinese_date(s.valid_until),
                                 apply_by=chinese_date(s.renewal_apply_by)))
    return lines


def _short_lines(reports: list[StatusReport]) -> list[str]:
    return [say("assistant", "employer_short_line", index=index, name=r.record.name,
                masked=mask_id_number(r.record.id_number), shortfall=shown(r.hours.shortfall),
                compulsory=shown(r.hours.compulsory_shortfall), elective=shown(r.hours.elective_shortfall))
            for index, r in enumerate(reports, 1)]


def employer_list(reports: list[StatusReport], kind: str, as_of: dt.date, days: int, offset: int) -> Page:
    """One page of the list `employer_reports` (bot.services.rosters) found."""
    if kind == "expiring":
        lines = _expiring_lines(reports, as_of, days)
        header = say("assistant", "employer_expiring_header", until=chinese_date(as_of + dt.timedelta(days=days)),
                     days=days, total=len(lines))
    else:
        lines = _short_lines(reports)
        header = say("assistant", "employer_short_header", total=len(lines))
    if not lines:
        return Page(say("assistant", "employer_none"), 1, 1)
    pages = (len(lines) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(offset // PAGE_SIZE, pages - 1)
    shown = lines[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    footer = [say("assistant", "employer_more", page=page + 1, pages=pages)] if pages > 1 else []
    return Page("\n".join([header, *shown, *footer]), page + 1, pages)
