"""/staff/review/<turn_id>: a staff member marks what a message the assistant missed was really about (issue 17).

The insights list (/staff/insights) links each message it shows here. Saving marks the turn, audits it and writes
the reviewed-examples file the next `make train` reads (bot/services/review.py). /staff/answers (the answers'
wording) is registered on the same blueprint (bot/web/answer_editor.py). Both need a staff session, and every
POST its CSRF token, as the rest of /staff.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request

from bot.replies.knowledge import topics
from bot.replies.messages import say
from bot.replies.titles import faq_title
from bot.services.review import OUT_OF_SCOPE, save_review, turn_for_review
from bot.store.unit_of_work import Database
from bot.web.answer_editor import add_answer_routes
from bot.web.pages import page
from bot.web.sessions import csrf_valid, session

KINDS = {"answer": "回答了", "clarify": "反问（您是想问）", "decline": "无法回答（超出范围）", "fallback": "没有听懂",
         "handover": "转人工", "other": "其他"}
VOTES = {1: "👍", -1: "👎"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def topic_choices() -> list[tuple[str, str]]:
    """(value, title) of every FAQ topic, then out of scope."""
    return [*((topic, faq_title(topic)) for topic in topics()), (OUT_OF_SCOPE, say("staff_review", "out_of_scope"))]


def topic_label(topic: str | None) -> str | None:
    if topic is None:
        return None
    return say("staff_review", "out_of_scope") if topic == OUT_OF_SCOPE else faq_title(topic)


def review_blueprint(database: Callable[[], Database]) -> Blueprint:
    """`database` gives the shared Database, as for staff_blueprint."""
    bp = Blueprint("staff_review", url_prefix="/staff")

    def staff_session(request: Request) -> dict[str, Any] | None:
        return session(request, database(), "staff")

    def frame(claims: dict[str, Any], title: str) -> dict[str, Any]:
        return {"title": title, "who": claims["user"], "csrf": claims["csrf"], "logout": "/staff/logout"}

    def shown(claims: dict[str, Any], turn: dict[str, Any], status: int = 200, message: str | None = None,
              selected: str | None = None) -> response.HTTPResponse:
        return page("staff_review.html", status=status, **frame(claims, say("staff_review", "review_title")),
                    turn=turn, kinds=KINDS, votes=VOTES, choices=topic_choices(), message=message,
                    selected=selected or turn["reviewed_topic"] or turn["topic"],
                    topic_title=topic_label(turn["topic"]), reviewed_title=topic_label(turn["reviewed_topic"]))

    @bp.get("/review/<turn_id:int>")
    async def review_form(request: Request, turn_id: int) -> response.HTTPResponse:
        claims = staff_session(request)
        if claims is None:
            return response.redirect("/staff/login")
        turn = await asyncio.to_thread(_turn, database(), turn_id)
        if turn is None:
            return response.text(say("web", "not_found"), status=404)
        saved = request.args.get("saved")
        message = say("staff_review", "review_saved", examples=saved) if saved and saved.isdigit() else None
        return shown(claims, turn, message=message)

    @bp.post("/review/<turn_id:int>")
    async def review_save(request: Request, turn_id: int) -> response.HTTPResponse:
        claims = staff_session(request)
        if claims is None:
            return response.redirect("/staff/login")
        if not csrf_valid(request, claims):
            return response.text(say("web", "csrf_failed"), status=403)
        topic = (request.form.get("topic") or "").strip()
        if topic not in dict(topic_choices()):
            turn = await asyncio.to_thread(_turn, database(), turn_id)
            if turn is None:
                return response.text(say("web", "not_found"), status=404)
            return shown(claims, turn, 400, say("staff_review", "review_bad_topic"))
        examples = await asyncio.to_thread(_save, database(), turn_id, topic, claims["user"])
        if examples is None:
            return response.text(say("web", "not_found"), status=404)
        return response.redirect(f"/staff/review/{turn_id}?saved={examples}")

    add_answer_routes(bp, database, staff_session, frame)
    return bp


def _turn(database: Database, turn_id: int) -> dict[str, Any] | None:
    with database.unit_of_work() as uow:
        return turn_for_review(uow, turn_id)


def _save(database: Database, turn_id: int, topic: str, user: str) -> int | None:
    with database.unit_of_work() as uow:
        return save_review(uow, turn_id, topic, user, _now())
