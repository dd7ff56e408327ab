"""Renewal and cancellation drafts: what is asked, and storing it once (the check and its wording are
bot.replies.drafts').

A draft is saved even when the rules engine finds blockers; they are listed with what to do.
One open draft per person and kind: confirming again updates it, so a retried request never
creates a duplicate.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.store.drafts import OPEN as OPEN  # re-exported: the statuses a draft is shown with
from bot.store.drafts import WITHDRAWN as WITHDRAWN
from bot.store.unit_of_work import UnitOfWork


class DraftKind(Enum):
    RENEWAL = "renewal"
    CANCELLATION = "cancellation"


# A draft's reference says its kind: YX-2025-000123 (延续), ZX-2025-000124 (注销).
REFERENCE_PREFIX = {DraftKind.RENEWAL: "YX", DraftKind.CANCELLATION: "ZX"}


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
        uow.drafts.set_reference(draft_id, f"{REFERENCE_PREFIX[request.kind]}-{today.year}-{draft_id:06d}")
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
