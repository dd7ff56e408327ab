"""Retention: conversations, identification attempts, closed tickets, logins, turns, 好差评, sent reminders and WeChat
messages go once old enough.

`python -m bot purge-old` runs this (bot/cli.py). Each kind of row is named by its table and the column that says
how old it is (RETAINED); a table that does not exist yet (a fresh database, a table a later migration adds) is
skipped, so a new kind of row is one more line there.

Rasa's tracker events (the `events` table of the tracker store's database, which may be another database than the
registry's) are kept by conversation: a conversation whose newest event is older than the period goes whole. In a
conversation still going on, old events go only when they come before its latest session start: Rasa reads a
conversation from that event on, and the slots it carries over (who was identified) are set again after it, so the
conversation goes on as it was.

The daily roll-up of turns (turn_day_counts, conversation_day_counts, bot/store/turns.py) goes with them: the days
of the purged turns are counted again from the turns left, so a day cut in two by the cutoff keeps exact figures
and a day wholly purged leaves no row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, column, delete, func, inspect, select, table
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from bot.store.turns import ROLL_UP_TABLES, rebuild_roll_up


@dataclass(frozen=True)
class Retained:
    """Rows of `table` older than the period by `time_column` go; `only`: and only those with these values (a tuple
    of values: any of them)."""

    table: str
    time_column: str
    only: tuple[tuple[str, str | tuple[str, ...]], ...] = ()


RETAINED = (
    Retained("verification_attempts", "at"),
    Retained("handover_tickets", "closed_at", only=(("status", "closed"),)),  # an open ticket is still work
    Retained("host_token_uses", "first_used_at"),
    Retained("web_sessions", "expires_at"),
    Retained("turns", "asked_at"),  # feedback and /staff/insights: the period's figures only
    Retained("service_ratings", "rated_at"),
    # The reminder outbox: what was sent or skipped; a pending or failed message is still to be seen to.
    Retained("reminder_outbox", "created_at", only=(("status", ("sent", "skipped")),)),
    # The WeChat and 企业微信 channels: messages pushed, answers kept for a next message, choices last shown.
    Retained("wechat_inbound", "received_at"),
    Retained("wechat_outbound", "created_at"),
    Retained("wechat_choices", "updated_at"),
)
EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore
SESSION_STARTED = "session_started"  # rasa.shared.core.events.SessionStarted.type_name, without importing Rasa


@dataclass(frozen=True)
class Purged:
    table: str
    rows: int
    present: bool = True  # False: the table does not exist in that database


def _has_table(connection: Connection, name: str) -> bool:
    return bool(inspect(connection).has_table(name))


def _purge_rows(connection: Connection, kept: Retained, cutoff: dt.datetime) -> Purged:
    if not _has_table(connection, kept.table):
        return Purged(kept.table, 0, present=False)
    names = (kept.time_column, *(name for name, _ in kept.only))
    rows = table(kept.table, *(column(name) for name in names))
    conditions: list[ColumnElement[bool]] = [rows.c[kept.time_column] < cutoff]
    conditions += [rows.c[name].in_(value) if isinstance(value, tuple) else rows.c[name] == value
                   for name, value in kept.only]
    result = connection.execute(delete(rows).where(and_(*conditions)))
    return Purged(kept.table, int(result.rowcount or 0))


TURNS_TABLE = "turns"


def _purge_turns(connection: Connection, kept: Retained, cutoff: dt.datetime) -> list[Purged]:
    """The old turns, and the roll-up of their days counted again from the turns left."""
    present = _has_table(connection, kept.table) and all(_has_table(connection, name) for name in ROLL_UP_TABLES)
    last_day = None
    if present:
        turns = table(kept.table, column(kept.time_column), column("day"))
        last_day = connection.execute(select(func.max(turns.c.day))
                                      .where(turns.c[kept.time_column] < cutoff)).scalar()
    purged = _purge_rows(connection, kept, cutoff)
    if last_day is None:
        return [purged, *(Purged(name, 0, present=present) for name in ROLL_UP_TABLES)]
    counted = rebuild_roll_up(connection, None, last_day)
    return [purged, *(Purged(name, max(0, counted[name][0] - counted[name][1])) for name in ROLL_UP_TABLES)]


def purge_registry(engine: Engine, cutoff: dt.datetime, retained: tuple[Retained, ...] = RETAINED) -> list[Purged]:
    """Delete, in one transaction, the registry's rows older than `cutoff` (naive UTC, as they are stored)."""
    with engine.begin() as connection:
        found: list[Purged] = []
        for kept in retained:
            found += _purge_turns(connection, kept, cutoff) if kept.table == TURNS_TABLE else [
                _purge_rows(connection, kept, cutoff)]
        return found


def purge_conversations(engine: Engine, cutoff: dt.datetime) -> Purged:
    """Delete, in one transaction, the tracker events older than `cutoff` (naive UTC) that no conversation needs."""
    with engine.begin() as connection:
        if not _has_table(connection, EVENTS_TABLE):
            return Purged(EVENTS_TABLE, 0, present=False)
        events = table(EVENTS_TABLE, column("sender_id"), column("type_name"), column("timestamp"))
        # Rasa stores each event's time as seconds since the epoch.
        oldest_kept = cutoff.replace(tzinfo=dt.timezone.utc).timestamp()
        stale = (select(events.c.sender_id).group_by(events.c.sender_id)
                 .having(func.max(events.c.timestamp) < oldest_kept))
        whole = connection.execute(delete(events).where(events.c.sender_id.in_(stale)))
        later = events.alias("later")
        session_start = (select(func.max(later.c.timestamp))
                         .where(later.c.sender_id == events.c.sender_id,
                                later.c.type_name == SESSION_STARTED)
                         .scalar_subquery())
        earlier = connection.execute(delete(events).where(events.c.timestamp < oldest_kept,
                                                          events.c.timestamp < session_start))
        return Purged(EVENTS_TABLE, int(whole.rowcount or 0) + int(earlier.rowcount or 0))


def purge_old(registry: Engine, conversations: Engine, cutoff: dt.datetime) -> list[Purged]:
    """Everything older than `cutoff`: the tracker events first, then the registry's rows."""
    return [purge_conversations(conversations, cutoff), *purge_registry(registry, cutoff)]
