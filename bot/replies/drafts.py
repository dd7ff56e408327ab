"""A draft's check, worded: what the rules engine found for a renewal or cancellation, what blocks it and what to do,
with its 依据 line; the draft's stored content and the summary read back before it is saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.replies.answer_files import answer_file
from bot.replies.knowledge import basis_line
from bot.services.drafts import DraftKind, DraftRequest
from rules_engine.calendar import shown
from rules_engine.identity import mask_id_number
from rules_engine.parameters import number
from rules_engine.policy import Citation
from rules_engine.record import Record
from rules_engine.registration_kinds import CancellationPath, cancellation_route
from rules_engine.report import StatusReport, status_report


def texts() -> dict[str, Any]:
    return answer_file("drafts.yml")


@dataclass(frozen=True)
class Blocker:
    text: str
    remedy: str
    clause: str


@dataclass(frozen=True)
class DraftCheck:
    findings: tuple[str, ...]
    blockers: tuple[Blocker, ...]
    path: str | None
    basis: str
    next_steps: tuple[str, ...] = field(default_factory=tuple)


def check_renewal(report: StatusReport, specialties: tuple[str, ...]) -> DraftCheck:
    words = texts()
    findings: list[str] = []
    blockers: list[Blocker] = []
    citations: list[Citation] = []
    hours = report.hours
    for name in specialties:
        status = report.specialty(name)
        if status is None:
            continue
        values = {"specialty": name, "status": status.registration_status, "valid_until": shown(status.valid_until),
                  "apply_by": shown(status.renewal_apply_by), "new_valid_until": shown(status.renewal_new_valid_until),
                  "shortfall": shown(hours.shortfall), "compulsory_shortfall": shown(hours.compulsory_shortfall),
                  "elective_shortfall": shown(hours.elective_shortfall), "birthday": shown(report.age_65_on),
                  "age": number("renewal_age_cap_years", report.as_of).value}
        failed = [r for r in status.reasons if not r.holds and r.check in words["renewal_blocker"]]
        for reason in {r.check: r for r in failed}.values():
            entry = words["renewal_blocker"][reason.check]
            blockers.append(Blocker(entry["text"].format(**values), entry["remedy"].format(**values),
                                    reason.citation.label()))
            citations.append(reason.citation)
        if status.renewal_eligible:
            findings.append(words["renewal_ok"].format(**values))
        citations += [r.citation for r in status.reasons if r.check == "apply_by_is_valid_until_minus_lead"]
    return DraftCheck(tuple(findings), tuple(blockers), None, basis_line(tuple(citations)),
                      tuple(words["next_steps"]))


def check_cancellation(request: DraftRequest) -> DraftCheck:
    words = texts()
    cooperates = bool(request.employer_cooperates)
    route = cancellation_route(cooperates, bool(request.documents))
    path_key = {CancellationPath.NORMAL: "normal", CancellationPath.FORCED: "forced",
                CancellationPath.ABNORMAL_STATUS: "abnormal"}[route.outcome.path]
    path = words["cancellation_paths"][path_key].format(documents="、".join(request.documents))
    return DraftCheck((), (), path, basis_line(route.citations), tuple(words["next_steps"]))


def check_draft(record: Record, request: DraftRequest, today: dt.date) -> DraftCheck:
    if request.kind is DraftKind.RENEWAL:
        return check_renewal(status_report(record, today), request.specialties)
    return check_cancellation(request)


def draft_content(record: Record, request: DraftRequest, check: DraftCheck, today: dt.date) -> dict[str, Any]:
    """What the draft document shows: the person (ID masked), the request, the checks and next steps."""
    return {
        "kind": request.kind.value,
        "as_of": today.isoformat(),
        "name": record.name,
        "masked_id": mask_id_number(record.id_number),
        "employer": record.employer.name if record.employer else None,
        "employer_code": record.employer.credit_code if record.employer else None,
        "specialties": list(request.specialties),
        "reason": request.reason,
        "employer_cooperates": request.employer_cooperates,
        "documents": list(request.documents),
        "phone": request.phone,
        "check": asdict(check),
    }


def summary(content: dict[str, Any]) -> str:
    words = texts()
    kind = words["kinds"][content["kind"]]
    lines = [words["summary_header"].format(title=kind["title"]),
             words["summary_person"].format(name=content["name"], masked_id=content["masked_id"])]
    if content["employer"]:
        lines.append(words["summary_employer"].format(employer=content["employer"]))
    lines.append(words["summary_specialties"].format(specialties="、".join(content["specialties"])))
    check = content["check"]
    if content["reason"]:
        lines.append(words["summary_reason"].format(reason=content["reason"]))
    if check["path"]:
        lines.append(words["summary_path"].format(path=check["path"]))
    if content["phone"]:
        lines.append(words["summary_phone"].format(phone=content["phone"]))
    lines += check["findings"]
    if check["blockers"]:
        lines.append(words["summary_blockers"])
        lines += [f"· {b['text']}：{b['remedy']}" for b in check["blockers"]]
    elif content["kind"] == DraftKind.RENEWAL.value:
        lines.append(words["summary_ok"])
    lines.append(check["basis"])
    return "\n".join(lines)


