"""An employer's roster as rows: expiry, apply-by, hours shortfall and flags, most urgent first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rules_engine.calendar import shown
from rules_engine.identity import mask_id_number
from rules_engine.report import StatusReport
from rules_engine.vocabulary import STATUS

HEADERS = ["姓名", "身份证号", "专业", "注册状态", "有效期至", "延续申请截止", "可否延续", "学时缺口", "提示"]
YES, NO = "可以", "不可"


@dataclass(frozen=True)
class RosterFilter:
    within_days: int = 0          # 0: everyone
    short_of_hours: bool = False
    specialty: str = ""


def roster_rows(reports: list[StatusReport], as_of: dt.date, chosen: RosterFilter) -> list[list[str]]:
    """One row per registered specialty, sorted by the date that matters first (apply-by, else expiry)."""
    keyed: list[tuple[tuple[dt.date, str], list[str]]] = []
    horizon = as_of + dt.timedelta(days=chosen.within_days) if chosen.within_days else None
    for report in reports:
        if chosen.short_of_hours and report.hours.met:
            continue
        flags = "；".join(sorted({f.topic for f in report.findings} & {"certificate", "social_insurance", "age"}))
        for s in report.specialties:
            if chosen.specialty and s.specialty != chosen.specialty:
                continue
            if horizon and (s.valid_until is None or not as_of <= s.valid_until <= horizon
                            or s.registration_status != STATUS.valid):
                continue
            urgent = s.renewal_apply_by or s.valid_until or s.initial_registration_deadline or dt.date.max
            keyed.append(((urgent, report.record.person_id), [
                report.record.name, mask_id_number(report.record.id_number), s.specialty, s.registration_status,
                str(shown(s.valid_until)) if s.valid_until else "", str(shown(s.renewal_apply_by)) if s.renewal_apply_by
                else "", YES if s.renewal_eligible else NO, str(shown(report.hours.shortfall)), flags]))
    keyed.sort(key=lambda item: item[0])
    return [row for _, row in keyed]
