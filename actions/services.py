"""What the actions share: the registry database (made on first use), today, and blocking work
pushed off the event loop so one slow query never stalls other conversations."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import Tracker

from bot.config import attempt_limit_settings, today
from bot.services.attempt_limits import Attempt, AttemptLimits
from bot.services.database import shared_database

T = TypeVar("T")
_limits: AttemptLimits | None = None
database = shared_database


def attempt_limits() -> AttemptLimits:
    """One per process: with memory storage the counts per address live in it."""
    global _limits
    if _limits is None:
        _limits = AttemptLimits(attempt_limit_settings())
    return _limits


def attempt_of(kind: str, tracker: Tracker) -> Attempt:
    """The conversation and the client's address as the web server saw it (metadata it sets; Rasa's webhook answers
    only the web server)."""
    client = (tracker.latest_message.get("metadata") or {}).get("client")
    return Attempt.of(kind, tracker.sender_id, client if isinstance(client, str) and client else None)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


async def in_thread(work: Callable[..., T], *args: Any) -> T:
    return await asyncio.to_thread(work, *args)


def assistant_today() -> dt.date:
    return today()


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def entity_values(tracker: Tracker, name: str) -> list[str]:
    return [str(e.get("value")) for e in tracker.latest_message.get("entities", []) if e.get("entity") == name]
