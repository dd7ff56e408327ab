"""Knowledge answers, the clarifying question, and the hand-over to the helpdesk."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import assistant_today, database, entity_values, in_thread, latest_text, now
from bot.answers.knowledge import knowledge_answer, topics
from bot.answers.numbers import specialty_count
from bot.answers.titles import faq_title, intent_title
from bot.handover import open_ticket

RETRIEVAL_INTENT = "faq"
CLARIFY_CHOICES = 3


def selected_topic(tracker: Tracker) -> str | None:
    """The FAQ topic: a button's faq_topic entity first, else the ResponseSelector's choice."""
    chosen = entity_values(tracker, "faq_topic")
    if chosen and chosen[0] in topics():
        return chosen[0]
    selector = tracker.latest_message.get("response_selector", {}).get(RETRIEVAL_INTENT, {})
    key = selector.get("response", {}).get("intent_response_key") or ""
    topic = key.split("/", 1)[1] if "/" in key else None
    return topic if topic in topics() else None


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        topic = selected_topic(tracker)
        if topic is None:
            dispatcher.utter_message(response="utter_default")
            return []
        count = specialty_count(latest_text(tracker), entity_values(tracker, "specialty"),
                                entity_values(tracker, "number"))
        answer = knowledge_answer(topic, assistant_today(), count)
        dispatcher.utter_message(text=answer.render())
        return [SlotSet("faq_topic", None)]


class ActionClarify(Action):
    """Low confidence or two close intents: ask which was meant, with buttons."""

    def name(self) -> str:
        return "action_clarify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        buttons = []
        for intent in tracker.latest_message.get("intent_ranking", []):
            name = intent.get("name")
            if name == RETRIEVAL_INTENT:
                buttons += self._faq_buttons(tracker)
            elif name and (title := intent_title(name)):
                buttons.append({"title": title, "payload": f"/{name}"})
            if len(buttons) >= CLARIFY_CHOICES:
                break
        if not buttons:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(text="您是想问：", buttons=buttons[:CLARIFY_CHOICES])
        return []

    @staticmethod
    def _faq_buttons(tracker: Tracker) -> list[dict[str, str]]:
        ranking = tracker.latest_message.get("response_selector", {}).get(RETRIEVAL_INTENT, {}).get("ranking", [])
        found = []
        for entry in ranking[:2]:
            key = entry.get("intent_response_key", "")
            topic = key.split("/", 1)[1] if "/" in key else ""
            if topic in topics():
                payload = "/faq" + json.dumps({"faq_topic": topic}, ensure_ascii=False)
                found.append({"title": faq_title(topic), "payload": payload})
        return found


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
        message = await in_thread(open_ticket, database(), tracker.sender_id, person_id, latest_text(tracker),
                                  transcript, now())
        dispatcher.utter_message(text=message)
        return []
