"""Rasa's SQL tracker store on the registry's database, storing no credential in clear.

Rasa wraps every tracker store in a FailSafeTrackerStore that, when the database is gone, quietly answers from
an empty in-memory conversation; the store therefore notes which conversations it failed, and the REST channel
(bot.rasa.channels) turns such a turn into a clear apology instead of an answer without the conversation's state.

Rasa's own SQL store read every event of the conversation back and replayed it on each turn, and counted the
stored events again before saving: about half of a knowledge turn in the Rasa server (docs/profiling-turn.md).
This store keeps the trackers it saved for the most recent conversations; a kept tracker is used again only while the
database's newest event of that conversation is still the one this store wrote last, so another replica's turn,
a failed save or a restart all lead back to the database.

What is written holds no credential in clear (bot.security.redaction): every string of an event has ID numbers, the
last six ID characters, access codes and mobile numbers masked, and the host page's signed token is dropped from the
metadata (and from the slot Rasa copies a session's first metadata into). A conversation still works when it is
read back: the values the actions read on a later turn are either sealed by the actions themselves (candidate_last6,
contact_phone: bot.security.keys.seal, left whole here), or registry keys set by the actions after a verification
(KEY_SLOTS), stored as they are. Free text a form keeps (cancellation_reason) comes back with any credential in
it masked.
The trackers kept in memory are the ones Rasa gave this store, unredacted: they never leave this process, and are
dropped on a restart.
"""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from bot.config import tracker_store_url
from bot.rasa import runtime as rasa_runtime
from bot.security.redaction import may_hold_credentials, redact_credentials
from bot.store.engine import make_engine

# Registry keys the actions look up again on later turns, set only after a verification, never a user's own words;
# an older credit code can be eighteen digits, like an ID number, and masked it would log the employer out.
KEY_SLOTS = frozenset({"person_id", "employer_code"})
# The host page's signed token identifies its holder for as long as it is valid: it is read on the turn it comes.
DROPPED_METADATA = "token"
# Rasa copies the metadata of a session's first message into this slot (rasa.core.processor), token and all.
SESSION_METADATA_SLOT = "session_started_metadata"


def redacted(value: Any) -> Any:
    """The value with every string's credentials masked (bot.security.redaction.redact_credentials)."""
    if isinstance(value, str):
        return redact_credentials(value) if may_hold_credentials(value) else value
    if isinstance(value, dict):
        return {key: redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redacted(item) for item in value]
    return value


def _without_token(metadata: Any) -> Any:
    if isinstance(metadata, dict) and DROPPED_METADATA in metadata:
        return {key: item for key, item in metadata.items() if key != DROPPED_METADATA}
    return metadata


def stored_event(data: dict[str, Any]) -> dict[str, Any]:
    """The event's data as written: credentials masked, no host-page token (a copy: the event is not changed)."""
    if data.get("event") == "slot" and data.get("name") in KEY_SLOTS:
        stored = {key: item if key == "value" else redacted(item) for key, item in data.items()}
    else:
        stored = redacted(data)
    if stored.get("event") == "slot" and stored.get("name") == SESSION_METADATA_SLOT:
        stored["value"] = _without_token(stored.get("value"))
    if "metadata" in stored:
        stored["metadata"] = _without_token(stored["metadata"])
    parse_data = stored.get("parse_data")
    if isinstance(parse_data, dict) and "metadata" in parse_data:
        stored["parse_data"] = {**parse_data, "metadata": _without_token(parse_data["metadata"])}
    return stored


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


# The most recent conversations whose trackers are kept: a 10-turn conversation's tracker holds about 115 KiB,
# and 2,000 of them took the Rasa server from 360 to 590 MiB in the load bench. A few hundred covers the
# conversations that are going on at once on one replica; an older one is simply read from the database again.
KEPT_CONVERSATIONS = 300


@dataclass
class _Kept:
    tracker: DialogueStateTracker
    stored: int  # how many of the tracker's events are in the database
    newest_id: int  # the id of the newest of them


class RegistryTrackerStore(SQLTrackerStore):  # type: ignore[misc]
    """Conversations survive a restart of Rasa (and are shared by replicas) because they live in SQL."""

    def __init__(self, domain: Domain | None = None, host: str | None = None,
                 event_broker: EventBroker | None = None, **kwargs: Any) -> None:
        rasa_runtime.install()
        super().__init__(domain=domain, host=host or tracker_store_url(), event_broker=event_broker, **kwargs)
        rasa_engine: Any = self.engine  # type: ignore[has-type]
        if rasa_engine.dialect.name == "sqlite":
            # The registry's pooled engine with its pragmas: Rasa gives a SQLite file no pool, so each read and
            # save opened a connection and ran the pragmas again (9% of a turn; docs/profiling-turn.md).
            rasa_engine.dispose()
            self.engine = make_engine(rasa_engine.url.render_as_string(hide_password=False))
            self.sessionmaker = sessionmaker(bind=self.engine)
        self._kept: OrderedDict[str, _Kept] = OrderedDict()

    def _newest_event_id(self, session: Any, sender_id: str) -> int | None:
        newest = session.execute(select(func.max(self.SQLEvent.id)).where(self.SQLEvent.sender_id == sender_id))
        found = newest.scalar()
        return int(found) if found is not None else None

    def _kept_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        kept = self._kept.pop(sender_id, None)
        if kept is None or len(kept.tracker.events) != kept.stored:
            return None
        with self.session_scope() as session:
            if self._newest_event_id(session, sender_id) != kept.newest_id:
                return None
        self._kept[sender_id] = kept
        return kept.tracker

    def _keep(self, tracker: DialogueStateTracker, newest_id: int | None) -> None:
        sessions = sum(isinstance(e, SessionStarted) for e in tracker.events)
        # A tracker read from the database holds its latest session only: one that started another is read again.
        if newest_id is None or sessions > 1:
            return
        self._kept[tracker.sender_id] = _Kept(tracker, len(tracker.events), newest_id)
        while len(self._kept) > KEPT_CONVERSATIONS:
            self._kept.popitem(last=False)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        with _failure_noted(sender_id):
            return self._kept_tracker(sender_id) or await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        with _failure_noted(sender_id):
            return await super().retrieve_full_tracker(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        with _failure_noted(tracker.sender_id):
            await self._save_redacted(tracker)

    async def _save_redacted(self, tracker: DialogueStateTracker) -> None:
        # Rasa's own save, with each event's data redacted before it is written.
        await self.stream_events(tracker)
        kept = self._kept.pop(tracker.sender_id, None)
        previous = kept if kept is not None and kept.tracker is tracker else None
        with self.session_scope() as session:
            new_events = itertools.islice(tracker.events, previous.stored, None) if previous \
                else self._additional_events(session, tracker)
            rows = []
            for event in new_events:
                data = stored_event(event.as_dict())
                rows.append({"sender_id": tracker.sender_id, "type_name": event.type_name,
                             "timestamp": data.get("timestamp"),
                             "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                             "action_name": data.get("name"), "data": json.dumps(data)})
            if rows:
                # One executemany, without the ORM's unit of work for rows nothing reads back.
                session.execute(insert(self.SQLEvent.__table__), rows)
                newest_id = self._newest_event_id(session, tracker.sender_id)
            else:
                newest_id = previous.newest_id if previous else None
            session.commit()
        self._keep(tracker, newest_id)
