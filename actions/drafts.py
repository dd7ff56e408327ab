"""Renewal and cancellation drafts started in the chat: forms, summary, confirmation, listing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.personal import ask_identity, known_person
from actions.services import assistant_today, database, in_thread, latest_text, now
from bot.parsing.draft_answers import documents, draft_reference, phone_number, wants_all
from bot.replies.documents import draft_link
from bot.replies.drafts import check_draft, draft_content, summary, texts
from bot.replies.messages import say
from bot.services.carried_values import seal, unseal
from bot.services.drafts import DraftKind, DraftRequest, drafts_of, save_draft, withdraw_draft
from rules_engine.calendar import chinese_date
from rules_engine.record import Record

FORMS = {DraftKind.RENEWAL: "renewal_draft_form", DraftKind.CANCELLATION: "cancellation_draft_form"}
INTENT_KINDS = {"start_renewal_draft": DraftKind.RENEWAL, "start_cancellation_draft": DraftKind.CANCELLATION}
FORM_SLOTS = ("draft_specialties", "cancellation_reason", "employer_cooperates", "cancellation_documents",
              "contact_phone")


def sealed_phone(phone: str | None) -> str | None:
    """The phone as the contact_phone slot keeps it: the tracker is stored, and read back on the turn that saves."""
    return seal(phone) if phone else None


def unsealed_phone(value: Any) -> str | None:
    """The phone a contact_phone slot holds; a plain one (set before phones were sealed) still counts, a masked
    or undecipherable one (another ASSISTANT_SECRET) does not."""
    if not value:
        return None
    return unseal(value) or phone_number(str(value))


def _record(person_id: str) -> Record | None:
    with database().unit_of_work() as uow:
        return uow.registry.get(person_id)


def _registered_specialties(record: Record) -> list[str]:
    return [r.specialty for r in record.registrations]


class ActionStartDraft(Action):
    def name(self) -> str:
        return "action_start_draft"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        pending = tracker.get_slot("pending_intent")
        kind = INTENT_KINDS.get(str(intent)) or INTENT_KINDS.get(str(pending))
        if kind is None:
            dispatcher.utter_message(response="utter_default")
            return []
        person_id, events = known_person(tracker)
        if person_id is None:
            return ask_identity(dispatcher, f"start_{kind.value}_draft")
        record = await in_thread(_record, person_id)
        specialties = _registered_specialties(record) if record else []
        if not specialties:
            dispatcher.utter_message(text=say("assistant", "draft_need_registration"))
            return [*events, SlotSet("pending_intent", None)]
        events += [SlotSet("pending_intent", None), SlotSet("draft_kind", kind.value)]
        events += [SlotSet(slot, None) for slot in FORM_SLOTS]
        if len(specialties) == 1:
            events.append(SlotSet("draft_specialties", specialties))
        return [*events, FollowupAction(FORMS[kind])]


class DraftSlotChecks:
    """Checks both draft forms share (a mixin: rasa_sdk registers every Action subclass by name)."""

    async def extract_draft_specialties(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "draft_specialties" or not wants_all(latest_text(tracker)):
            return {}
        person_id = tracker.get_slot("person_id")
        record = await in_thread(_record, str(person_id)) if person_id else None
        return {"draft_specialties": _registered_specialties(record)} if record else {}

    async def validate_draft_specialties(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: DomainDict) -> dict[str, Any]:
        person_id = tracker.get_slot("person_id")
        record = await in_thread(_record, str(person_id)) if person_id else None
        known = _registered_specialties(record) if record else []
        chosen = [v for v in dict.fromkeys(value if isinstance(value, list) else [value]) if v in known]
        if not chosen:
            dispatcher.utter_message(text=say("assistant", "draft_unknown_specialty", known="、".join(known)))
            return {"draft_specialties": None}
        return {"draft_specialties": chosen}

    async def validate_contact_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        phone = unsealed_phone(value)
        if phone is None:
            dispatcher.utter_message(text=say("assistant", "draft_phone_invalid"))
        return {"contact_phone": sealed_phone(phone)}


class ValidateRenewalDraftForm(DraftSlotChecks, FormValidationAction):
    def name(self) -> str:
        return "validate_renewal_draft_form"


class ValidateCancellationDraftForm(DraftSlotChecks, FormValidationAction):
    def name(self) -> str:
        return "validate_cancellation_draft_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        # Documents matter only for forced cancellation, when one side does not cooperate.
        if tracker.get_slot("employer_cooperates") is True:
            return [slot for slot in domain_slots if slot != "cancellation_documents"]
        return domain_slots

    async def validate_cancellation_documents(self, value: Any, dispatcher: CollectingDispatcher,
                                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        named = documents(str(value or ""))
        if named is None:
            dispatcher.utter_message(response="utter_ask_cancellation_documents")
            return {"cancellation_documents": None}
        return {"cancellation_documents": "、".join(named) or "无"}


def _request(tracker: Tracker, person_id: str) -> DraftRequest:
    kind = DraftKind(tracker.get_slot("draft_kind") or DraftKind.RENEWAL.value)
    named = tracker.get_slot("cancellation_documents")
    return DraftRequest(
        kind=kind,
        person_id=person_id,
        specialties=tuple(tracker.get_slot("draft_specialties") or ()),
        reason=tracker.get_slot("cancellation_reason") if kind is DraftKind.CANCELLATION else None,
        employer_cooperates=tracker.get_slot("employer_cooperates") if kind is DraftKind.CANCELLATION else None,
        documents=tuple(d for d in str(named or "").split("、") if d and d != "无"),
        phone=unsealed_phone(tracker.get_slot("contact_phone")),
    )


def _prepare(request: DraftRequest, today: dt.date) -> dict[str, Any] | None:
    record = _record(request.person_id)
    if record is None:
        return None
    return draft_content(record, request, check_draft(record, request, today), today)


class ActionDraftSummary(Action):
    def name(self) -> str:
        return "action_draft_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        person_id = tracker.get_slot("person_id")
        content = await in_thread(_prepare, _request(tracker, str(person_id)), assistant_today()) if person_id else None
        if content is None:
            dispatcher.utter_message(text=say("assistant", "identity_ask"))
            return []
        words = texts()
        dispatcher.utter_message(text=f"{summary(content)}\n{words['summary_confirm']}", buttons=[
            {"title": say("assistant", "draft_confirm_yes"), "payload": "/affirm"},
            {"title": say("assistant", "draft_confirm_no"), "payload": "/deny"}])
        return []


class ActionDraftSave(Action):
    def name(self) -> str:
        return "action_draft_save"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        person_id = tracker.get_slot("person_id")
        if not person_id:
            dispatcher.utter_message(text=say("assistant", "identity_ask"))
            return []
        request = _request(tracker, str(person_id))
        stored = await in_thread(self._save, request, tracker.sender_id)
        if stored is None:
            dispatcher.utter_message(text=say("assistant", "not_found_after_identity"))
            return []
        draft, created = stored
        key = "saved" if created else "updated"
        link = draft_link(draft.reference, draft.status)
        dispatcher.utter_message(text=texts()[key].format(reference=draft.reference, link=link))
        return [SlotSet(slot, None) for slot in (*FORM_SLOTS, "draft_kind")]

    @staticmethod
    def _save(request: DraftRequest, conversation_id: str) -> Any:
        today = assistant_today()
        content = _prepare(request, today)
        if content is None:
            return None
        with database().unit_of_work() as uow:
            return save_draft(uow, request, content, conversation_id, now(), today)


class ActionDraftDiscard(Action):
    def name(self) -> str:
        return "action_draft_discard"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(text=texts()["discarded"])
        return [SlotSet(slot, None) for slot in (*FORM_SLOTS, "draft_kind", "requested_slot")]


def _list_drafts(person_id: str) -> list[Any]:
    with database().unit_of_work() as uow:
        return drafts_of(uow, person_id)


class ActionMyDrafts(Action):
    def name(self) -> str:
        return "action_my_drafts"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        person_id, events = known_person(tracker)
        if person_id is None:
            return ask_identity(dispatcher, "my_drafts")
        drafts = await in_thread(_list_drafts, person_id)
        words = texts()
        if not drafts:
            dispatcher.utter_message(text=words["none"])
            return [*events, SlotSet("pending_intent", None)]
        lines = [words["list_header"]]
        for draft in drafts:
            lines.append(words["list_line"].format(
                reference=draft.reference, name=words["kinds"][draft.kind]["name"],
                status=words["statuses"].get(draft.status, draft.status),
                date=chinese_date(draft.updated_at.date())))
            if draft.status == "draft":
                lines.append(draft_link(draft.reference, draft.status))
        dispatcher.utter_message(text="\n".join(lines))
        return [*events, SlotSet("pending_intent", None)]


class ActionWithdrawDraft(Action):
    def name(self) -> str:
        return "action_withdraw_draft"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        person_id, events = known_person(tracker)
        if person_id is None:
            return ask_identity(dispatcher, "withdraw_draft")
        words = texts()
        open_drafts = [d for d in await in_thread(_list_drafts, person_id) if d.status == "draft"]
        reference = draft_reference(latest_text(tracker))
        if reference is None and len(open_drafts) == 1:
            reference = open_drafts[0].reference
        if reference is None:
            if not open_drafts:
                dispatcher.utter_message(text=words["none"])
            else:
                dispatcher.utter_message(text=words["withdraw_which"].format(example=open_drafts[0].reference))
            return [*events, SlotSet("pending_intent", None)]
        done = await in_thread(self._withdraw, person_id, reference)
        dispatcher.utter_message(text=words["withdrawn"].format(reference=reference) if done
                                 else words["withdraw_missing"])
        return [*events, SlotSet("pending_intent", None)]

    @staticmethod
    def _withdraw(person_id: str, reference: str) -> bool:
        with database().unit_of_work() as uow:
            return withdraw_draft(uow, person_id, reference, now())
