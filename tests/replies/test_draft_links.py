"""Draft links: signed with their own key, for a while, for the draft as it was, never for a withdrawn one."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from bot.replies.documents import LINK_SALT, link_key, link_opens
from bot.security.keys import Purpose, derived_key
from bot.services.drafts import OPEN, WITHDRAWN, StoredDraft


def draft(status: str = OPEN) -> StoredDraft:
    moment = dt.datetime(2025, 12, 1, 8)
    return StoredDraft("YX-2025-000001", "renewal", status, {}, moment, moment, "P000001")


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_SECRET", "draft-link-test")


def made_days_ago(days: float, status: str = OPEN) -> str:
    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - days * 86400)

    serializer = URLSafeTimedSerializer(derived_key(Purpose.DRAFT_LINKS), salt=LINK_SALT, signer=Then)
    return serializer.dumps(["YX-2025-000001", status])


def test_a_fresh_link_opens_its_draft_and_no_other() -> None:
    key = link_key("YX-2025-000001", OPEN)
    assert link_opens(draft(), key)
    other = StoredDraft("YX-2025-000002", "renewal", OPEN, {}, draft().created_at, draft().updated_at, "P000001")
    assert not link_opens(other, key) and not link_opens(draft(), "") and not link_opens(draft(), key + "x")


def test_a_link_expires_after_the_configured_days() -> None:
    assert link_opens(draft(), made_days_ago(6))
    assert not link_opens(draft(), made_days_ago(8))
    assert link_opens(draft(), made_days_ago(8), {"DRAFT_LINK_DAYS": "10"})


def test_a_link_dies_when_the_draft_changes_state_or_is_withdrawn() -> None:
    key = link_key("YX-2025-000001", OPEN)
    assert not link_opens(draft(WITHDRAWN), key)
    assert not link_opens(draft(WITHDRAWN), link_key("YX-2025-000001", WITHDRAWN))
    assert not link_opens(draft("submitted"), key)


def test_each_purpose_has_its_own_key() -> None:
    keys = {derived_key(purpose) for purpose in Purpose}
    assert len(keys) == len(Purpose) and all(len(key) == 32 for key in keys)
    signed_for_cookies = URLSafeTimedSerializer(derived_key(Purpose.CHAT_COOKIE), salt=LINK_SALT)
    assert not link_opens(draft(), signed_for_cookies.dumps(["YX-2025-000001", OPEN]))
