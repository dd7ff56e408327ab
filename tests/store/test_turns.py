"""Turns and 好差评: recording, votes only on one's own turns, and the aggregates of /staff/insights in SQL."""

from __future__ import annotations

import datetime as dt

from bot.services.feedback import added_up
from bot.store.turns import TurnFilter, TurnRepository
from bot.store.unit_of_work import Database

DAY = dt.date(2025, 11, 20)


def _add(database: Database, key: str, day: dt.date, kind: str, topic: str | None = None, city: str | None = None,
         intent: str | None = "faq", text: str = "问题", minute: int = 0) -> int:
    with database.unit_of_work() as uow:
        turn_id = uow.turns.add(key, dt.datetime.combine(day, dt.time(2, minute)), day, city, text, kind, intent,
                                0.8, topic, None)
        uow.commit()
    return turn_id


def _filled(database: Database) -> dict[str, int]:
    ids = {"a1": _add(database, "conv-a", DAY, "answer", "renewal", "贵阳市", minute=1),
           "a2": _add(database, "conv-a", DAY, "answer", "renewal", "贵阳市", minute=2),
           "b1": _add(database, "conv-b", DAY, "decline", None, "遵义市", intent="out_of_scope", minute=3),
           "b2": _add(database, "conv-b", DAY + dt.timedelta(days=1), "answer", "ce_hours", "遵义市", minute=4),
           "c1": _add(database, "conv-c", DAY + dt.timedelta(days=1), "fallback", None, None, "nlu_fallback", minute=5),
           "old": _add(database, "conv-d", DAY - dt.timedelta(days=60), "answer", "portal", "贵阳市")}
    with database.unit_of_work() as uow:
        assert uow.turns.vote(ids["a1"], "conv-a", 1, None, dt.datetime(2025, 11, 20, 3))
        assert uow.turns.vote(ids["a2"], "conv-a", -1, "信息有误", dt.datetime(2025, 11, 20, 3))
        uow.turns.rate("conv-a", "end", 5, "renewal", "贵阳市", dt.datetime(2025, 11, 20, 4))
        uow.turns.rate("conv-b", "end", 2, "ce_hours", "遵义市", dt.datetime(2025, 11, 21, 4))
        uow.commit()
    return ids


RANGE = TurnFilter(DAY - dt.timedelta(days=5), DAY + dt.timedelta(days=5))


def kinds(turns: TurnRepository, found: TurnFilter) -> dict[str, int]:
    return added_up(turns.per_kind_and_topic(found))[0]


def test_per_day_counts_messages_and_distinct_conversations(database: Database) -> None:
    _filled(database)
    with database.unit_of_work() as uow:
        days = [(row["day"], row["messages"], row["conversations"]) for row in uow.turns.per_day(RANGE)]
    assert days == [(DAY, 3, 2), (DAY + dt.timedelta(days=1), 2, 2)]


def test_kinds_topics_votes_and_ratings(database: Database) -> None:
    _filled(database)
    with database.unit_of_work() as uow:
        groups = {(r["kind"], r["topic"]): (r["messages"], r["up"], r["down"])
                  for r in uow.turns.per_kind_and_topic(RANGE)}
        assert groups == {("answer", "renewal"): (2, 1, 1), ("answer", "ce_hours"): (1, 0, 0),
                          ("decline", None): (1, 0, 0), ("fallback", None): (1, 0, 0)}
        per_kind, topics, votes, problems = added_up(uow.turns.per_kind_and_topic(RANGE))
        assert per_kind == {"answer": 3, "decline": 1, "fallback": 1}
        assert [(t["topic"], t["messages"], t["up"], t["down"]) for t in topics] == [("renewal", 2, 1, 1),
                                                                                    ("ce_hours", 1, 0, 0)]
        assert votes == {"up": 1, "down": 1} and problems == 3
        ratings = {r["topic"]: (r["ratings"], float(r["average"]), r["level_5"], r["level_2"])
                   for r in uow.turns.ratings_per_topic(RANGE)}
        assert ratings == {"renewal": (1, 5.0, 1, 0), "ce_hours": (1, 2.0, 0, 1)}
        assert uow.turns.top_topics(RANGE.start, RANGE.end, 4) == ["renewal", "ce_hours"]


def test_filters_by_city_and_topic(database: Database) -> None:
    _filled(database)
    with database.unit_of_work() as uow:
        in_zunyi = TurnFilter(RANGE.start, RANGE.end, city="遵义市")
        assert kinds(uow.turns, in_zunyi) == {"answer": 1, "decline": 1}
        assert [r["topic"] for r in uow.turns.ratings_per_topic(in_zunyi)] == ["ce_hours"]
        renewal = TurnFilter(RANGE.start, RANGE.end, topic="renewal")
        assert kinds(uow.turns, renewal) == {"answer": 2}
        assert kinds(uow.turns, TurnFilter(DAY - dt.timedelta(days=61), DAY - dt.timedelta(days=59))) == {"answer": 1}


def test_problems_are_the_unanswered_and_the_thumbs_down_newest_first(database: Database) -> None:
    ids = _filled(database)
    with database.unit_of_work() as uow:
        problems = uow.turns.problems(RANGE, limit=10)
        assert [row["id"] for row in problems] == [ids["c1"], ids["b1"], ids["a2"]]
        assert problems[2]["vote_reason"] == "信息有误"
        assert [row["id"] for row in uow.turns.problems(RANGE, limit=2, offset=2)] == [ids["a2"]]


def test_a_vote_counts_only_on_the_conversation_s_own_turn_and_a_second_replaces_it(database: Database) -> None:
    ids = _filled(database)
    with database.unit_of_work() as uow:
        assert not uow.turns.vote(ids["a1"], "conv-b", -1, None, dt.datetime(2025, 11, 20, 5))
        assert uow.turns.vote(ids["a1"], "conv-a", -1, "没看懂", dt.datetime(2025, 11, 20, 5))
        uow.commit()
    with database.unit_of_work() as uow:
        assert added_up(uow.turns.per_kind_and_topic(RANGE))[2] == {"up": 0, "down": 2}


def test_rating_again_replaces_the_rating(database: Database) -> None:
    _filled(database)
    with database.unit_of_work() as uow:
        assert uow.turns.rated("conv-a", "end") and not uow.turns.rated("conv-a", "handover")
        uow.turns.rate("conv-a", "end", 1, "renewal", "贵阳市", dt.datetime(2025, 11, 20, 6))
        uow.commit()
    with database.unit_of_work() as uow:
        rows = {r["topic"]: r["ratings"] for r in uow.turns.ratings_per_topic(RANGE)}
        assert rows["renewal"] == 1
        assert uow.turns.last_subject("conv-b") == ("ce_hours", "遵义市")
        assert uow.turns.last_subject("nobody") == (None, None)


def test_old_turns_and_ratings_go_with_the_retention_period(database: Database) -> None:
    from bot.store.retention import purge_registry

    _filled(database)
    purged = {p.table: p.rows for p in purge_registry(database.engine, dt.datetime.combine(DAY, dt.time(0)))}
    assert purged["turns"] == 1 and purged["service_ratings"] == 0
    purged = {p.table: p.rows for p in purge_registry(database.engine, dt.datetime(2025, 11, 21))}
    assert purged["turns"] == 3 and purged["service_ratings"] == 1
