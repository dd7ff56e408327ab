"""Rasa's SQL tracker store on the registry's database, storing no full ID number.

Rasa wraps every tracker store in a FailSafeTrackerStore that, when the database is gone, quietly answers from
an empty in-memory conversation; the store therefore notes which conversations it failed, and the REST channel
(bot.channels) turns such a turn into a clear apology instead of an answer without the conversation's state.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from bot import rasa_runtime
from bot.config import settings
from bot.db.engine import sqlite_pragmas
from bot.handover import mask_id_numbers


def tracker_store_url(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get("TRACKER_STORE_URL") or settings(dict(env)).database_url


def redacted(value: Any) -> Any:
    """The event as stored: every string with full ID numbers (any digit width) masked."""
    if isinstance(value, str):
        return mask_id_numbers(unicodedata.normalize("NFKC", value)) if _may_hold_id(value) else value
    if isinstance(value, dict):
        return {key: redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redacted(item) for item in value]
    return value


def _may_hold_id(text: str) -> bool:
    # Cheap pre-check: an ID number has at least 17 digits; most strings have none.
    return sum(character.isdigit() for character in text) >= 17


_failed_conversations: set[str] = set()


def storage_failed(sender_id: str) -> bool:
    """Whether reading or saving this conversation failed since the last call (and forget it)."""
    if sender_id in _failed_conversations:
        _failed_conversations.discard(sender_id)
        return True
    return False


@contextmanager
def _failure_noted(sender_id: str) -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError:
        _failed_conversations.add(sender_id)
        raise


class RegistryTrackerStore(SQLTrackerStore):  # type: ignore[misc]
    """Conversations survive a restart of Rasa (and are shared by replicas) because they live in SQL."""

    def __init__(self, domain: Domain | None = None, host: str | None = None,
                 event_broker: EventBroker | None = None, **kwargs: Any) -> None:
        rasa_runtime.install()
        super().__init__(domain=domain, host=host or tracker_store_url(), event_broker=event_broker, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # The registry's settings: without them every saved turn waits for a full fsync.
            event.listen(self.engine, "connect", sqlite_pragmas)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        with _failure_noted(sender_id):
            return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        with _failure_noted(sender_id):
            return await super().retrieve_full_tracker(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        with _failure_noted(tracker.sender_id):
            await self._save_redacted(tracker)

    async def _save_redacted(self, tracker: DialogueStateTracker) -> None:
        # Rasa's own save, with each event's data redacted before it is written.
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = redacted(event.as_dict())
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data)))
            session.commit()
