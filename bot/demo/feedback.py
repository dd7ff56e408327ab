"""Demo feedback for a fresh `make run`: a few hundred turns over the last 30 days, with 👍/👎 and 好差评, so that
/staff/insights and the suggested questions show something. Only when no turn is stored yet."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from bot.demo.data import CITIES
from bot.replies.knowledge import topics
from bot.replies.titles import faq_title
from bot.services.feedback import VOTE_REASONS, add_recorded, conversation_key, turn_count
from bot.store.unit_of_work import Database

DAYS = 30
CONVERSATIONS = 160
# Questions the assistant does not answer: declined, or not understood and asked back.
UNANSWERED = {
    "decline": ["一建考试什么时候报名", "安全员C证怎么考", "公司资质升级需要几个二建", "职称评审什么时候开始",
                "造价工程师能不能在贵州注册", "外省二建怎么转到贵州"],
    "fallback": ["那个", "嗯嗯好的那怎么弄", "123", "上次说的那个事情"],
    "clarify": ["证书的事", "注册问题", "过期了", "要交什么"],
}
# The most asked topics first, so the suggested questions follow them.
POPULAR = ("renewal", "ce_hours", "change_employer", "portal", "cancellation", "renewal_expired",
           "electronic_certificate", "age_limit")


def demo_feedback(today: dt.date, seed: int = 17) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The turns and ratings as table rows (text as a registrant might type it, nothing personal)."""
    draw = random.Random(seed)
    known = [topic for topic in topics()]
    weights = [8 if topic in POPULAR[:4] else 4 if topic in POPULAR else 1 for topic in known]
    cities = [city for city, _, _ in CITIES]
    turns: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    for number in range(CONVERSATIONS):
        key = conversation_key(f"demo-feedback-{seed}-{number}")
        day = today - dt.timedelta(days=draw.randrange(DAYS))
        at = dt.datetime.combine(day, dt.time(1)) + dt.timedelta(minutes=draw.randrange(10 * 60))
        city = draw.choice(cities) if draw.random() < 0.7 else None
        topic = None
        for _ in range(draw.randint(1, 4)):
            at += dt.timedelta(seconds=draw.randint(20, 240))
            row: dict[str, Any] = {"conversation_key": key, "asked_at": at, "day": day, "city": city,
                                   "intent": "faq", "confidence": round(draw.uniform(0.55, 0.99), 4),
                                   "basis": None, "vote": None, "vote_reason": None, "voted_at": None}
            if draw.random() < 0.8:
                topic = draw.choices(known, weights)[0]
                row.update(text=faq_title(topic), kind="answer", topic=topic, basis="依据：黔建建通〔2023〕55号")
            else:
                kind = draw.choice(list(UNANSWERED))
                row.update(text=draw.choice(UNANSWERED[kind]), kind=kind, topic=None,
                           intent="out_of_scope" if kind == "decline" else "nlu_fallback" if kind == "fallback"
                           else "faq", confidence=round(draw.uniform(0.2, 0.6), 4))
            if draw.random() < 0.35:
                up = row["kind"] == "answer" and draw.random() < 0.75
                row.update(vote=1 if up else -1, voted_at=at + dt.timedelta(seconds=30),
                           vote_reason=None if up else draw.choice(VOTE_REASONS))
            turns.append(row)
        if draw.random() < 0.5:
            at += dt.timedelta(seconds=40)
            turns.append({"conversation_key": key, "asked_at": at, "day": day, "city": city, "text": "谢谢，再见",
                          "kind": "other", "intent": "goodbye", "confidence": 0.97, "topic": None, "basis": None,
                          "vote": None, "vote_reason": None, "voted_at": None})
            ratings.append({"conversation_key": key, "rated_at": at + dt.timedelta(seconds=20), "day": day,
                            "city": city, "topic": topic, "rating": draw.choices([5, 4, 3, 2, 1], [5, 4, 2, 1, 1])[0],
                            "occasion": "end"})
    return turns, ratings


def seed_feedback(database: Database, today: dt.date) -> int:
    """The demo turns and ratings, unless turns are stored already; how many turns were added."""
    if turn_count(database):
        return 0
    turns, ratings = demo_feedback(today)
    add_recorded(database, turns, ratings)
    return len(turns)
