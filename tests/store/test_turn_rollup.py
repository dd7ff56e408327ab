"""The daily roll-up of turns (turn_day_counts, conversation_day_counts) always equals the same aggregates counted
over `turns` itself: after recorded turns, votes, changed votes, turns added in bulk, purges and the back-fill of
migration 0006."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import func, insert, select

from bot.services.feedback import added_up
from bot.store.migrate import alembic_config, upgrade_to_head
from bot.store.models import ConversationDayCount, Turn, TurnDayCount
from bot.store.retention import purge_registry
from bot.store.turns import FEEDBACK_KINDS, TurnFilter, TurnRepository
from bot.store.unit_of_work import Database

DAY = dt.date(2025, 11, 20)
CITIES = ("贵阳市", "遵义市", None)
TOPICS = ("renewal", "ce_hours", "portal", None)
EVERYTHING = TurnFilter(DAY - dt.timedelta(days=10), DAY + dt.timedelta(days=10))
KINDS = ("answer", "answer", "answer", "clarify", "decline", "fallback", "handover", "other")


def filters() -> list[TurnFilter]:
    ranges = [(DAY - dt.timedelta(days=10), DAY + dt.timedelta(days=10)), (DAY, DAY),
              (DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)), (DAY + dt.timedelta(days=3), DAY + dt.timedelta(days=3))]
    return [TurnFilter(start, end, city, topic) for start, end in ranges
            for city in ("贵阳市", "遵义市", "安顺市", None) for topic in ("renewal", "portal", "nothing", None)]


def figures(turns: TurnRepository, found: TurnFilter, from_turns: bool) -> tuple[Any, ...]:
    if from_turns:
        return [dict(r) for r in turns.per_day_from_turns(found)], added_up(turns.per_kind_and_topic_from_turns(found))
    return [dict(r) for r in turns.per_day(found)], added_up(turns.per_kind_and_topic(found))


def assert_roll_up_exact(database: Database) -> int:
    """Every filter's figures from the roll-up equal those counted over the turns; how many turns are stored."""
    with database.unit_of_work() as uow:
        for found in filters():
            rolled = figures(uow.turns, found, from_turns=False)
            assert rolled == figures(uow.turns, found, from_turns=True), found
            assert rolled[1][3] == uow.turns.problem_count_from_turns(found), found
        answered = {}
        for row in uow.turns.per_kind_and_topic_from_turns(EVERYTHING):
            if row["kind"] == "answer" and row["topic"] is not None:
                answered[row["topic"]] = int(row["messages"])
        expected = sorted(answered, key=lambda topic: (-answered[topic], topic))
        assert uow.turns.top_topics(EVERYTHING.start, EVERYTHING.end, 10) == expected
        return uow.turns.count()


def record(database: Database, draw: random.Random, count: int) -> list[tuple[int, str, str]]:
    """`count` turns over a few days and conversations; (id, conversation, kind) of each."""
    made = []
    for number in range(count):
        key = f"conv-{draw.randrange(12)}"
        day = DAY + dt.timedelta(days=draw.randrange(-2, 4))
        kind = draw.choice(KINDS)
        asked = dt.datetime.combine(day, dt.time(draw.randrange(24), draw.randrange(60)))
        with database.unit_of_work() as uow:
            turn_id = uow.turns.add(key, asked, day, draw.choice(CITIES), f"问题{number}", kind, "faq", 0.7,
                                    draw.choice(TOPICS), None)
            uow.commit()
        made.append((turn_id, key, kind))
    return made


def test_the_roll_up_equals_the_turns_after_turns_votes_changed_votes_and_purges(database: Database) -> None:
    draw = random.Random(6)
    assert assert_roll_up_exact(database) == 0
    made = record(database, draw, 160)
    assert_roll_up_exact(database)
    for _ in range(200):  # votes, second votes replacing the first, and votes refused (not the conversation's)
        turn_id, key, kind = draw.choice(made)
        voter = key if draw.random() < 0.9 else "someone-else"
        with database.unit_of_work() as uow:
            done = uow.turns.vote(turn_id, voter, draw.choice((1, -1)), None, dt.datetime(2025, 11, 25))
            uow.commit()
        assert done == (voter == key and kind in FEEDBACK_KINDS)
    with database.unit_of_work() as uow:
        votes = uow.turns.per_kind_and_topic_from_turns(EVERYTHING)
        assert sum(int(r["up"]) for r in votes) and sum(int(r["down"]) for r in votes)
    assert_roll_up_exact(database)
    with database.unit_of_work() as uow:  # in bulk, with votes of their own (the demo data, the benchmark)
        uow.turns.add_many([{"conversation_key": f"bulk-{n % 5}", "asked_at": dt.datetime.combine(DAY, dt.time(n)),
                             "day": DAY + dt.timedelta(days=n % 3), "city": CITIES[n % 3], "text": "批量",
                             "kind": KINDS[n % len(KINDS)], "topic": TOPICS[n % 4], "vote": (1, -1, None)[n % 3]}
                            for n in range(20)])
        uow.commit()
    assert_roll_up_exact(database)
    # The cutoff cuts a day in two: what is left of that day keeps exact figures.
    before = assert_roll_up_exact(database)
    purged = {p.table: p.rows for p in purge_registry(database.engine, dt.datetime.combine(DAY, dt.time(12)))}
    assert 0 < purged["turns"] < before and purged["turn_day_counts"] > 0
    left = assert_roll_up_exact(database)
    assert left == before - purged["turns"]
    with database.unit_of_work() as uow:  # a day wholly purged leaves no roll-up row
        assert uow.turns.per_day(TurnFilter(DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=1))) == []
    record(database, draw, 40)
    assert_roll_up_exact(database)
    assert all(p.rows == 0 for p in purge_registry(database.engine, dt.datetime(2025, 11, 1)))


def test_migration_0006_fills_the_roll_up_from_the_stored_turns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'before.db'}"
    command.upgrade(alembic_config(url), "0005")
    draw = random.Random(3)
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            connection.execute(insert(Turn.__table__), [
                {"conversation_key": f"c{draw.randrange(9)}", "asked_at": dt.datetime.combine(DAY, dt.time(1)),
                 "day": DAY + dt.timedelta(days=draw.randrange(3)), "city": draw.choice(CITIES), "text": "问",
                 "kind": draw.choice(KINDS), "topic": draw.choice(TOPICS), "vote": draw.choice((1, -1, None))}
                for _ in range(300)])
        upgrade_to_head(url)
        with database.engine.connect() as connection:
            for model in (TurnDayCount, ConversationDayCount):
                assert connection.execute(select(func.count()).select_from(model.__table__)).scalar()
        assert assert_roll_up_exact(database) == 300
    finally:
        database.dispose()
