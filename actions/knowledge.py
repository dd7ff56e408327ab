"""Questions about the notice (answered, clarified or declined by actions.understanding), and 转人工."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.services import database, in_thread, latest_text, now
from actions.understanding import city_of, respond, tell_turn
from bot.replies.helpdesk import handover_opened
from bot.replies.turn_summary import handover_summary
from bot.services.handover import open_ticket


class RespondingAction(Action):
    """An entry point that only hands the turn to actions.understanding.respond."""

    action_name = ""
    otherwise = "utter_default"
    """What is said when the turn is not a question about the notice after all."""

    def name(self) -> str:
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        return await respond(dispatcher, tracker, domain, self.otherwise)


class ActionAnswerFaq(RespondingAction):
    """A question about the notice: answered, asked back or declined."""

    action_name = "action_answer_faq"


class ActionClarify(RespondingAction):
    """Low confidence or two close intents: the same decision, which asks "您是想问" unless it can answer."""

    action_name = "action_clarify"


class ActionDecline(RespondingAction):
    """Out of scope: said plainly, with 转人工 and the nearest topics (no 依据 line)."""

    action_name = "action_decline"


class ActionGoodbye(RespondingAction):
    """A goodbye, unless it is a follow-up the classifier took for one ("那…" never means goodbye)."""

    action_name = "action_goodbye"
    otherwise = "utter_goodbye"


class ActionPersonalAnswer(RespondingAction):
    """One's own record: their answer when identified, else the general one (or the facts typed)."""

    action_name = "action_personal_answer"


class ActionHandoff(Action):
    """转人工: a hand-over ticket with the transcript, its number and the helpdesk's hours."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        transcript = [
            {"who": "user" if e.get("event") == "user" else "bot", "text": e.get("text") or "",
             "at": e.get("timestamp")}
            for e in tracker.events if e.get("event") in ("user", "bot") and e.get("text")
        ]
        person_id = tracker.get_slot("person_id")
        ticket = await in_thread(open_ticket, database(), tracker.sender_id, person_id, latest_text(tracker),
                                 transcript, now())
        dispatcher.utter_message(text=handover_opened(ticket))
        intent = tracker.latest_message.get("intent") or {}
        tell_turn(dispatcher, handover_summary(intent.get("name") or None, intent.get("confidence"),
                                               await city_of(person_id)))
        return []
