"""/staff/answers: staff reword an answer in data/answers (ANSWERS_DIR) through a form that checks each template.

What is editable and the placeholders each template may use: bot/replies/editable_answers.py; the check:
bot/replies/template_check.py (its errors are shown on the form, in Chinese, and nothing is written). A saved edit
is audited with the texts before and after (bot/services/answer_edits.py) and takes effect on the next turn: the
action servers read a changed file again (bot/replies/answer_files.py), no retrain.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request

from bot.replies.answer_files import answer_path
from bot.replies.editable_answers import EDITABLE_FILES, FILE_TITLES, EditableAnswer, editable_answer, editable_answers
from bot.replies.messages import say
from bot.replies.template_check import template_errors
from bot.services.answer_edits import AnswerChangedMeanwhile, save_answer_edit
from bot.store.unit_of_work import Database
from bot.web.pages import page
from bot.web.sessions import csrf_valid

MULTI_LINE_FILES = {"knowledge"}  # the other files' templates are one line each (a reply, a button's title)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def version(entry: EditableAnswer) -> str:
    """A fingerprint of the texts a form starts from: saving refuses when the file no longer has them."""
    return hashlib.sha256(json.dumps([t.text for t in entry.templates], ensure_ascii=False).encode()).hexdigest()[:16]


def submitted_text(raw: str | None) -> str:
    return (raw or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def check(entry: EditableAnswer, texts: list[str]) -> list[list[str]]:
    """The errors of each submitted template, in the entry's order."""
    found = []
    for text in texts:
        errors = template_errors(text, entry.available)
        if "\n" in text and entry.file not in MULTI_LINE_FILES:
            errors.append(say("staff_review", "one_line"))
        found.append(errors)
    return found


def add_answer_routes(bp: Blueprint, database: Callable[[], Database],
                      staff_session: Callable[[Request], dict[str, Any] | None],
                      frame: Callable[[dict[str, Any], str], dict[str, Any]]) -> None:

    def form(claims: dict[str, Any], entry: EditableAnswer, texts: list[str], errors: list[list[str]],
             status: int = 200, message: str | None = None) -> response.HTTPResponse:
        fields = [{"label": t.label, "name": f"t{index}", "text": texts[index], "errors": errors[index]}
                  for index, t in enumerate(entry.templates)]
        return page("staff_answer_edit.html", status=status, **frame(claims, say("staff_review", "answer_edit_title")),
                    entry=entry, fields=fields, version=version(entry), message=message,
                    available=sorted(entry.available), multi_line=entry.file in MULTI_LINE_FILES)

    @bp.get("/answers")
    async def answers(request: Request) -> response.HTTPResponse:
        claims = staff_session(request)
        if claims is None:
            return response.redirect("/staff/login")
        groups = [{"file": file, "title": FILE_TITLES[file], "entries": editable_answers(file)}
                  for file in EDITABLE_FILES]
        return page("staff_answers.html", **frame(claims, say("staff_review", "answers_title")), groups=groups)

    @bp.get("/answers/<file>/<key>")
    async def edit_form(request: Request, file: str, key: str) -> response.HTTPResponse:
        claims = staff_session(request)
        if claims is None:
            return response.redirect("/staff/login")
        entry = editable_answer(file, key)
        if entry is None:
            return response.text(say("web", "not_found"), status=404)
        message = say("staff_review", "answer_saved") if request.args.get("saved") else None
        return form(claims, entry, [t.text for t in entry.templates], [[] for _ in entry.templates], message=message)

    @bp.post("/answers/<file>/<key>")
    async def edit_save(request: Request, file: str, key: str) -> response.HTTPResponse:
        claims = staff_session(request)
        if claims is None:
            return response.redirect("/staff/login")
        if not csrf_valid(request, claims):
            return response.text(say("web", "csrf_failed"), status=403)
        entry = editable_answer(file, key)
        if entry is None:
            return response.text(say("web", "not_found"), status=404)
        texts = [submitted_text(request.form.get(f"t{index}")) for index in range(len(entry.templates))]
        errors = check(entry, texts)
        if any(errors):
            return form(claims, entry, texts, errors, 400, say("staff_review", "answer_refused"))
        if request.form.get("version") != version(entry):
            return form(claims, entry, [t.text for t in entry.templates], [[] for _ in texts], 409,
                        say("staff_review", "answer_changed_meanwhile"))
        try:
            changed = await asyncio.to_thread(_save, database(), entry, texts, claims["user"])
        except AnswerChangedMeanwhile:
            return form(claims, entry, texts, [[] for _ in texts], 409, say("staff_review", "answer_changed_meanwhile"))
        if not changed:
            return form(claims, entry, texts, [[] for _ in texts], message=say("staff_review", "answer_unchanged"))
        return response.redirect(f"/staff/answers/{file}/{key}?saved=1")


def _save(database: Database, entry: EditableAnswer, texts: list[str], user: str) -> list[str]:
    changes = {t.path: text for t, text in zip(entry.templates, texts, strict=True)}
    started_from = {t.path: t.text for t in entry.templates}
    with database.unit_of_work() as uow:
        return save_answer_edit(uow, answer_path(entry.file_name), entry.key, changes, started_from, user, _now())
