"""Reminders in the chat: the waiting ones shown right after identification, and 不用提醒我."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import assistant_today, database, in_thread, now
from bot.replies.reminders import chat_notice, say
from bot.services.reminders import opt_out_registrant, take_chat_notices

OPT_OUT_INTENT = "reminder_opt_out"


async def show_waiting_reminders(dispatcher: CollectingDispatcher, person_id: str) -> None:
    """The registrant's waiting chat reminders, as one message (then marked sent); nothing when none wait."""
    bodies = await in_thread(take_chat_notices, database(), person_id, assistant_today(), now())
    notice = chat_notice(bodies)
    if notice:
        dispatcher.utter_message(text=notice)


async def opt_out(dispatcher: CollectingDispatcher, person_id: str) -> None:
    new = await in_thread(opt_out_registrant, database(), person_id, now())
    dispatcher.utter_message(text=say("opted_out" if new else "already_opted_out"))


class ActionReminderOptOut(Action):
    """不用提醒我: an identified registrant gets no more reminders; anyone else is asked to identify first, and the
    opt-out is done once they have (actions/personal.py, ActionIdentify)."""

    def name(self) -> str:
        return "action_reminder_opt_out"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        from actions.personal import known_person  # actions.personal shows the reminders: imported when run

        person_id, events = known_person(tracker)
        if person_id is None:
            dispatcher.utter_message(text=say("opt_out_need_identity"))
            return [SlotSet("pending_intent", OPT_OUT_INTENT)]
        await opt_out(dispatcher, person_id)
        return events
