"""The status report as the JSON object of its contract (docs/registry/status-report.md), plus a
few fields the contract welcomes: the masked ID number, registration numbers, each entry's trace
and each finding's document and 依据 line."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rules_engine.calendar import shown
from rules_engine.identity import mask_id_number

if TYPE_CHECKING:
    from rules_engine.findings import Finding
    from rules_engine.report import StatusReport


def _iso(day_value: dt.date | None) -> str | None:
    return None if day_value is None else day_value.isoformat()


def report_to_dict(report: StatusReport) -> dict[str, Any]:
    hours = report.hours
    return {
        "as_of": report.as_of.isoformat(),
        "person_id": report.record.person_id,
        "id_number_masked": mask_id_number(report.record.id_number),
        "age_65_on": report.age_65_on.isoformat(),
        "specialties": [
            {
                "specialty": s.specialty,
                "registration_status": s.registration_status,
                "valid_until": _iso(s.valid_until),
                "renewal_apply_by": _iso(s.renewal_apply_by),
                "renewal_eligible": s.renewal_eligible,
                "renewal_new_valid_until": _iso(s.renewal_new_valid_until),
                "initial_registration_deadline": _iso(s.initial_registration_deadline),
                "needs_ce_before_registering": s.needs_ce_before_registering,
                "registration_no": s.registration_no,
                "trace": [r.as_dict() for r in s.reasons],
            }
            for s in report.specialties
        ],
        "continuing_education": {
            "required_hours": hours.requirement.total,
            "required_compulsory": hours.requirement.compulsory,
            "required_elective": hours.requirement.elective,
            "completed_compulsory": shown(hours.completed_compulsory),
            "completed_elective": shown(hours.completed_elective),
            "shortfall_hours": shown(hours.shortfall),
            "shortfall_compulsory": shown(hours.compulsory_shortfall),
            "shortfall_elective": shown(hours.elective_shortfall),
            "period_start": _iso(hours.period_start),
            "trace": [r.as_dict() for r in report.reasons],
        },
        "findings": [_finding_dict(f) for f in report.findings],
    }


def _finding_dict(finding: Finding) -> dict[str, str]:
    citation = finding.citation
    return {"topic": finding.topic, "text": finding.text, "clause": citation.clause,
            "document": citation.document, "basis": citation.basis_line()}
