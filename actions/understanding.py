"""One turn about the notice, whichever intent brought it here: the tracker translated into a Turn,
bot.understanding decides, bot.replies renders. Used by the FAQ, clarify, decline and personal actions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.personal import ActionIdentify, answer_for, identity_in, known_person
from actions.reminders import show_waiting_reminders
from actions.services import assistant_today, database, in_thread, latest_text
from bot.parsing.identification import normalise
from bot.replies.knowledge import topics
from bot.replies.turn_reply import Reply, turn_reply
from bot.replies.turn_summary import turn_summary
from bot.services.feedback import TurnSummary, registrant_city
from bot.understanding.decide import Decision, Kind, Turn, decide
from bot.understanding.parse import turn_from_message

ANSWERED_TOPIC = "answered_topic"


def gives_the_awaited_name(tracker: Tracker) -> bool:
    """A bare name right after the last six, which the assistant asked for: however the classifier read it (a
    two-character name is often taken for nothing in particular), it completes the identification."""
    if not tracker.get_slot("candidate_last6"):
        return False
    text = latest_text(tracker)
    name, last6 = identity_in(text)
    return name is not None and last6 is None and name == normalise(text).strip()


def turn_of(tracker: Tracker, identified: bool) -> Turn:
    return turn_from_message(tracker.latest_message, set(topics()), previous_topic=tracker.get_slot(ANSWERED_TOPIC),
                             identified=identified, today=assistant_today())


def _send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    for message in reply.messages:
        dispatcher.utter_message(text=message.text, buttons=list(message.buttons) or None)


async def city_of(person_id: str | None) -> str | None:
    """The identified registrant's employer city, for /staff/insights (None when nobody is identified)."""
    return None if person_id is None else await in_thread(registrant_city, database(), person_id)


def tell_turn(dispatcher: CollectingDispatcher, summary: TurnSummary) -> None:
    """What this turn was, for the web server to record (it takes this message out of the reply)."""
    dispatcher.utter_message(json_message=summary.payload())


async def _reminders_for_token(dispatcher: CollectingDispatcher, person_id: str | None,
                               identity_events: list[EventType]) -> None:
    """A host page's token identified the person in this turn: their waiting reminders, as after a typed
    identification (actions/personal.py)."""
    if person_id is not None and identity_events:
        await show_waiting_reminders(dispatcher, person_id)


async def respond(dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any],
                  otherwise: str = "utter_default") -> list[EventType]:
    """The turn decided and answered; `otherwise` is the response when it is no question about the notice."""
    if gives_the_awaited_name(tracker):
        # Identified here, in this action: a follow-up action would leave the policies a turn no rule knows, and
        # Rasa's fallback would rewind it, identity and all.
        return await ActionIdentify().run(dispatcher, tracker, domain)
    person_id, events = known_person(tracker)
    turn = turn_of(tracker, person_id is not None)
    decision: Decision = decide(turn)
    summary = turn_summary(decision, turn.intent or None, turn.intent_confidence, await city_of(person_id))
    if decision.kind is Kind.DEFER:
        dispatcher.utter_message(response=otherwise)
        tell_turn(dispatcher, summary)
        return events
    if decision.kind is Kind.PERSONAL and person_id is not None and decision.personal_intent:
        answered = await answer_for(decision.personal_intent, person_id, dispatcher, decision.topics[0])
        await _reminders_for_token(dispatcher, person_id, events)
        tell_turn(dispatcher, summary)
        return events + answered + [SlotSet(ANSWERED_TOPIC, decision.topics[0])]
    reply = turn_reply(decision, assistant_today())
    _send(dispatcher, reply)
    await _reminders_for_token(dispatcher, person_id, events)
    tell_turn(dispatcher, summary)
    if decision.offer_identity and decision.personal_intent:
        events.append(SlotSet("pending_intent", decision.personal_intent))
    if reply.answered_topic:
        events.append(SlotSet(ANSWERED_TOPIC, reply.answered_topic))
    return events
