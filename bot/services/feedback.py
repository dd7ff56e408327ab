"""Feedback and analytics: each turn recorded, 👍/👎 on answers, 好差评 ratings, and the figures of /staff/insights.

A turn is kept with its conversation only as a keyed pseudonym (bot.security.keys.pseudonym) and its text with ID
numbers and credentials masked (bot.security.redaction), so nothing stored here leads back to a person. Each use
case is one unit of work and one commit.

The actions tell the web server what a turn was with one extra message, `{"custom": {"turn": {...}}}`
(TURN_PAYLOAD, built by bot.replies.turn_summary); the web server takes it out of the reply and records the turn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from bot.security.keys import pseudonym
from bot.security.redaction import redact_credentials
from bot.store.turns import FEEDBACK_KINDS, UNANSWERED_KINDS, TurnFilter
from bot.store.unit_of_work import Database

__all__ = ["FEEDBACK_KINDS", "UNANSWERED_KINDS", "TurnFilter"]

TURN_PAYLOAD = "turn"
KINDS = ("answer", "clarify", "decline", "fallback", "handover", "other")
VOTES = {"up": 1, "down": -1}
VOTE_REASONS = ("答非所问", "信息有误", "没看懂", "其他")
OCCASIONS = ("end", "handover")
RATINGS = {5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "非常不满意"}
GOODBYE = "goodbye"
BASIS_PREFIX = "依据："
CONVERSATION_KEY_LENGTH = 32
SUGGESTION_DAYS = 30
TEXT_LIMIT = 1000
BASIS_LIMIT = 300


@dataclass(frozen=True)
class TurnSummary:
    """What the assistant did with one message (no words of it): the payload the actions send."""

    kind: str = "other"
    intent: str | None = None
    confidence: float | None = None
    topic: str | None = None
    city: str | None = None

    def payload(self) -> dict[str, Any]:
        return {TURN_PAYLOAD: asdict(self)}

    @staticmethod
    def from_payload(sent: object) -> TurnSummary:
        """The summary a payload carries; anything unexpected in it is dropped, an unknown kind is 'other'."""
        if not isinstance(sent, Mapping):
            return TurnSummary()

        def text(name: str, limit: int = 80) -> str | None:
            value = sent.get(name)
            return value[:limit] if isinstance(value, str) and value else None

        kind = sent.get("kind")
        confidence = sent.get("confidence")
        return TurnSummary(kind=kind if kind in KINDS else "other", intent=text("intent"),
                           confidence=float(confidence) if isinstance(confidence, (int, float))
                           and not isinstance(confidence, bool) else None,
                           topic=text("topic"), city=text("city", 50))


@dataclass(frozen=True)
class RecordedTurn:
    """What the chat page is told about a turn: its id, whether it takes 👍/👎, and which 好差评 to offer."""

    id: int
    feedback: bool
    rating: str | None


def conversation_key(conversation_id: str) -> str:
    return pseudonym(conversation_id, CONVERSATION_KEY_LENGTH)


def basis_of(texts: Iterable[str]) -> str | None:
    """The 依据 line of a reply (the line that starts with 依据：), or None."""
    for text in texts:
        for line in text.splitlines():
            if line.strip().startswith(BASIS_PREFIX):
                return line.strip()[:BASIS_LIMIT]
    return None


def _rating_due(uow: Any, conversation_id: str, key: str, summary: TurnSummary | None) -> str | None:
    if summary is not None and summary.intent == GOODBYE and not uow.turns.rated(key, "end"):
        return "end"
    if uow.turns.handover_closed(conversation_id) and not uow.turns.rated(key, "handover"):
        return "handover"
    return None


def record_turn(database: Database, conversation_id: str, text: str, summary: TurnSummary | None,
                basis: str | None, now: dt.datetime, day: dt.date) -> RecordedTurn:
    """One message and what was done with it; `summary` None (Rasa answered with its own response) is 'other'."""
    found = summary or TurnSummary()
    key = conversation_key(conversation_id)
    with database.unit_of_work() as uow:
        turn_id = uow.turns.add(key, now, day, found.city, redact_credentials(text)[:TEXT_LIMIT], found.kind,
                                found.intent, found.confidence, found.topic, basis)
        rating = _rating_due(uow, conversation_id, key, summary)
        uow.commit()
    return RecordedTurn(turn_id, found.kind in FEEDBACK_KINDS, rating)


def vote(database: Database, conversation_id: str, turn_id: int, value: str, reason: str | None,
         now: dt.datetime) -> bool:
    """👍 or 👎 (with an optional reason) on one of this conversation's answers; False when it is not one."""
    if value not in VOTES or (reason is not None and reason not in VOTE_REASONS):
        raise ValueError("not a vote")
    with database.unit_of_work() as uow:
        done = uow.turns.vote(turn_id, conversation_key(conversation_id), VOTES[value],
                              reason if value == "down" else None, now)
        uow.commit()
    return done


def rating_due(database: Database, conversation_id: str) -> str | None:
    """'handover' when this conversation's hand-over has been closed and not yet rated, else None."""
    with database.unit_of_work() as uow:
        return _rating_due(uow, conversation_id, conversation_key(conversation_id), None)


def rate(database: Database, conversation_id: str, rating: int, occasion: str, now: dt.datetime,
         day: dt.date | None = None) -> bool:
    """A 好差评 rating of this conversation: after its goodbye ('end') or its closed hand-over ('handover'); a
    second rating replaces the first. False when there is nothing of that to rate. `day`: the assistant's today."""
    if rating not in RATINGS or occasion not in OCCASIONS:
        raise ValueError("not a rating")
    key = conversation_key(conversation_id)
    with database.unit_of_work() as uow:
        allowed = uow.turns.said_goodbye(key) if occasion == "end" else uow.turns.handover_closed(conversation_id)
        if not allowed:
            return False
        topic, city = uow.turns.last_subject(key)
        uow.turns.rate(key, occasion, rating, topic, city, now, day)
        uow.commit()
    return True


def registrant_city(database: Database, person_id: str) -> str | None:
    with database.unit_of_work() as uow:
        return uow.turns.registrant_city(person_id)


def suggested_topics(database: Database, today: dt.date, limit: int) -> list[str]:
    """The topics answered most in the last 30 days, most first."""
    with database.unit_of_work() as uow:
        return uow.turns.top_topics(today - dt.timedelta(days=SUGGESTION_DAYS - 1), today, limit)


@dataclass(frozen=True)
class Insights:
    per_day: list[dict[str, Any]]
    per_kind: dict[str, int]
    topics: list[dict[str, Any]]
    """topic, messages, up, down: most asked first."""
    votes: dict[str, int]
    ratings: list[dict[str, Any]]
    problems: list[dict[str, Any]]
    problem_count: int

    @property
    def messages(self) -> int:
        return sum(self.per_kind.values())

    @property
    def conversations(self) -> int:
        """Conversations per day, added up (one going on over midnight counts on both days)."""
        return sum(int(row["conversations"]) for row in self.per_day)


def added_up(groups: Iterable[Mapping[str, Any]]) -> tuple[dict[str, int], list[dict[str, Any]], dict[str, int], int]:
    """The shares of each kind, the topics with their 👍/👎, the vote totals and how many messages are problems (not
    answered, or 👎), from the counts per (kind, topic) that one GROUP BY gave."""
    per_kind: dict[str, int] = {}
    per_topic: dict[str, dict[str, Any]] = {}
    votes = {"up": 0, "down": 0}
    problems = 0
    for row in groups:
        kind, messages, up, down = str(row["kind"]), int(row["messages"]), int(row["up"]), int(row["down"])
        per_kind[kind] = per_kind.get(kind, 0) + messages
        votes["up"] += up
        votes["down"] += down
        problems += messages if kind in UNANSWERED_KINDS else down
        if row["topic"] is not None:
            topic = per_topic.setdefault(str(row["topic"]), {"topic": row["topic"], "messages": 0, "up": 0, "down": 0})
            topic["messages"] += messages
            topic["up"] += up
            topic["down"] += down
    topics = sorted(per_topic.values(), key=lambda t: (-t["messages"], t["topic"]))
    return per_kind, topics, votes, problems


def insights(database: Database, found: TurnFilter, problems: int, offset: int = 0) -> Insights:
    """Every figure of /staff/insights for the filter, and one page of the problem list (newest first)."""
    with database.unit_of_work() as uow:
        turns = uow.turns
        per_kind, topics, votes, problem_count = added_up(turns.per_kind_and_topic(found))
        listed = [dict(row) for row in turns.problems(found, problems, offset)] if problems else []
        return Insights(per_day=[dict(row) for row in turns.per_day(found)], per_kind=per_kind, topics=topics,
                        votes=votes, ratings=[dict(row) for row in turns.ratings_per_topic(found)], problems=listed,
                        problem_count=problem_count)


def problem_list(database: Database, found: TurnFilter, limit: int) -> list[dict[str, Any]]:
    with database.unit_of_work() as uow:
        return [dict(row) for row in uow.turns.problems(found, limit)]


def add_recorded(database: Database, turns: list[dict[str, Any]], ratings: list[dict[str, Any]]) -> None:
    """Turns and ratings made elsewhere (the demo data, the benchmark), as table rows, in one commit; the roll-up of
    the turns' days is counted again in the same commit, so /staff/insights shows them exactly."""
    with database.unit_of_work() as uow:
        uow.turns.add_many(turns)
        uow.turns.add_ratings(ratings)
        uow.commit()


def turn_count(database: Database) -> int:
    with database.unit_of_work() as uow:
        return uow.turns.count()
