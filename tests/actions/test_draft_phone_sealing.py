"""The draft form keeps the phone sealed in its slot: stored trackers hold no phone, and a saved draft still has it."""

from __future__ import annotations

import asyncio
import json

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.drafts import ActionDraftSave, ActionDraftSummary, ValidateRenewalDraftForm, sealed_phone, unsealed_phone
from bot.security.redaction import redact_credentials
from bot.store.models import Draft
from bot.store.unit_of_work import Database
from tests.actions.conftest import texts, tracker


def validated(value: object) -> tuple[CollectingDispatcher, object]:
    dispatcher = CollectingDispatcher()
    form = ValidateRenewalDraftForm()
    result = asyncio.run(form.validate_contact_phone(value, dispatcher, tracker(str(value), "inform"), {}))
    return dispatcher, result["contact_phone"]


def test_a_valid_phone_is_kept_sealed_and_an_invalid_one_is_refused() -> None:
    dispatcher, kept = validated("138 0000 0000")
    assert isinstance(kept, str) and "13800000000" not in kept
    assert redact_credentials(kept) == kept  # the tracker store leaves the sealed value whole
    assert unsealed_phone(kept) == "13800000000" and not texts(dispatcher)
    _, again = validated(kept)  # validated once more (the form runs its checks again): still the same phone
    assert unsealed_phone(again) == "13800000000"
    dispatcher, refused = validated("明天再说")
    assert refused is None and "有效的联系电话" in texts(dispatcher)[0]


def test_what_was_stored_before_or_masked_reads_as_it_can() -> None:
    assert unsealed_phone("0851-12345678") == "0851-12345678"  # a plain value from before phones were sealed
    assert unsealed_phone("138****5678") is None
    assert unsealed_phone(None) is None and sealed_phone(None) is None


def test_a_draft_saved_from_a_sealed_slot_has_the_phone(registry: Database) -> None:
    slots = {"person_id": "P000001", "draft_kind": "renewal", "draft_specialties": ["建筑工程"],
             "contact_phone": sealed_phone("13800000000")}
    summary = CollectingDispatcher()
    asyncio.run(ActionDraftSummary().run(summary, tracker("13800000000", "inform", slots=slots), {}))
    assert "13800000000" in texts(summary)[0]
    saved = CollectingDispatcher()
    asyncio.run(ActionDraftSave().run(saved, tracker("确认", "affirm", slots=slots), {}))
    assert "YX-" in texts(saved)[0]
    with registry.engine.connect() as connection:
        content = json.loads(connection.execute(select(Draft.__table__.c.content)).scalar_one())
    assert content["phone"] == "13800000000"
