"""/employer: an employer logs in with its credit code and access code and sees only its registrants."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
import urllib.parse
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request

from bot.config import reminder_settings, today
from bot.replies.messages import say
from bot.replies.roster import HEADERS, RosterFilter, roster_rows
from bot.services.attempt_limits import Attempt, AttemptLimits
from bot.services.helpdesk import audit
from bot.services.identity import Outcome, verify_employer
from bot.services.reminders import (
    EmployerReminderChoice,
    employer_reminder_choice,
    reminder_email,
    set_employer_reminders,
)
from bot.services.rosters import employer_roster
from bot.store.unit_of_work import Database
from bot.web.client import client_address
from bot.web.login_pages import LoginForm
from bot.web.pages import page
from bot.web.sessions import csrf_valid, session, start_session
from rules_engine.vocabulary import vocabulary

# A cell that starts like a formula is run by Excel (=HYPERLINK(...), +cmd|...): names come from imports.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
LOGIN_FIELDS = [{"label": "统一社会信用代码", "name": "credit_code", "type": "text"},
                {"label": "访问码", "name": "access_code", "type": "password"}]
LOGIN = LoginForm("employer_login_title", LOGIN_FIELDS, "employer_login_failed", "/employer/login")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _filter(request: Request) -> RosterFilter:
    try:
        within = max(0, int(request.args.get("within") or 0))
    except ValueError:
        within = 0
    specialty = request.args.get("specialty") or ""
    return RosterFilter(within, request.args.get("short") == "1",
                        specialty if specialty in vocabulary().specialties else "")


def _rows(database: Database, code: str, chosen: RosterFilter) -> list[list[str]]:
    as_of = today()
    with database.unit_of_work() as uow:
        reports = employer_roster(uow.registry, code, as_of)
        audit(uow, f"employer:{code}", "roster", None, {"rows": len(reports)}, _now())
        uow.commit()
    return roster_rows(reports, as_of, chosen)


def employer_blueprint(database: Any, limits: AttemptLimits) -> Blueprint:
    bp = Blueprint("employer", url_prefix="/employer")

    def employer_session(request: Request) -> dict[str, Any] | None:
        return session(request, database(), "employer")

    @bp.get("/login")
    async def login_form(request: Request) -> response.HTTPResponse:
        return LOGIN.shown()

    @bp.post("/login")
    async def login(request: Request) -> response.HTTPResponse:
        code = (request.form.get("credit_code") or "").strip().upper()
        # Counted with the chat's employer identification: per credit code, per address and overall.
        attempt = Attempt.of("employer", "employer-login-page", client_address(request))
        result = await asyncio.to_thread(_verify, database(), limits, attempt, code,
                                         request.form.get("access_code") or "")
        if result.outcome is Outcome.LOCKED and result.locked_until is not None:
            return LOGIN.rate_limited(result.locked_until - _now())
        if result.outcome is not Outcome.VERIFIED:
            return LOGIN.refused()
        redirect = response.redirect("/employer")
        await asyncio.to_thread(start_session, redirect, request, database(), "employer", result.credit_code,
                                user=result.name, code=result.credit_code)
        return redirect

    @bp.post("/logout")
    async def logout(request: Request) -> response.HTTPResponse:
        return await asyncio.to_thread(LOGIN.logged_out, request, database())

    async def roster_page(request: Request, claims: dict[str, Any], message: str | None = None,
                          status: int = 200) -> response.HTTPResponse:
        chosen = _filter(request)
        rows = await asyncio.to_thread(_rows, database(), claims["code"], chosen)
        reminders = await asyncio.to_thread(employer_reminder_choice, database(), claims["code"])
        timing = reminder_settings()
        return page("employer_roster.html", status=status, title=say("web", "employer_title"), who=claims["user"],
                    csrf=claims["csrf"], logout="/employer/logout", rows=rows, headers=HEADERS,
                    within=chosen.within_days, short=chosen.short_of_hours, specialty=chosen.specialty,
                    specialties=vocabulary().specialties, query=urllib.parse.urlencode(dict(request.args.items())),
                    reminders=reminders, reminder_days=timing.apply_by_days, hours_days=timing.hours_short_days,
                    message=message)

    @bp.get("/")
    async def roster(request: Request) -> response.HTTPResponse:
        claims = employer_session(request)
        if claims is None:
            return response.redirect("/employer/login")
        saved = request.args.get("reminders") == "saved"
        return await roster_page(request, claims, say("reminders", "employer_saved") if saved else None)

    @bp.post("/reminders")
    async def reminders(request: Request) -> response.HTTPResponse:
        """The reminder form: the digest's e-mail address, and whether the employer wants the digest at all."""
        claims = employer_session(request)
        if claims is None:
            return response.redirect("/employer/login")
        if not csrf_valid(request, claims):
            return response.text(say("web", "csrf_failed"), status=403)
        typed = (request.form.get("reminder_email") or "").strip()
        email = reminder_email(typed)
        if typed and email is None:
            return await roster_page(request, claims, say("reminders", "employer_bad_email"), status=400)
        wanted = request.form.get("wants_reminders") == "1"
        await asyncio.to_thread(_save_reminders, database(), claims["code"], email, not wanted)
        return response.redirect("/employer?reminders=saved")

    @bp.get("/export/<kind:str>")
    async def export(request: Request, kind: str) -> response.HTTPResponse:
        claims = employer_session(request)
        if claims is None:
            return response.redirect("/employer/login")
        if kind not in ("csv", "xlsx"):
            return response.text(say("web", "not_found"), status=404)
        rows = await asyncio.to_thread(_rows, database(), claims["code"], _filter(request))
        name = f"roster-{claims['code']}-{today().isoformat()}"
        if kind == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(HEADERS)
            writer.writerows(csv_safe(row) for row in rows)
            # A byte-order mark so that Excel opens the Chinese text as UTF-8.
            return response.raw(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8",
                                headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
        return response.raw(await asyncio.to_thread(_xlsx, rows),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})

    return bp


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value)


def csv_safe(row: list[str]) -> list[str]:
    """A leading apostrophe keeps a formula-like value as text in a spreadsheet (OWASP CSV injection)."""
    return ["'" + value if looks_like_formula(value) else value for value in row]


def _save_reminders(database: Database, code: str, email: str | None, opted_out: bool) -> EmployerReminderChoice:
    with database.unit_of_work() as uow:
        audit(uow, f"employer:{code}", "reminder_settings", None, {"email": bool(email), "opted_out": opted_out},
              _now())
        return set_employer_reminders(uow, code, email, opted_out, _now())


def _verify(database: Database, limits: AttemptLimits, attempt: Attempt, code: str, access: str) -> Any:
    with database.unit_of_work() as uow:
        return verify_employer(uow, limits, attempt, code, access, _now())


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if looks_like_formula(cell.value):
                cell.data_type = "s"  # text as it was imported, never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
