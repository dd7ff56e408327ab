"""A conversation's session ends after IDENTITY_IDLE_MINUTES without a message (default 30), instead of the domain's
fixed number: the identity lives in the session's slots, none of which carries over (domain.yml), so this is the
identity's idle timeout, and a service-hall PC left alone forgets who used it. The minutes are read for each check,
so tests can set a few seconds."""

from __future__ import annotations

import time
from typing import Any

from rasa.core.actions.action import ActionSessionStart
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import identity_idle_seconds
from bot.services.identity import IDENTITY_PAYLOAD

_installed = False
IDENTITY_SLOTS = ("person_id", "employer_code")


def has_session_expired(processor: MessageProcessor, tracker: DialogueStateTracker) -> bool:
    if not processor.domain.session_config.are_sessions_enabled():
        return False
    last_message = tracker.get_last_event_for(UserUttered)
    return last_message is not None and time.time() - last_message.timestamp > identity_idle_seconds()


_rasa_session_start = ActionSessionStart.run


async def session_start(action: ActionSessionStart, output_channel: Any, nlg: Any, tracker: DialogueStateTracker,
                        domain: Any) -> list[Event]:
    """Rasa's own session start; when the session that ends had an identity, the chat page is told it is gone (the
    web server passes the message on as the reply's `identity`). In the Rasa process: a call to the action server
    for every new conversation cost 7 ms a conversation and timed out under a flood of new ones."""
    events: list[Event] = await _rasa_session_start(action, output_channel, nlg, tracker, domain)
    if any(tracker.get_slot(slot) for slot in IDENTITY_SLOTS):
        events.insert(1, BotUttered(data={"custom": {IDENTITY_PAYLOAD: None}}))
    return events


def install() -> None:
    global _installed
    if not _installed:
        MessageProcessor._has_session_expired = has_session_expired  # type: ignore[assignment]
        ActionSessionStart.run = session_start  # type: ignore[assignment,method-assign]
        _installed = True
