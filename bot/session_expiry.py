"""A conversation's session ends after IDENTITY_IDLE_MINUTES without a message (default 30), instead of the domain's
fixed number: the identity lives in the session's slots, none of which carries over (domain.yml), so this is the
identity's idle timeout, and a service-hall PC left alone forgets who used it. The minutes are read for each check,
so tests can set a few seconds."""

from __future__ import annotations

import time

from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import identity_idle_seconds

_installed = False


def has_session_expired(processor: MessageProcessor, tracker: DialogueStateTracker) -> bool:
    if not processor.domain.session_config.are_sessions_enabled():
        return False
    last_message = tracker.get_last_event_for(UserUttered)
    return last_message is not None and time.time() - last_message.timestamp > identity_idle_seconds()


def install() -> None:
    global _installed
    if not _installed:
        MessageProcessor._has_session_expired = has_session_expired  # type: ignore[assignment]
        _installed = True
