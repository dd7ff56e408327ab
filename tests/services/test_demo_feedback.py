"""The demo feedback `make run` seeds: a few hundred turns of the last 30 days, votes and 好差评, once."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.demo.feedback import seed_feedback
from bot.services import feedback
from bot.services.feedback import TurnFilter
from bot.store.unit_of_work import Database

TODAY = dt.date(2025, 12, 1)


def test_demo_feedback_fills_the_insights_once(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_SECRET", "demo-feedback")
    added = seed_feedback(database, TODAY)
    assert 200 <= added <= 800
    assert seed_feedback(database, TODAY) == 0
    figures = feedback.insights(database, TurnFilter(TODAY - dt.timedelta(days=29), TODAY), 50)
    assert figures.messages == added and figures.votes["up"] > 0 and figures.votes["down"] > 0
    assert figures.ratings and figures.problems and len(figures.per_day) > 20
    assert len(feedback.suggested_topics(database, TODAY, 4)) == 4
