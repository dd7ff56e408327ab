"""Feedback use cases: a turn kept redacted under a pseudonym, 👍/👎 only on one's own answers, 好差评 when due."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services import feedback
from bot.services.feedback import TurnFilter, TurnSummary
from bot.services.handover import open_ticket
from bot.store.unit_of_work import Database

NOW = dt.datetime(2025, 12, 1, 2)
TODAY = dt.date(2025, 12, 1)
ANSWER = TurnSummary(kind="answer", intent="faq", confidence=0.91, topic="renewal", city="贵阳市")


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_SECRET", "feedback-test-secret")


def test_a_turn_is_kept_redacted_under_a_pseudonym(database: Database) -> None:
    turn = feedback.record_turn(database, "web-abc", "王建国 520102198001011235 什么时候到期", ANSWER,
                                "依据：第五条", NOW, TODAY)
    assert turn.feedback and turn.rating is None
    found = feedback.problem_list(database, TurnFilter(TODAY, TODAY), 10)
    assert found == []  # an answer without 👎 is no problem
    assert feedback.vote(database, "web-abc", turn.id, "down", "信息有误", NOW)
    [row] = feedback.problem_list(database, TurnFilter(TODAY, TODAY), 10)
    assert "520102198001011235" not in row["text"] and "5201**********1235" in row["text"]
    assert row["basis"] == "依据：第五条" and row["topic"] == "renewal" and row["city"] == "贵阳市"
    with database.engine.connect() as connection:
        stored = " ".join(str(v) for r in connection.exec_driver_sql("SELECT * FROM turns") for v in r)
    assert "web-abc" not in stored and feedback.conversation_key("web-abc") in stored


def test_no_payload_is_other_and_takes_no_thumbs(database: Database) -> None:
    turn = feedback.record_turn(database, "web-abc", "你好", None, None, NOW, TODAY)
    assert not turn.feedback
    with pytest.raises(ValueError):
        feedback.vote(database, "web-abc", turn.id, "sideways", None, NOW)
    assert not feedback.vote(database, "web-abc", turn.id, "up", None, NOW)


def test_votes_only_on_the_conversation_s_own_turns_and_a_second_vote_replaces_the_first(database: Database) -> None:
    turn = feedback.record_turn(database, "web-abc", "延续注册", ANSWER, None, NOW, TODAY)
    assert not feedback.vote(database, "web-other", turn.id, "down", None, NOW)
    assert feedback.vote(database, "web-abc", turn.id, "down", "没看懂", NOW)
    assert feedback.vote(database, "web-abc", turn.id, "up", None, NOW)
    figures = feedback.insights(database, TurnFilter(TODAY, TODAY), 10)
    assert figures.votes == {"up": 1, "down": 0} and figures.problem_count == 0


def test_the_end_rating_is_offered_after_a_goodbye_until_given(database: Database) -> None:
    feedback.record_turn(database, "web-abc", "延续注册", ANSWER, None, NOW, TODAY)
    assert not feedback.rate(database, "web-abc", 5, "end", NOW)  # no goodbye yet
    bye = feedback.record_turn(database, "web-abc", "再见", TurnSummary(intent="goodbye"), None, NOW, TODAY)
    assert bye.rating == "end" and not bye.feedback
    assert feedback.rate(database, "web-abc", 4, "end", NOW)
    assert feedback.rate(database, "web-abc", 5, "end", NOW)  # again: replaced
    again = feedback.record_turn(database, "web-abc", "拜拜", TurnSummary(intent="goodbye"), None, NOW, TODAY)
    assert again.rating is None
    [rating] = feedback.insights(database, TurnFilter(TODAY, TODAY), 10).ratings
    assert rating["topic"] == "renewal" and rating["ratings"] == 1 and float(rating["average"]) == 5.0
    with pytest.raises(ValueError):
        feedback.rate(database, "web-abc", 6, "end", NOW)


def test_the_handover_rating_is_due_once_the_ticket_is_closed(database: Database) -> None:
    feedback.record_turn(database, "web-abc", "转人工", TurnSummary(kind="handover", intent="human_handoff"), None,
                         NOW, TODAY)
    open_ticket(database, "web-abc", None, "转人工", [], NOW)
    assert feedback.rating_due(database, "web-abc") is None
    assert not feedback.rate(database, "web-abc", 5, "handover", NOW)
    with database.unit_of_work() as uow:
        assert uow.tickets.close(1, "kefu", NOW)
        uow.commit()
    assert feedback.rating_due(database, "web-abc") == "handover"
    assert feedback.rating_due(database, "web-other") is None
    assert feedback.rate(database, "web-abc", 3, "handover", NOW)
    assert feedback.rating_due(database, "web-abc") is None


def test_suggested_topics_are_the_most_answered_of_the_last_30_days(database: Database) -> None:
    old = TODAY - dt.timedelta(days=40)
    for day, topic, times in ((TODAY, "ce_hours", 3), (TODAY, "portal", 1), (old, "renewal", 9)):
        for _ in range(times):
            feedback.record_turn(database, "web-abc", "问", TurnSummary(kind="answer", topic=topic), None, NOW, day)
    assert feedback.suggested_topics(database, TODAY, 4) == ["ce_hours", "portal"]


def test_a_payload_is_read_defensively() -> None:
    assert TurnSummary.from_payload({"kind": "rm -rf", "intent": 3, "confidence": True, "topic": "x" * 200}) == \
        TurnSummary(kind="other", intent=None, confidence=None, topic="x" * 80)
    assert TurnSummary.from_payload("nonsense") == TurnSummary()
    assert TurnSummary.from_payload(ANSWER.payload()["turn"]) == ANSWER


def test_the_basis_line_is_found_in_the_reply() -> None:
    assert feedback.basis_of(["延续注册应在届满30日前申请。\n依据：黔建建通〔2023〕55号 第五条（一）2"]) == \
        "依据：黔建建通〔2023〕55号 第五条（一）2"
    assert feedback.basis_of(["您是想问："]) is None
