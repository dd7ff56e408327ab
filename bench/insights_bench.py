"""/staff/insights at a million stored messages (issue 17): the page and its CSV through the real web server.

    .venv/bin/python -m bench.insights_bench [--turns 1000000] [--days 365] [--repeat 10] [--database-url URL]

Builds a database (SQLite in a temporary directory unless --database-url names another, e.g. a PostgreSQL one;
its turns, ratings and their roll-up are replaced) with `--turns` turns over `--days` days (~30 topics, 9 cities,
votes and 好差评), checks that the roll-up the page reads gives the very figures counted over the turns, starts
`python -m bot.web` on it, logs in as staff and times each view `--repeat` times after one warm-up. Prints a
Markdown section and writes it to results/benchmarks/insights.md (bench/report.py puts it in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import delete

from bench.registry_bench import percentile
from bot.demo.data import CITIES
from bot.replies.knowledge import topics
from bot.services.feedback import VOTE_REASONS, TurnFilter, add_recorded, added_up
from bot.services.helpdesk import add_staff
from bot.store.migrate import upgrade_to_head
from bot.store.models import ConversationDayCount, ServiceRating, Turn, TurnDayCount
from bot.store.unit_of_work import Database

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 30)
GOAL_MS = 1000
KINDS = (("answer", 70), ("clarify", 8), ("decline", 7), ("fallback", 5), ("handover", 2), ("other", 8))
TEXTS = ("二建延续注册什么时候申请", "继续教育学时不够怎么办", "换单位了要做什么", "一建考试什么时候报名", "证书的事")
STAFF, PASSWORD = "bench-staff", "bench-password-1"


def turn_rows(count: int, days: int, seed: int = 17) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`count` turns spread over `days` days before TODAY, ~2.5 a conversation; a 好差评 for one conversation in 8."""
    draw = random.Random(seed)
    known = topics()[:30]
    cities = [city for city, _, _ in CITIES]
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    turns: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    conversation = 0
    while len(turns) < count:
        conversation += 1
        key = f"{conversation:032x}"
        day = TODAY - dt.timedelta(days=draw.randrange(days))
        at = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(seconds=draw.randrange(14 * 3600))
        city = draw.choice(cities) if draw.random() < 0.7 else None
        topic = None
        for _ in range(min(draw.randint(1, 4), count - len(turns))):
            at += dt.timedelta(seconds=draw.randint(10, 200))
            kind = draw.choice(kinds)
            topic = draw.choice(known) if kind == "answer" else None
            vote = reason = voted_at = None
            if kind in ("answer", "clarify", "decline", "fallback") and draw.random() < 0.15:
                vote = 1 if draw.random() < 0.75 else -1
                reason = draw.choice(VOTE_REASONS) if vote == -1 else None
                voted_at = at
            turns.append({"conversation_key": key, "asked_at": at, "day": day, "city": city,
                          "text": draw.choice(TEXTS), "kind": kind, "intent": "faq",
                          "confidence": round(draw.random(), 4), "topic": topic,
                          "basis": "依据：黔建建通〔2023〕55号" if kind == "answer" else None, "vote": vote,
                          "vote_reason": reason, "voted_at": voted_at})
        if draw.random() < 0.125:
            ratings.append({"conversation_key": key, "rated_at": at, "day": day, "city": city, "topic": topic,
                            "rating": draw.randint(1, 5), "occasion": "end"})
    return turns, ratings


def build(url: str, count: int, days: int) -> float:
    """The database filled; the seconds it took."""
    started = time.perf_counter()
    upgrade_to_head(url)
    database = Database(url)
    with database.engine.begin() as connection:  # a bench's own database: start from nothing
        for model in (Turn, ServiceRating, TurnDayCount, ConversationDayCount):
            connection.execute(delete(model.__table__))
    turns, ratings = turn_rows(count, days)
    add_recorded(database, turns, ratings)  # in chunks of 50,000 rows, then the roll-up: one INSERT … SELECT
    with database.unit_of_work() as uow:
        add_staff(uow, STAFF, PASSWORD, False, dt.datetime(2026, 11, 30))
        uow.commit()
    if database.engine.dialect.name == "sqlite":
        with database.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    else:
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE turns")
            connection.exec_driver_sql("ANALYZE service_ratings")
            connection.exec_driver_sql("ANALYZE turn_day_counts")
            connection.exec_driver_sql("ANALYZE conversation_day_counts")
    seconds = time.perf_counter() - started
    check_roll_up(database)
    database.dispose()
    return seconds


def check_roll_up(database: Database) -> None:
    """The page's figures (from the roll-up) equal the same aggregates counted over `turns`, for every view."""
    for name, _, params in views():
        start = dt.date.fromisoformat(params.get("from", (TODAY - dt.timedelta(days=29)).isoformat()))
        end = dt.date.fromisoformat(params.get("to", TODAY.isoformat()))
        found = TurnFilter(start, end, params.get("city"), params.get("topic"))
        with database.unit_of_work() as uow:
            turns = uow.turns
            rolled = ([dict(r) for r in turns.per_day(found)], added_up(turns.per_kind_and_topic(found)))
            direct = ([dict(r) for r in turns.per_day_from_turns(found)],
                      added_up(turns.per_kind_and_topic_from_turns(found)))
            if rolled != direct or rolled[1][3] != turns.problem_count_from_turns(found):
                raise SystemExit(f"{name}: the roll-up's figures differ from those counted over the turns")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def views() -> list[tuple[str, str, dict[str, str]]]:
    last_30 = (TODAY - dt.timedelta(days=29)).isoformat()
    year = (TODAY - dt.timedelta(days=364)).isoformat()
    return [
        ("default: the last 30 days", "/staff/insights", {}),
        ("30 days, one city", "/staff/insights", {"city": "遵义市"}),
        ("30 days, one topic", "/staff/insights", {"topic": "renewal"}),
        ("30 days, city and topic", "/staff/insights", {"city": "贵阳市", "topic": "ce_hours"}),
        ("30 days, list page 20", "/staff/insights", {"page": "20"}),
        ("one day", "/staff/insights", {"from": TODAY.isoformat(), "to": TODAY.isoformat()}),
        ("the whole year", "/staff/insights", {"from": year, "to": TODAY.isoformat()}),
        ("the whole year, one city", "/staff/insights", {"from": year, "to": TODAY.isoformat(), "city": "遵义市"}),
        ("CSV of the days, 30 days", "/staff/insights.csv", {"from": last_30, "part": "days"}),
        ("CSV of the unanswered and 👎, 30 days", "/staff/insights.csv", {"from": last_30, "part": "problems"}),
    ]


def measure(url: str, repeat: int) -> list[tuple[str, list[float], int]]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "WEB_PORT": str(port), "ASSISTANT_TODAY": TODAY.isoformat(),
           "ASSISTANT_SECRET": "insights-bench", "RASA_URL": f"http://127.0.0.1:{free_port()}"}
    server = subprocess.Popen([sys.executable, "-m", "bot.web"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        client = requests.Session()
        login = {"username": STAFF, "password": PASSWORD}
        client.post(f"{base}/staff/login", data=login, timeout=10).raise_for_status()
        found = []
        for name, path, params in views():
            first = client.get(base + path, params=params, timeout=60)
            if not first.ok or (path.endswith("insights") and "<svg" not in first.text):
                raise SystemExit(f"{name}: {first.status_code} {first.text[:200]}")
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(base + path, params=params, timeout=60).raise_for_status()
                times.append(1000 * (time.perf_counter() - started))
            found.append((name, times, len(first.content)))
        return found
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='insights-bench-')) / 'insights.db'}"
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"building {args.turns:,} turns over {args.days} days in {engine} …", file=sys.stderr)
    seconds = build(url, args.turns, args.days)
    results = measure(url, args.repeat)
    lines = [f"## /staff/insights ({engine})", "",
             f"Machine: {platform.machine()}, Python {platform.python_version()}, {platform.system()}; "
             f"{args.turns:,} stored messages over {args.days} days (30 topics, 9 cities, votes on 15%, 好差评 for "
             f"one conversation in 8), built in {seconds:.0f} s. Each view through the real web server "
             f"(`python -m bot.web`, logged in as staff), one warm-up then {args.repeat} timed requests; today is "
             f"{TODAY.isoformat()}.", "",
             "| view | p50 | max | size | goal |", "| --- | --- | --- | --- | --- |"]
    for name, times, size in results:
        lines.append(f"| {name} | {percentile(times, .5):.0f} ms | {max(times):.0f} ms | {size / 1024:.0f} KiB "
                     f"| < {GOAL_MS} ms |")
    lines.append("")
    text = "\n".join(lines)
    print(text)
    out = ROOT / "results" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    (out / "insights.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
