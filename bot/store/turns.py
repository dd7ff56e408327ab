"""Turns and 好差评 ratings: what was asked, what the assistant did, and how it was judged (bot/store/models.Turn).

Every figure of /staff/insights is one SQL aggregate here (GROUP BY over the indexed `day` range), never rows
counted in Python, so the page stays fast with a million stored messages (bench/insights_bench.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.store.models import HandoverTicket, Person, ServiceRating, Turn

TURNS = Turn.__table__
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


def _problem(found: TurnFilter) -> ColumnElement[bool]:
    return and_(*_turn_conditions(found), or_(TURNS.c.kind.in_(UNANSWERED_KINDS), TURNS.c.vote == -1))


class TurnRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # Recording, voting and rating -------------------------------------------------------------------------------

    def add(self, conversation_key: str, asked_at: dt.datetime, day: dt.date, city: str | None, text: str,
            kind: str, intent: str | None, confidence: float | None, topic: str | None, basis: str | None) -> int:
        result = self.session.execute(insert(TURNS).values(
            conversation_key=conversation_key, asked_at=asked_at, day=day, city=city, text=text, kind=kind,
            intent=intent, confidence=confidence, topic=topic, basis=basis))
        return int(result.inserted_primary_key[0])

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Many turns in one multi-row statement (the demo data and the benchmark)."""
        if rows:
            self.session.execute(insert(TURNS), list(rows))

    def vote(self, turn_id: int, conversation_key: str, vote: int, reason: str | None, now: dt.datetime) -> bool:
        """False unless the turn is this conversation's and can be voted on; a second vote replaces the first."""
        result = self.session.execute(
            update(TURNS).where(TURNS.c.id == turn_id, TURNS.c.conversation_key == conversation_key,
                                TURNS.c.kind.in_(FEEDBACK_KINDS))
            .values(vote=vote, vote_reason=reason, voted_at=now))
        return bool(result.rowcount)

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
        """day, messages, conversations; days without a message are left out. Counted per (day, conversation) first,
        in the order of ix_turns_day_facts, so no distinct set is built in memory."""
        per_conversation = (select(TURNS.c.day, func.count().label("n")).where(*_turn_conditions(found))
                            .group_by(TURNS.c.day, TURNS.c.conversation_key).subquery())
        query = (select(per_conversation.c.day, func.sum(per_conversation.c.n).label("messages"),
                        func.count().label("conversations"))
                 .group_by(per_conversation.c.day).order_by(per_conversation.c.day))
        return list(self.session.execute(query).mappings().all())

    def per_kind_and_topic(self, found: TurnFilter) -> list[RowMapping]:
        """kind, topic, messages, up, down (👍/👎): one pass over the range, from which the shares of each kind, the
        topics with their votes, the vote totals and the size of the problem list are added up."""
        query = (select(TURNS.c.kind, TURNS.c.topic, func.count().label("messages"),
                        func.coalesce(func.sum(case((TURNS.c.vote == 1, 1), else_=0)), 0).label("up"),
                        func.coalesce(func.sum(case((TURNS.c.vote == -1, 1), else_=0)), 0).label("down"))
                 .where(*_turn_conditions(found)).group_by(TURNS.c.kind, TURNS.c.topic))
        return list(self.session.execute(query).mappings().all())

    def top_topics(self, start: dt.date, end: dt.date, limit: int) -> list[str]:
        """The topics answered most often between the two days, most first (for the suggested questions)."""
        count = func.count().label("n")
        query = (select(TURNS.c.topic, count)
                 .where(TURNS.c.day >= start, TURNS.c.day <= end, TURNS.c.kind == "answer",
                        TURNS.c.topic.is_not(None))
                 .group_by(TURNS.c.topic).order_by(count.desc(), TURNS.c.topic).limit(limit))
        return [str(row.topic) for row in self.session.execute(query).all()]

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
