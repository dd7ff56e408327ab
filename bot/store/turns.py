"""Turns and 好差评 ratings: what was asked, what the assistant did, and how it was judged (bot/store/models.Turn).

Every figure of /staff/insights is one SQL aggregate here, never rows counted in Python. The counts come from the
daily roll-up (models.TurnDayCount, models.ConversationDayCount), kept in the transaction that records a turn or
changes a vote, so a whole year is a few hundred rows a day to add up instead of a million turns
(bench/insights_bench.py); the list of unanswered and 👎 messages is read from `turns` itself. The `*_from_turns`
aggregates count the turns directly: what the roll-up must always equal (tests/store/test_turn_rollup.py).

Concurrency: recording a turn first takes (upserts) the day's row of conversation_day_counts, so the turns of one
day are recorded one after the other and "is this the conversation's first turn of the day" cannot be answered
twice at once on PostgreSQL (SQLite writes one transaction at a time anyway); a vote locks its roll-up row and
counts that row's turns again, so two votes in the same row cannot lose one another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeAlias

from sqlalchemy import Table, and_, case, delete, func, insert, literal, or_, select, text, union_all, update
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, TextClause

from bot.store.models import ConversationDayCount, HandoverTicket, Person, ServiceRating, Turn, TurnDayCount

TURNS = Turn.__table__
DAY_COUNTS: Table = TurnDayCount.__table__
CONVERSATION_COUNTS: Table = ConversationDayCount.__table__
ROLL_UP_TABLES = (DAY_COUNTS.name, CONVERSATION_COUNTS.name)
NONE = ""
"""A turn without a city or topic, in turn_day_counts; any city or topic, in conversation_day_counts."""
ADD_CHUNK = 50_000
RATINGS = ServiceRating.__table__
TICKETS = HandoverTicket.__table__
PERSONS = Person.__table__
UNANSWERED_KINDS = ("decline", "fallback", "clarify")
"""The kinds the assistant could not answer outright: listed for staff with every 👎."""
FEEDBACK_KINDS = ("answer", "clarify", "decline", "fallback")
"""The kinds a registrant can give 👍/👎 to."""


@dataclass(frozen=True)
class TurnFilter:
    """The insights' filters: days from `start` to `end` (both included), and optionally one city and one topic."""

    start: dt.date
    end: dt.date
    city: str | None = None
    topic: str | None = None


def _turn_conditions(found: TurnFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [TURNS.c.day >= found.start, TURNS.c.day <= found.end]
    if found.city:
        conditions.append(TURNS.c.city == found.city)
    if found.topic:
        conditions.append(TURNS.c.topic == found.topic)
    return conditions


def _rating_conditions(found: TurnFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [RATINGS.c.day >= found.start, RATINGS.c.day <= found.end]
    if found.city:
        conditions.append(RATINGS.c.city == found.city)
    if found.topic:
        conditions.append(RATINGS.c.topic == found.topic)
    return conditions


def _day_count_conditions(found: TurnFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [DAY_COUNTS.c.day >= found.start, DAY_COUNTS.c.day <= found.end]
    if found.city:
        conditions.append(DAY_COUNTS.c.city == found.city)
    if found.topic:
        conditions.append(DAY_COUNTS.c.topic == found.topic)
    return conditions


def _days(table: Table, start: dt.date | None, end: dt.date | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if start is not None:
        conditions.append(table.c.day >= start)
    if end is not None:
        conditions.append(table.c.day <= end)
    return conditions


Executor: TypeAlias = Session | Connection


def _dialect(executor: Executor) -> str:
    return str(executor.dialect.name if isinstance(executor, Connection) else executor.get_bind().dialect.name)


@lru_cache(maxsize=64)
def _upsert(table: str, keys: tuple[str, ...], amounts: tuple[str, ...], replace: bool) -> TextClause:
    """INSERT … ON CONFLICT DO UPDATE, which SQLite and PostgreSQL spell alike. Written once as text: SQLAlchemy 1.4
    compiles its dialect upserts again on every call, which was most of the time a turn took to record."""
    changes = ", ".join(f"{column} = excluded.{column}" if replace
                        else f"{column} = {table}.{column} + excluded.{column}" for column in amounts)
    columns = (*keys, *amounts)
    return text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)}) "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {changes}")


def _add_to(executor: Executor, table: Table, keys: dict[str, Any], amounts: dict[str, int],
            replace: bool = False) -> None:
    """Add `amounts` to the row of `keys` (made when missing), or with `replace` set them: one upsert."""
    if _dialect(executor) in ("sqlite", "postgresql"):
        executor.execute(_upsert(table.name, tuple(keys), tuple(amounts), replace), {**keys, **amounts})
        return
    match = [table.c[column] == value for column, value in keys.items()]  # any other database: update, else insert
    changes = {column: value if replace else table.c[column] + value for column, value in amounts.items()}
    if not executor.execute(update(table).where(*match).values(**changes)).rowcount:
        executor.execute(insert(table).values(**keys, **amounts))


def _vote_sums() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    return (func.coalesce(func.sum(case((TURNS.c.vote == 1, 1), else_=0)), 0),
            func.coalesce(func.sum(case((TURNS.c.vote == -1, 1), else_=0)), 0))


def rebuild_roll_up(executor: Executor, start: dt.date | None = None,
                    end: dt.date | None = None) -> dict[str, tuple[int, int]]:
    """Count the roll-up of the days from `start` to `end` (both included; None: no bound) again from `turns`: its
    rows deleted and made again with one INSERT … SELECT per table (migration 0006 back-fills the same way).
    {table: (rows deleted, rows made)}."""
    done: dict[str, tuple[int, int]] = {}
    in_range = _days(TURNS, start, end)
    city, topic = func.coalesce(TURNS.c.city, NONE), func.coalesce(TURNS.c.topic, NONE)
    up, down = _vote_sums()
    cells = (select(TURNS.c.day, city, topic, TURNS.c.kind, func.count(), up, down).where(*in_range)
             .group_by(TURNS.c.day, city, topic, TURNS.c.kind))
    conversations = func.count(TURNS.c.conversation_key.distinct())
    any_city, any_topic = literal(NONE, DAY_COUNTS.c.city.type), literal(NONE, DAY_COUNTS.c.topic.type)
    levels = union_all(
        select(TURNS.c.day, any_city, any_topic, conversations).where(*in_range).group_by(TURNS.c.day),
        select(TURNS.c.day, TURNS.c.city, any_topic, conversations).where(*in_range, TURNS.c.city != NONE)
        .group_by(TURNS.c.day, TURNS.c.city),
        select(TURNS.c.day, any_city, TURNS.c.topic, conversations).where(*in_range, TURNS.c.topic != NONE)
        .group_by(TURNS.c.day, TURNS.c.topic),
        select(TURNS.c.day, TURNS.c.city, TURNS.c.topic, conversations)
        .where(*in_range, TURNS.c.city != NONE, TURNS.c.topic != NONE)
        .group_by(TURNS.c.day, TURNS.c.city, TURNS.c.topic))
    for table, filled, columns in (
            (DAY_COUNTS, cells, ["day", "city", "topic", "kind", "turns", "up", "down"]),
            (CONVERSATION_COUNTS, levels, ["day", "city", "topic", "conversations"])):
        deleted = executor.execute(delete(table).where(*_days(table, start, end))).rowcount
        made = executor.execute(insert(table).from_select(columns, filled)).rowcount
        done[table.name] = (int(deleted or 0), int(made or 0))
    return done


def _problem(found: TurnFilter) -> ColumnElement[bool]:
    return and_(*_turn_conditions(found), or_(TURNS.c.kind.in_(UNANSWERED_KINDS), TURNS.c.vote == -1))


class TurnRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # Recording, voting and rating -------------------------------------------------------------------------------

    def add(self, conversation_key: str, asked_at: dt.datetime, day: dt.date, city: str | None, text: str,
            kind: str, intent: str | None, confidence: float | None, topic: str | None, basis: str | None) -> int:
        """One turn, and the roll-up counting it."""
        # First the day's row of conversation_day_counts: the turns of one day are counted one after the other.
        _add_to(self.session, CONVERSATION_COUNTS, {"day": day, "city": NONE, "topic": NONE}, {"conversations": 0})
        result = self.session.execute(insert(TURNS).values(
            conversation_key=conversation_key, asked_at=asked_at, day=day, city=city, text=text, kind=kind,
            intent=intent, confidence=confidence, topic=topic, basis=basis))
        turn_id = int(result.inserted_primary_key[0])
        earlier = self.session.execute(
            select(TURNS.c.city, TURNS.c.topic).distinct()
            .where(TURNS.c.conversation_key == conversation_key, TURNS.c.day == day, TURNS.c.id != turn_id)).all()
        levels = [] if earlier else [(NONE, NONE)]
        if city and all(row.city != city for row in earlier):
            levels.append((city, NONE))
        if topic and all(row.topic != topic for row in earlier):
            levels.append((NONE, topic))
        if city and topic and all((row.city, row.topic) != (city, topic) for row in earlier):
            levels.append((city, topic))
        for level_city, level_topic in levels:  # the conversation's first turn of the day at that level
            _add_to(self.session, CONVERSATION_COUNTS, {"day": day, "city": level_city, "topic": level_topic},
                    {"conversations": 1})
        _add_to(self.session, DAY_COUNTS, {"day": day, "city": city or NONE, "topic": topic or NONE, "kind": kind},
                {"turns": 1, "up": 0, "down": 0})
        return turn_id

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Many turns in multi-row statements (the demo data and the benchmark), and the roll-up of their days
        counted again."""
        if not rows:
            return
        for start in range(0, len(rows), ADD_CHUNK):
            self.session.execute(insert(TURNS), list(rows[start:start + ADD_CHUNK]))
        days = [row["day"] for row in rows]
        rebuild_roll_up(self.session, min(days), max(days))

    def rebuild_roll_up(self, start: dt.date | None = None, end: dt.date | None = None) -> None:
        rebuild_roll_up(self.session, start, end)

    def vote(self, turn_id: int, conversation_key: str, vote: int, reason: str | None, now: dt.datetime) -> bool:
        """False unless the turn is this conversation's and can be voted on; a second vote replaces the first."""
        result = self.session.execute(
            update(TURNS).where(TURNS.c.id == turn_id, TURNS.c.conversation_key == conversation_key,
                                TURNS.c.kind.in_(FEEDBACK_KINDS))
            .values(vote=vote, vote_reason=reason, voted_at=now))
        if not result.rowcount:
            return False
        turn = self.session.execute(select(TURNS.c.day, TURNS.c.city, TURNS.c.topic, TURNS.c.kind)
                                    .where(TURNS.c.id == turn_id)).one()
        self._count_again(turn.day, turn.city or NONE, turn.topic or NONE, turn.kind)
        return True

    def _count_again(self, day: dt.date, city: str, topic: str, kind: str) -> None:
        """One row of turn_day_counts counted again from its turns, with the row locked first (PostgreSQL)."""
        keys = {"day": day, "city": city, "topic": topic, "kind": kind}
        self.session.execute(select(DAY_COUNTS.c.turns).where(*(DAY_COUNTS.c[k] == v for k, v in keys.items()))
                             .with_for_update())
        up, down = _vote_sums()
        row = self.session.execute(
            select(func.count().label("turns"), up.label("up"), down.label("down"))
            .where(TURNS.c.day == day, func.coalesce(TURNS.c.city, NONE) == city,
                   func.coalesce(TURNS.c.topic, NONE) == topic, TURNS.c.kind == kind)).one()
        _add_to(self.session, DAY_COUNTS, keys, {"turns": int(row.turns), "up": int(row.up), "down": int(row.down)},
                replace=True)

    def last_subject(self, conversation_key: str) -> tuple[str | None, str | None]:
        """The topic this conversation was last about and its city (None, None without one)."""
        row = self.session.execute(
            select(TURNS.c.topic, TURNS.c.city).where(TURNS.c.conversation_key == conversation_key,
                                                      TURNS.c.topic.is_not(None))
            .order_by(TURNS.c.asked_at.desc(), TURNS.c.id.desc()).limit(1)).first()
        if row is not None:
            return row.topic, row.city
        city = self.session.execute(
            select(TURNS.c.city).where(TURNS.c.conversation_key == conversation_key, TURNS.c.city.is_not(None))
            .limit(1)).scalar()
        return None, city

    def said_goodbye(self, conversation_key: str) -> bool:
        return self.session.execute(
            select(TURNS.c.id).where(TURNS.c.conversation_key == conversation_key, TURNS.c.intent == "goodbye")
            .limit(1)).first() is not None

    def rated(self, conversation_key: str, occasion: str) -> bool:
        return self.session.execute(
            select(RATINGS.c.id).where(RATINGS.c.conversation_key == conversation_key,
                                       RATINGS.c.occasion == occasion)).first() is not None

    def rate(self, conversation_key: str, occasion: str, rating: int, topic: str | None, city: str | None,
             now: dt.datetime, day: dt.date | None = None) -> None:
        """One rating per conversation and occasion: rating again replaces it."""
        day = day or now.date()
        changed = self.session.execute(
            update(RATINGS).where(RATINGS.c.conversation_key == conversation_key, RATINGS.c.occasion == occasion)
            .values(rating=rating, rated_at=now, day=day, topic=topic, city=city))
        if not changed.rowcount:
            self.session.execute(insert(RATINGS).values(conversation_key=conversation_key, occasion=occasion,
                                                        rating=rating, rated_at=now, day=day, topic=topic,
                                                        city=city))

    def add_ratings(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(RATINGS), list(rows))

    def handover_closed(self, conversation_id: str) -> bool:
        """Has a hand-over ticket of this conversation been closed? (Tickets keep the conversation id itself.)"""
        return self.session.execute(
            select(TICKETS.c.id).where(TICKETS.c.conversation_id == conversation_id, TICKETS.c.status == "closed")
            .limit(1)).first() is not None

    def registrant_city(self, person_id: str) -> str | None:
        """The city of the registrant's employer, as their export states it."""
        found = self.session.execute(select(PERSONS.c.employer_city).where(PERSONS.c.person_id == person_id)).scalar()
        return None if found is None else str(found)

    def count(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(TURNS)).scalar() or 0)

    # The aggregates of /staff/insights ----------------------------------------------------------------------------

    def per_day(self, found: TurnFilter) -> list[RowMapping]:
        """day, messages, conversations; days without a message are left out. From the roll-up."""
        messages = (select(DAY_COUNTS.c.day, func.sum(DAY_COUNTS.c.turns).label("messages"))
                    .where(*_day_count_conditions(found)).group_by(DAY_COUNTS.c.day).subquery())
        counted = (select(CONVERSATION_COUNTS.c.day, CONVERSATION_COUNTS.c.conversations)
                   .where(CONVERSATION_COUNTS.c.city == (found.city or NONE),
                          CONVERSATION_COUNTS.c.topic == (found.topic or NONE),
                          CONVERSATION_COUNTS.c.day >= found.start, CONVERSATION_COUNTS.c.day <= found.end)
                   .subquery())
        query = (select(messages.c.day, messages.c.messages,
                        func.coalesce(counted.c.conversations, 0).label("conversations"))
                 .select_from(messages.outerjoin(counted, counted.c.day == messages.c.day))
                 .where(messages.c.messages > 0).order_by(messages.c.day))
        return list(self.session.execute(query).mappings().all())

    def per_kind_and_topic(self, found: TurnFilter) -> list[RowMapping]:
        """kind, topic, messages, up, down (👍/👎), from the roll-up: from these the shares of each kind, the topics
        with their votes, the vote totals and the size of the problem list are added up."""
        query = (select(DAY_COUNTS.c.kind, func.nullif(DAY_COUNTS.c.topic, NONE).label("topic"),
                        func.sum(DAY_COUNTS.c.turns).label("messages"), func.sum(DAY_COUNTS.c.up).label("up"),
                        func.sum(DAY_COUNTS.c.down).label("down"))
                 .where(*_day_count_conditions(found)).group_by(DAY_COUNTS.c.kind, DAY_COUNTS.c.topic)
                 .having(func.sum(DAY_COUNTS.c.turns) > 0))
        return list(self.session.execute(query).mappings().all())

    def top_topics(self, start: dt.date, end: dt.date, limit: int) -> list[str]:
        """The topics answered most often between the two days, most first (for the suggested questions)."""
        count = func.sum(DAY_COUNTS.c.turns).label("n")
        query = (select(DAY_COUNTS.c.topic, count)
                 .where(DAY_COUNTS.c.day >= start, DAY_COUNTS.c.day <= end, DAY_COUNTS.c.kind == "answer",
                        DAY_COUNTS.c.topic != NONE)
                 .group_by(DAY_COUNTS.c.topic).having(count > 0).order_by(count.desc(), DAY_COUNTS.c.topic)
                 .limit(limit))
        return [str(row.topic) for row in self.session.execute(query).all()]

    # The same figures counted from `turns` itself: what the roll-up must equal (the tests, the benchmark's check).

    def per_day_from_turns(self, found: TurnFilter) -> list[RowMapping]:
        """per_day over `turns`: counted per (day, conversation) first, in the order of ix_turns_day_facts."""
        per_conversation = (select(TURNS.c.day, func.count().label("n")).where(*_turn_conditions(found))
                            .group_by(TURNS.c.day, TURNS.c.conversation_key).subquery())
        query = (select(per_conversation.c.day, func.sum(per_conversation.c.n).label("messages"),
                        func.count().label("conversations"))
                 .group_by(per_conversation.c.day).order_by(per_conversation.c.day))
        return list(self.session.execute(query).mappings().all())

    def per_kind_and_topic_from_turns(self, found: TurnFilter) -> list[RowMapping]:
        """per_kind_and_topic over `turns`."""
        up, down = _vote_sums()
        query = (select(TURNS.c.kind, TURNS.c.topic, func.count().label("messages"), up.label("up"),
                        down.label("down"))
                 .where(*_turn_conditions(found)).group_by(TURNS.c.kind, TURNS.c.topic))
        return list(self.session.execute(query).mappings().all())

    def problem_count_from_turns(self, found: TurnFilter) -> int:
        return int(self.session.execute(select(func.count()).select_from(TURNS).where(_problem(found))).scalar() or 0)

    def ratings_per_topic(self, found: TurnFilter) -> list[RowMapping]:
        """topic (None: no topic), ratings, average, and how many gave each level (level_1 … level_5)."""
        levels = [func.coalesce(func.sum(case((RATINGS.c.rating == level, 1), else_=0)), 0).label(f"level_{level}")
                  for level in range(1, 6)]
        ratings = func.count().label("ratings")
        query = (select(RATINGS.c.topic, ratings, func.avg(RATINGS.c.rating).label("average"), *levels)
                 .where(*_rating_conditions(found)).group_by(RATINGS.c.topic).order_by(ratings.desc(), RATINGS.c.topic))
        return list(self.session.execute(query).mappings().all())

    def problems(self, found: TurnFilter, limit: int, offset: int = 0) -> list[RowMapping]:
        """The messages the assistant could not answer (declined, fallback, asked back) or that got 👎, newest
        first: id (for /staff/review/<id>), asked_at, city, text (redacted), kind, intent, confidence, topic,
        basis, vote, vote_reason, reviewed_topic."""
        query = (select(TURNS.c.id, TURNS.c.asked_at, TURNS.c.day, TURNS.c.city, TURNS.c.text, TURNS.c.kind,
                        TURNS.c.intent, TURNS.c.confidence, TURNS.c.topic, TURNS.c.basis, TURNS.c.vote,
                        TURNS.c.vote_reason, TURNS.c.reviewed_topic)
                 # Newest first by day, then time: ix_turns_day_asked walked backwards, no sort of the whole range.
                 .where(_problem(found)).order_by(TURNS.c.day.desc(), TURNS.c.asked_at.desc(), TURNS.c.id.desc())
                 .limit(limit).offset(offset))
        return list(self.session.execute(query).mappings().all())

    # Staff review (/staff/review/<id>, bot/services/review.py): what a message really was about -----------------

    def turn_by_id(self, turn_id: int) -> RowMapping | None:
        """The whole turn (its text already redacted), or None."""
        return self.session.execute(select(TURNS).where(TURNS.c.id == turn_id)).mappings().first()

    def mark_reviewed(self, turn_id: int, topic: str, by: str, at: dt.datetime) -> bool:
        """Set what a staff member said the message was about (a topic or "out_of_scope"); False: no such turn."""
        result = self.session.execute(update(TURNS).where(TURNS.c.id == turn_id)
                                      .values(reviewed_topic=topic, reviewed_by=by, reviewed_at=at))
        return bool(result.rowcount)

    def reviewed(self) -> list[tuple[str, str]]:
        """(text, reviewed_topic) of every reviewed turn, oldest review first."""
        query = (select(TURNS.c.text, TURNS.c.reviewed_topic).where(TURNS.c.reviewed_topic.is_not(None))
                 .order_by(TURNS.c.reviewed_at, TURNS.c.id))
        return [(str(text), str(topic)) for text, topic in self.session.execute(query).all()]
