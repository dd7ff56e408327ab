"""Feedback through the real web server: the turn message taken out of the reply and recorded (redacted), 👍/👎 and
好差评 only for the browser's own conversation, the suggested questions, and /staff/insights with its CSV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from bot.services.handover import open_ticket
from bot.services.helpdesk import add_staff
from bot.store.migrate import upgrade_to_head
from bot.store.unit_of_work import Database
from tests.web.server import web_server
from tests.web.stub_rasa import StubRasa
from tests.web.test_web_server import staff_login


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, StubRasa, Database]]:
    work: Path = tmp_path_factory.mktemp("feedback")
    url = f"sqlite:///{work / 'feedback.db'}"
    upgrade_to_head(url)
    database = Database(url)
    with database.unit_of_work() as uow:
        add_staff(uow, "kefu", "password-123", False, dt.datetime(2025, 12, 1))
        uow.commit()
    stub = StubRasa()
    with web_server(url, stub.url, "feedback-secret") as base:
        yield base, stub, database
    stub.stop()
    database.dispose()


def chat(client: requests.Session, base: str, message: str) -> dict[str, object]:
    reply = client.post(f"{base}/api/chat", json={"message": message}, timeout=10)
    assert reply.ok, reply.text
    return dict(reply.json())


def stored_turns(database: Database) -> list[dict[str, object]]:
    with database.engine.connect() as connection:
        return [dict(r) for r in connection.execute(text("SELECT * FROM turns ORDER BY id")).mappings()]


def test_the_reply_carries_the_turn_and_not_its_message(site: tuple[str, StubRasa, Database]) -> None:
    base, _, database = site
    body = chat(requests.Session(), base, "张三 520102198001011235 延续什么时候申请")
    messages = body["messages"]
    assert isinstance(messages, list) and len(messages) == 2 and all("custom" not in m for m in messages)
    turn = body["turn"]
    assert isinstance(turn, dict) and turn["feedback"] is True and turn["rating"] is None
    row = next(r for r in stored_turns(database) if r["id"] == turn["id"])
    assert row["kind"] == "answer" and row["topic"] == "renewal" and row["city"] == "贵阳市"
    assert row["basis"] == "依据：黔建建通〔2023〕55号 第五条（一）2" and row["day"] == "2025-12-01"
    assert "520102198001011235" not in str(row["text"]) and "5201**********1235" in str(row["text"])
    assert not str(row["conversation_key"]).startswith("web-")


def test_a_reply_of_rasa_s_own_is_recorded_as_other_without_thumbs(site: tuple[str, StubRasa, Database]) -> None:
    base, _, database = site
    body = chat(requests.Session(), base, "你好")
    turn = body["turn"]
    assert isinstance(turn, dict) and turn["feedback"] is False
    assert next(r for r in stored_turns(database) if r["id"] == turn["id"])["kind"] == "other"


def test_votes_only_for_the_own_conversation_and_bad_input_is_refused(site: tuple[str, StubRasa, Database]) -> None:
    base, _, database = site
    mine, other = requests.Session(), requests.Session()
    turn_id = chat(mine, base, "延续注册")["turn"]["id"]  # type: ignore[index]
    chat(other, base, "别的问题")
    refused = other.post(f"{base}/api/feedback", json={"turn": turn_id, "vote": "down"}, timeout=10)
    assert refused.status_code == 403 and "本次对话" in refused.json()["error"]
    no_cookie = requests.post(f"{base}/api/feedback", json={"turn": turn_id, "vote": "up"}, timeout=10)
    assert no_cookie.status_code == 403
    for bad in ({"turn": turn_id, "vote": "maybe"}, {"turn": str(turn_id), "vote": "up"},
                {"turn": turn_id, "vote": "down", "reason": "太慢"}, {"turn": turn_id, "vote": "up", "reason": "其他"},
                {"turn": True, "vote": "up"}, {}):
        answer = mine.post(f"{base}/api/feedback", json=bad, timeout=10)
        assert answer.status_code == 400 and "反馈格式不正确" in answer.json()["error"], bad
    assert mine.post(f"{base}/api/feedback", data="not json", timeout=10).status_code == 400
    assert mine.post(f"{base}/api/feedback", json={"turn": turn_id, "vote": "up"}, timeout=10).ok
    down = mine.post(f"{base}/api/feedback", json={"turn": turn_id, "vote": "down", "reason": "信息有误"}, timeout=10)
    assert down.ok and "感谢" in down.json()["message"]
    row = next(r for r in stored_turns(database) if r["id"] == turn_id)
    assert row["vote"] == -1 and row["vote_reason"] == "信息有误"
    evil = mine.post(f"{base}/api/feedback", json={"turn": turn_id, "vote": "up"},
                     headers={"Origin": "http://evil.example"}, timeout=10)
    assert evil.status_code == 403


def test_the_end_rating_after_a_goodbye(site: tuple[str, StubRasa, Database]) -> None:
    base, _, database = site
    client = requests.Session()
    chat(client, base, "延续注册")
    assert client.post(f"{base}/api/rating", json={"rating": 5, "occasion": "end"}, timeout=10).status_code == 403
    bye = chat(client, base, "再见")
    assert bye["turn"]["rating"] == "end" and bye["turn"]["feedback"] is False  # type: ignore[index]
    for bad in ({"rating": 6, "occasion": "end"}, {"rating": "5", "occasion": "end"}, {"rating": 5, "occasion": "x"}):
        answer = client.post(f"{base}/api/rating", json=bad, timeout=10)
        assert answer.status_code == 400 and "评价格式不正确" in answer.json()["error"]
    assert client.post(f"{base}/api/rating", json={"rating": 2, "occasion": "end"}, timeout=10).ok
    assert client.post(f"{base}/api/rating", json={"rating": 4, "occasion": "end"}, timeout=10).ok
    with database.engine.connect() as connection:
        ratings = list(connection.execute(text("SELECT rating, topic, occasion FROM service_ratings")))
    assert [tuple(r) for r in ratings] == [(4, "renewal", "end")]
    assert chat(client, base, "再见")["turn"]["rating"] is None  # type: ignore[index]


def test_the_handover_rating_is_due_once_the_ticket_is_closed(site: tuple[str, StubRasa, Database]) -> None:
    base, stub, database = site
    client = requests.Session()
    chat(client, base, "转人工")
    sender = str(stub.received[-1]["sender"])
    assert client.get(f"{base}/api/rating-due", timeout=10).json() == {"rating": None}
    open_ticket(database, sender, None, "转人工", [], dt.datetime(2025, 12, 1, 9))
    with database.unit_of_work() as uow:
        [ticket] = [t for t in uow.tickets.listed() if t["conversation_id"] == sender]
        uow.tickets.close(ticket["id"], "kefu", dt.datetime(2025, 12, 1, 10))
        uow.commit()
    assert client.get(f"{base}/api/rating-due", timeout=10).json() == {"rating": "handover"}
    assert requests.get(f"{base}/api/rating-due", timeout=10).json() == {"rating": None}
    assert client.post(f"{base}/api/rating", json={"rating": 5, "occasion": "handover"}, timeout=10).ok
    assert client.get(f"{base}/api/rating-due", timeout=10).json() == {"rating": None}


def test_suggestions_are_four_topic_buttons_most_asked_first(site: tuple[str, StubRasa, Database]) -> None:
    base, _, _ = site
    chat(requests.Session(), base, "延续注册")
    suggestions = requests.get(f"{base}/api/suggestions", timeout=10).json()["suggestions"]
    assert len(suggestions) == 4 and suggestions[0]["payload"] == '/faq{"faq_topic": "renewal"}'
    assert suggestions[0]["title"] == "延续注册什么时候申请"


def test_insights_page_needs_staff_and_shows_charts_and_the_list(site: tuple[str, StubRasa, Database]) -> None:
    base, _, _ = site
    assert requests.get(f"{base}/staff/insights", timeout=10, allow_redirects=False).status_code in (302, 303, 307)
    assert requests.get(f"{base}/staff/insights.csv", timeout=10, allow_redirects=False).status_code in (302, 303, 307)
    client = staff_login(base)
    assert 'href="/staff/insights"' in client.get(f"{base}/staff", timeout=10).text
    page = client.get(f"{base}/staff/insights", timeout=10)
    assert page.ok and page.text.count("<svg") == 2 and "每日消息数与对话数" in page.text
    assert "延续注册什么时候申请" in page.text and "data-turn-id=" in page.text
    assert "好差评（按主题）" in page.text and "这段时间没有好差评" not in page.text and "非常满意" in page.text
    assert "520102198001011235" not in page.text
    filtered = client.get(f"{base}/staff/insights", params={"from": "2025-12-01", "to": "2025-12-01",
                                                           "city": "遵义市", "topic": "renewal"}, timeout=10)
    assert filtered.ok and 'id="insights-messages">0<' in filtered.text
    for params, words in (({"from": "2025-13-01"}, "日期格式不正确"), ({"from": "2025-12-02", "to": "2025-12-01"},
                                                                     "开始日期不能晚于结束日期"),
                          ({"page": "x"}, "页码不正确")):
        bad = client.get(f"{base}/staff/insights", params=params, timeout=10)
        assert bad.status_code == 400 and words in bad.text
    days = client.get(f"{base}/staff/insights.csv", params={"part": "days"}, timeout=10)
    content = days.content.decode("utf-8-sig")
    assert days.ok and content.startswith("日期,消息数,对话数") and "2025-12-01," in content
    assert "2025-11-02," in content  # the default range: the last 30 days, the empty ones too
    problems = client.get(f"{base}/staff/insights.csv", params={"part": "problems"}, timeout=10)
    assert "信息有误" in problems.content.decode("utf-8-sig")
    topics = client.get(f"{base}/staff/insights.csv", params={"part": "topics"}, timeout=10)
    assert "renewal" in topics.content.decode("utf-8-sig")
    assert client.get(f"{base}/staff/insights.csv", params={"part": "secrets"}, timeout=10).status_code == 400
    assert client.get(f"{base}/staff/insights.csv", params={"to": "yesterday"}, timeout=10).status_code == 400


def test_the_problem_list_shows_china_standard_time() -> None:
    from bot.services.feedback import Insights, TurnFilter
    from bot.web.insights import csv_rows, view

    stored = {"id": 7, "asked_at": dt.datetime(2025, 12, 1, 17, 30, 5), "day": dt.date(2025, 12, 2), "city": None,
              "text": "证书的事", "kind": "clarify", "intent": "faq", "confidence": 0.4, "topic": None, "basis": None,
              "vote": None, "vote_reason": None, "reviewed_topic": None}  # stored in UTC: 01:30 the next day in 贵阳
    found = TurnFilter(dt.date(2025, 12, 2), dt.date(2025, 12, 2))
    [header, row] = csv_rows("problems", found, None, [stored])
    assert header[1] == "时间" and row[1] == "2025-12-02 01:30:05"
    figures = Insights(per_day=[], per_kind={"clarify": 1}, topics=[], votes={"up": 0, "down": 0}, ratings=[],
                       problems=[stored], problem_count=1)
    assert view(found, figures, 1)["problems"][0]["asked_at"].strftime("%Y-%m-%d %H:%M") == "2025-12-02 01:30"
