"""Renewal and cancellation drafts: checked by the rules engine, stored once, rendered to print.

A draft is saved even when the rules engine finds blockers; they are listed with what to do.
One open draft per person and kind: confirming again updates it, so a retried request never
creates a duplicate.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any

import yaml

from bot.config import PROJECT_ROOT
from bot.replies.knowledge import basis_line
from bot.store.drafts import OPEN as OPEN  # re-exported: the statuses a draft is shown with
from bot.store.drafts import WITHDRAWN as WITHDRAWN
from bot.store.unit_of_work import UnitOfWork
from rules_engine.calendar import shown
from rules_engine.identity import mask_id_number
from rules_engine.parameters import number
from rules_engine.policy import Citation
from rules_engine.record import Record
from rules_engine.registration_kinds import CancellationPath, cancellation_route
from rules_engine.report import StatusReport, status_report


class DraftKind(Enum):
    RENEWAL = "renewal"
    CANCELLATION = "cancellation"


@lru_cache(maxsize=1)
def texts() -> dict[str, Any]:
    with (PROJECT_ROOT / "data" / "answers" / "drafts.yml").open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


@dataclass(frozen=True)
class DraftRequest:
    kind: DraftKind
    person_id: str
    specialties: tuple[str, ...]
    reason: str | None = None
    employer_cooperates: bool | None = None
    documents: tuple[str, ...] = ()
    phone: str | None = None


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
                  "age": number("renewal_age_cap_years").value}
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


@dataclass(frozen=True)
class StoredDraft:
    reference: str
    kind: str
    status: str
    content: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
    person_id: str


def _stored(row: Any) -> StoredDraft:
    return StoredDraft(row["reference"], row["kind"], row["status"], json.loads(row["content"]), row["created_at"],
                       row["updated_at"], row["person_id"])


def save_draft(uow: UnitOfWork, request: DraftRequest, content: dict[str, Any], conversation_id: str,
               now: dt.datetime, today: dt.date) -> tuple[StoredDraft, bool]:
    """Store the draft; (draft, True) when new, (draft, False) when an open one was updated.

    The reference carries the year of the system's today (ASSISTANT_TODAY), like every date it shows.
    """
    body = json.dumps(content, ensure_ascii=False)
    existing = uow.drafts.open_draft(request.person_id, request.kind.value)
    if existing is not None:
        uow.drafts.update_content(existing["id"], body, conversation_id, now)
        draft_id, created = existing["id"], False
    else:
        draft_id, created = uow.drafts.add(request.person_id, request.kind.value, body, conversation_id, now), True
        prefix = texts()["kinds"][request.kind.value]["prefix"]
        uow.drafts.set_reference(draft_id, f"{prefix}-{today.year}-{draft_id:06d}")
    stored = _stored(uow.drafts.get(draft_id))
    uow.commit()
    return stored, created


def drafts_of(uow: UnitOfWork, person_id: str) -> list[StoredDraft]:
    return [_stored(row) for row in uow.drafts.of_person(person_id)]


def draft_by_reference(uow: UnitOfWork, reference: str) -> StoredDraft | None:
    row = uow.drafts.by_reference(reference)
    return None if row is None else _stored(row)


def withdraw_draft(uow: UnitOfWork, person_id: str, reference: str, now: dt.datetime) -> bool:
    withdrawn = uow.drafts.withdraw(person_id, reference, now)
    uow.commit()
    return withdrawn
