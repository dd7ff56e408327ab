"""Who is asking, and answers from their own record."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.reminders import OPT_OUT_INTENT, opt_out, show_waiting_reminders
from actions.services import assistant_today, attempt_limits, attempt_of, database, in_thread, latest_text, now
from bot.parsing.identification import normalise, parse_employer_login, parse_identity
from bot.parsing.numbers import days_ahead
from bot.replies.employer import PAGE_SIZE, Page, employer_list
from bot.replies.messages import say
from bot.replies.personal import PERSONAL_ANSWERS, explanation, personal_answer, with_general_rule
from bot.services.attempt_limits import Attempt, AttemptLimits
from bot.services.carried_values import seal, unseal
from bot.services.identity import (
    IDENTITY_PAYLOAD,
    Outcome,
    claim_host_token,
    person_from_token,
    token_secret,
    verify_employer,
    verify_registrant,
)
from bot.services.rosters import employer_reports
from rules_engine.identity import mask_id_number
from rules_engine.report import StatusReport, status_report

BEIJING = dt.timedelta(hours=8)
# A whole ID number (the REST channel already keeps only its last six; other channels may not).
FULL_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
DRAFT_INTENTS = {"start_renewal_draft", "start_cancellation_draft", "my_drafts", "withdraw_draft"}


def _report(person_id: str, today: dt.date) -> StatusReport | None:
    with database().unit_of_work() as uow:
        record = uow.registry.get(person_id)
    return None if record is None else status_report(record, today)


def _token_person(tracker: Tracker) -> str | None:
    """A host page that knows the user passes a signed token in the message metadata. It counts only in the
    conversation that brought it first: a replayed copy opens nothing."""
    token = (tracker.latest_message.get("metadata") or {}).get("token")
    if not token:
        return None
    person_id = person_from_token(str(token), dt.datetime.now(dt.timezone.utc), token_secret())
    if person_id is None:
        return None
    with database().unit_of_work() as uow:
        owned = claim_host_token(uow, str(token), attempt_of("token", tracker).conversation_key, now())
    return person_id if owned else None


def known_person(tracker: Tracker) -> tuple[str | None, list[EventType]]:
    """Who this conversation is about: a host token's person (a different token replaces the identity), else the
    person identified earlier in this session (a session ends after IDENTITY_IDLE_MINUTES without a message)."""
    from_token = _token_person(tracker)
    current = tracker.get_slot("person_id")
    if from_token and from_token != current:
        return from_token, [SlotSet("person_id", from_token), SlotSet("identity_masked", None),
                            SlotSet("employer_code", None), SlotSet("employer_name", None)]
    return (str(current), []) if current else (None, [])


def identity_shown(dispatcher: CollectingDispatcher, name: str | None = None, masked: str | None = None) -> None:
    """Tells the chat page who is identified (or that nobody is), so that it can show it with a 退出 button. The web
    server takes this message out of the reply and passes it on as the reply's `identity`."""
    dispatcher.utter_message(json_message={IDENTITY_PAYLOAD: {"name": name, "masked": masked} if name else None})


def ask_identity(dispatcher: CollectingDispatcher, pending_intent: str) -> list[EventType]:
    """No one identified yet: ask, and remember what to do once they are."""
    dispatcher.utter_message(text=say("assistant", "identity_ask"))
    return [SlotSet("pending_intent", pending_intent)]


async def answer_for(intent: str, person_id: str, dispatcher: CollectingDispatcher,
                     general_topic: str | None = None) -> list[EventType]:
    """The registrant's own answer; with `general_topic`, the general rule in one line as well."""
    report = await in_thread(_report, person_id, assistant_today())
    if report is None:
        dispatcher.utter_message(text=say("assistant", "not_found_after_identity"))
        return []
    answer = personal_answer(intent, report)
    text = with_general_rule(answer, general_topic, report) if general_topic else answer.render()
    dispatcher.utter_message(text=text)
    return [SlotSet("last_topic", answer.topic)]


def identity_in(text: str) -> tuple[str | None, str | None]:
    """parse_identity, also when the whole ID number was typed: only its last six characters count."""
    shortened = FULL_ID_NUMBER.sub(lambda match: f" {match.group(0)[-6:].upper()} ", normalise(text))
    return parse_identity(shortened)


def _beijing(moment: dt.datetime) -> str:
    return (moment + BEIJING).strftime("%H:%M")


class ActionIdentify(Action):
    """姓名 and 身份证号后六位, in one message or one after the other."""

    def name(self) -> str:
        return "action_identify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        name, last6 = identity_in(latest_text(tracker))
        name = name or tracker.get_slot("candidate_name")
        # Kept sealed between the two messages: the tracker store never holds the six characters in clear.
        last6 = last6 or unseal(tracker.get_slot("candidate_last6"))
        if name and not last6:
            dispatcher.utter_message(text=say("assistant", "identity_need_last6", name=name))
            return [SlotSet("candidate_name", name)]
        if not name:
            if last6:
                dispatcher.utter_message(text=say("assistant", "identity_need_name"))
                return [SlotSet("candidate_last6", seal(last6))]
            dispatcher.utter_message(text=say("assistant", "identity_ask"))
            return []
        assert last6 is not None
        # Made here, on the event loop, not in a worker thread: threads importing its Redis client at once fail.
        limits = attempt_limits()
        result = await in_thread(self._verify, limits, attempt_of("registrant", tracker), name, last6)
        events: list[EventType] = [SlotSet("candidate_name", None), SlotSet("candidate_last6", None)]
        if result.outcome is Outcome.LOCKED:
            assert result.locked_until is not None
            dispatcher.utter_message(text=say("assistant", "identity_locked", until=_beijing(result.locked_until)))
            return events
        if result.outcome is Outcome.AMBIGUOUS:
            dispatcher.utter_message(text=say("assistant", "identity_ambiguous"))
            return events
        if result.outcome is Outcome.MISMATCH or result.record is None:
            dispatcher.utter_message(text=say("assistant", "identity_mismatch", left=result.failures_left))
            return events
        record = result.record
        dispatcher.utter_message(text=say("assistant", "identity_confirmed", name=record.name,
                                          masked=mask_id_number(record.id_number)))
        identity_shown(dispatcher, record.name, mask_id_number(record.id_number))
        events += [SlotSet("person_id", record.person_id), SlotSet("identity_masked", mask_id_number(record.id_number))]
        pending = tracker.get_slot("pending_intent")
        if pending == OPT_OUT_INTENT:
            # 不用提醒我 before identifying: done now, and the reminders that were waiting are not shown.
            await opt_out(dispatcher, record.person_id)
            return [*events, SlotSet("pending_intent", None)]
        await show_waiting_reminders(dispatcher, record.person_id)
        if pending in PERSONAL_ANSWERS:
            events += [SlotSet("pending_intent", None), *await answer_for(str(pending), record.person_id, dispatcher)]
        elif pending in DRAFT_INTENTS:
            # The draft action reads and clears pending_intent itself.
            events.append(FollowupAction("action_start_draft" if pending.startswith("start_")
                                         else f"action_{pending}"))
        return events

    @staticmethod
    def _verify(limits: AttemptLimits, attempt: Attempt, name: str, last6: str) -> Any:
        with database().unit_of_work() as uow:
            return verify_registrant(uow, limits, attempt, name, last6, now())


class ActionSwitchPerson(Action):
    def name(self) -> str:
        return "action_switch_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(text=say("assistant", "identity_forgotten"))
        identity_shown(dispatcher)
        return [SlotSet(slot, None) for slot in ("person_id", "identity_masked", "candidate_name", "candidate_last6",
                                                  "pending_intent",
                                                  "last_topic", "employer_code", "employer_name", "list_kind",
                                                  "list_days", "list_offset")]


class ActionExplain(Action):
    """怎么算的: the computation behind the last personal answer."""

    def name(self) -> str:
        return "action_explain"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        person_id, events = known_person(tracker)
        if person_id is None:
            return ask_identity(dispatcher, "my_expiry")
        report = await in_thread(_report, person_id, assistant_today())
        if report is None:
            dispatcher.utter_message(text=say("assistant", "not_found_after_identity"))
            return events
        dispatcher.utter_message(text=explanation(tracker.get_slot("last_topic"), report))
        return events


class ActionEmployerLogin(Action):
    def name(self) -> str:
        return "action_employer_login"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        code, access = parse_employer_login(latest_text(tracker))
        if not code or not access:
            dispatcher.utter_message(text=say("assistant", "employer_ask"))
            return []
        result = await in_thread(self._verify, attempt_limits(), attempt_of("employer", tracker), code, access)
        if result.outcome is Outcome.LOCKED:
            dispatcher.utter_message(text=say("assistant", "identity_locked", until=_beijing(result.locked_until)))
            return []
        if result.outcome is not Outcome.VERIFIED:
            dispatcher.utter_message(text=say("assistant", "employer_mismatch", left=result.failures_left))
            return []
        dispatcher.utter_message(text=say("assistant", "employer_confirmed", name=result.name, code=result.credit_code))
        identity_shown(dispatcher, result.name, result.credit_code)
        return [SlotSet("employer_code", result.credit_code), SlotSet("employer_name", result.name)]

    @staticmethod
    def _verify(limits: AttemptLimits, attempt: Attempt, code: str, access: str) -> Any:
        with database().unit_of_work() as uow:
            return verify_employer(uow, limits, attempt, code, access, now())


async def _employer_page(code: str, kind: str, days: int, offset: int) -> Page:
    as_of = assistant_today()
    reports = await in_thread(employer_reports, database(), code, kind, as_of, days)
    return employer_list(reports, kind, as_of, days, offset)


async def _show_page(dispatcher: CollectingDispatcher, code: str, kind: str, days: int, offset: int) -> None:
    dispatcher.utter_message(text=(await _employer_page(code, kind, days, offset)).text)


class ActionEmployerList(Action):
    def name(self) -> str:
        return "action_employer_list"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        code = tracker.get_slot("employer_code")
        if not code:
            dispatcher.utter_message(text=say("assistant", "employer_need_login"))
            return []
        intent = tracker.latest_message.get("intent", {}).get("name")
        kind = "expiring" if intent == "employer_expiring" else "short_hours"
        days = days_ahead(latest_text(tracker)) or int(say("assistant", "default_days"))
        await _show_page(dispatcher, str(code), kind, days, 0)
        return [SlotSet("list_kind", kind), SlotSet("list_days", float(days)), SlotSet("list_offset", 0.0)]


class ActionNextPage(Action):
    def name(self) -> str:
        return "action_next_page"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        code, kind = tracker.get_slot("employer_code"), tracker.get_slot("list_kind")
        if not code or not kind:
            dispatcher.utter_message(text=say("assistant", "no_list"))
            return []
        offset = int(tracker.get_slot("list_offset") or 0) + PAGE_SIZE
        days = int(tracker.get_slot("list_days") or 0)
        page = await _employer_page(str(code), str(kind), days, offset)
        if offset // PAGE_SIZE >= page.pages:
            dispatcher.utter_message(text=say("assistant", "no_more_pages"))
            return []
        dispatcher.utter_message(text=page.text)
        return [SlotSet("list_offset", float(offset))]
