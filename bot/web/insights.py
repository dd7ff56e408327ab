"""/staff/insights: what people asked and how the assistant did, for staff and admins; and its CSV export.

Every number is an SQL aggregate (bot/store/turns.py); the charts are SVG drawn here on the server (bot/web/charts.py).
Filters are GET parameters: from, to (YYYY-MM-DD, both included; default the last 30 days up to today), city, topic,
and page for the list of messages the assistant could not answer or that got 👎.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request

from bot.config import CHINA_STANDARD_TIME, today
from bot.replies.knowledge import topics
from bot.replies.messages import say
from bot.replies.titles import faq_title
from bot.services import feedback
from bot.services.feedback import Insights, TurnFilter
from bot.store.unit_of_work import Database
from bot.web.charts import Series, bar_chart, horizontal_bars
from bot.web.employer_page import csv_safe
from bot.web.pages import page
from bot.web.sessions import session

DEFAULT_DAYS = 30
PAGE_SIZE = 50
TOP_TOPICS = 10
CSV_ROWS = 10_000
CITY_LIMIT = 50
KIND_TITLES = {"answer": "已回答", "clarify": "反问澄清", "decline": "婉拒（超出范围）", "fallback": "没听懂",
               "handover": "转人工", "other": "其他（问候、再见等）"}
CSV_PARTS = {"days": "按日", "topics": "按主题", "problems": "未答与差评"}
CITIES = ("贵阳市", "六盘水市", "遵义市", "安顺市", "毕节市", "铜仁市", "黔西南州", "黔东南州", "黔南州")
"""The 市（州） offered in the city filter (any other city may be typed)."""


@dataclass(frozen=True)
class Query:
    """The filters as asked, for the form and the links (strings, as typed)."""

    start: str
    end: str
    city: str
    topic: str

    def args(self, **more: object) -> dict[str, object]:
        found: dict[str, object] = {"from": self.start, "to": self.end, "city": self.city, "topic": self.topic}
        return {key: value for key, value in {**found, **more}.items() if value not in ("", None)}


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def read_filters(args: Mapping[str, Any], now: dt.date) -> tuple[Query, TurnFilter | None, str | None]:
    """The filters from the query string, and the TurnFilter; or None and the Chinese message saying what is wrong."""
    def one(name: str) -> str:
        value = args.get(name)
        value = value[0] if isinstance(value, list) else value
        return str(value or "").strip()

    default_end = now
    default_start = now - dt.timedelta(days=DEFAULT_DAYS - 1)
    query = Query(one("from") or default_start.isoformat(), one("to") or default_end.isoformat(),
                  one("city")[:CITY_LIMIT], one("topic"))
    start, end = _date(query.start), _date(query.end)
    if start is None or end is None:
        return query, None, say("web", "insights_bad_date")
    if start > end:
        return query, None, say("web", "insights_bad_range")
    topic = query.topic if query.topic in set(topics()) else None
    return query, TurnFilter(start, end, query.city or None, topic), None


def _page_number(args: Mapping[str, Any]) -> int | None:
    raw = args.get("page")
    raw = raw[0] if isinstance(raw, list) else raw
    if raw in (None, ""):
        return 1
    text = str(raw)
    return int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else None


def _days(start: dt.date, end: dt.date, per_day: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every day of the range, those without a message as zero."""
    by_day = {row["day"]: row for row in per_day}
    count = (end - start).days + 1
    return [by_day.get(day, {"day": day, "messages": 0, "conversations": 0})
            for day in (start + dt.timedelta(days=n) for n in range(count))]


def china_time(stored: dt.datetime) -> dt.datetime:
    """A stored time (naive UTC) as China Standard Time (UTC+8), the time staff read."""
    return stored.replace(tzinfo=dt.timezone.utc).astimezone(CHINA_STANDARD_TIME)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _title(topic: object) -> str:
    return faq_title(str(topic)) if topic else "（无主题）"


def view(found: TurnFilter, figures: Insights, page_number: int) -> dict[str, Any]:
    """What the template shows: the figures with titles, shares and the two charts."""
    days = _days(found.start, found.end, figures.per_day)
    labels = [f"{day['day'].month}/{day['day'].day}" for day in days]
    daily = bar_chart(labels, [Series("消息", [int(d["messages"]) for d in days], "#07c160"),
                               Series("对话", [int(d["conversations"]) for d in days], "#576b95")],
                      "每日消息数与对话数")
    top = figures.topics[:TOP_TOPICS]
    topic_chart = horizontal_bars([(_title(row["topic"]), int(row["messages"])) for row in top], "提问最多的主题")
    total = figures.messages
    kinds = [{"kind": kind, "title": title, "count": figures.per_kind.get(kind, 0),
              "share": _share(figures.per_kind.get(kind, 0), total)} for kind, title in KIND_TITLES.items()]
    topic_rows = [{**row, "title": _title(row["topic"]),
                   "liked": _share(int(row["up"]), int(row["up"]) + int(row["down"]))} for row in figures.topics]
    ratings = [{**row, "title": _title(row["topic"]), "average": f"{float(row['average'] or 0):.2f}"}
               for row in figures.ratings]
    problems = [{**row, "asked_at": china_time(row["asked_at"]), "title": _title(row["topic"]) if row["topic"] else "",
                 "kind_title": KIND_TITLES.get(str(row["kind"]), str(row["kind"])),
                 "confidence": "" if row["confidence"] is None else f"{float(row['confidence']):.2f}"}
                for row in figures.problems]
    pages = max(1, -(-figures.problem_count // PAGE_SIZE))
    return {"daily_chart": daily, "topic_chart": topic_chart, "kinds": kinds, "messages": total,
            "conversations": figures.conversations, "votes": figures.votes, "topics": topic_rows,
            "ratings": ratings, "rating_levels": feedback.RATINGS, "problems": problems,
            "problem_count": figures.problem_count, "page_number": page_number, "pages": pages,
            "cities": CITIES}


def csv_rows(part: str, found: TurnFilter, figures: Insights | None,
             problems: list[dict[str, Any]] | None) -> list[list[str]]:
    """The CSV of one part: the days, the topics (with 👍/👎 and 好差评), or the list of unanswered and 👎 messages."""
    if part == "problems":
        rows = [["编号", "时间", "城市", "消息（已脱敏）", "处理", "意图", "置信度", "主题", "依据", "评价",
                 "差评原因"]]
        for row in problems or []:
            rows.append([str(row["id"]), china_time(row["asked_at"]).strftime("%Y-%m-%d %H:%M:%S"), row["city"] or "",
                         row["text"], KIND_TITLES.get(row["kind"], row["kind"]), row["intent"] or "",
                         "" if row["confidence"] is None else f"{row['confidence']:.2f}",
                         _title(row["topic"]) if row["topic"] else "", row["basis"] or "",
                         {1: "👍", -1: "👎"}.get(row["vote"], ""), row["vote_reason"] or ""])
        return rows
    assert figures is not None
    if part == "topics":
        ratings = {row["topic"]: row for row in figures.ratings}
        rows = [["主题", "主题代码", "消息数", "👍", "👎", "好差评次数", "好差评平均分"]]
        for row in figures.topics:
            rated = ratings.get(row["topic"])
            rows.append([_title(row["topic"]), str(row["topic"]), str(row["messages"]), str(row["up"]),
                         str(row["down"]), str(rated["ratings"]) if rated else "0",
                         f"{float(rated['average']):.2f}" if rated else ""])
        return rows
    rows = [["日期", "消息数", "对话数"]]
    rows += [[day["day"].isoformat(), str(day["messages"]), str(day["conversations"])]
             for day in _days(found.start, found.end, figures.per_day)]
    return rows


def insights_blueprint(database: Callable[[], Database]) -> Blueprint:
    """`database` gives the shared Database (made on first use). Staff and admins alike may see the page."""
    bp = Blueprint("staff_insights", url_prefix="/staff")

    def frame(claims: dict[str, Any]) -> dict[str, Any]:
        return {"title": say("web", "insights_title"), "who": claims["user"], "csrf": claims["csrf"],
                "logout": "/staff/logout"}

    def choices() -> list[dict[str, str]]:
        return [{"topic": topic, "title": faq_title(topic)} for topic in topics()]

    @bp.get("/insights")
    async def insights_page(request: Request) -> response.HTTPResponse:
        claims = session(request, database(), "staff")
        if claims is None:
            return response.redirect("/staff/login")
        query, found, problem = read_filters(request.args, today())
        page_number = _page_number(request.args)
        if found is None or page_number is None:
            return page("staff_insights.html", status=400, **frame(claims), query=query, topic_choices=choices(),
                        figures=None, message=problem or say("web", "insights_bad_page"))
        figures = await asyncio.to_thread(feedback.insights, database(), found, PAGE_SIZE,
                                          (page_number - 1) * PAGE_SIZE)
        shown = view(found, figures, page_number)
        return page("staff_insights.html", **frame(claims), query=query, topic_choices=choices(), figures=shown,
                    parts=CSV_PARTS, kinds_titles=KIND_TITLES)

    @bp.get("/insights.csv")
    async def insights_csv(request: Request) -> response.HTTPResponse:
        claims = session(request, database(), "staff")
        if claims is None:
            return response.redirect("/staff/login")
        _, found, problem = read_filters(request.args, today())
        part = str(request.args.get("part") or "days")
        if found is None or part not in CSV_PARTS:
            return response.text(problem or say("web", "insights_bad_page"), status=400)
        if part == "problems":
            rows = csv_rows(part, found, None,
                            await asyncio.to_thread(feedback.problem_list, database(), found, CSV_ROWS))
        else:
            rows = csv_rows(part, found, await asyncio.to_thread(feedback.insights, database(), found, 0), None)
        buffer = io.StringIO()
        csv.writer(buffer).writerows(csv_safe(row) for row in rows)
        name = f"insights-{part}-{found.start.isoformat()}-{found.end.isoformat()}.csv"
        return response.raw(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return bp
