"""/staff: helpdesk login, person lookup with the status card, the hand-over queue, the audit log."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request

from bot.config import today
from bot.replies.documents import draft_link
from bot.replies.drafts import texts
from bot.replies.messages import say
from bot.services import helpdesk
from bot.services.attempt_limits import Attempt, AttemptLimits
from bot.services.drafts import drafts_of
from bot.services.helpdesk import audit, audit_events, check_login, tickets, view_ticket
from bot.store.unit_of_work import Database
from bot.web.client import client_address
from bot.web.login_pages import LoginForm
from bot.web.pages import page
from bot.web.sessions import csrf_valid, session, start_session
from rules_engine.identity import mask_id_number
from rules_engine.record import Record
from rules_engine.report import status_report
from rules_engine.report_json import report_to_dict

LAST6_LENGTH = 6
TICKET_STATUSES = {"open": "待接手", "claimed": "处理中", "closed": "已关闭"}
LOGIN_FIELDS = [{"label": "用户名", "name": "username", "type": "text"},
                {"label": "密码", "name": "password", "type": "password"}]
LOGIN = LoginForm("staff_login_title", LOGIN_FIELDS, "login_failed", "/staff/login")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def staff_blueprint(database: Any, limits: AttemptLimits) -> Blueprint:
    """`database` is a callable giving the shared Database (made on first use); `limits` counts wrong logins."""
    bp = Blueprint("staff", url_prefix="/staff")

    def staff_session(request: Request) -> dict[str, Any] | None:
        return session(request, database(), "staff")

    def frame(claims: dict[str, Any], title: str) -> dict[str, Any]:
        return {"title": title, "who": claims["user"], "csrf": claims["csrf"], "logout": "/staff/logout"}

    @bp.get("/login")
    async def login_form(request: Request) -> response.HTTPResponse:
        return LOGIN.shown()

    @bp.post("/login")
    async def login(request: Request) -> response.HTTPResponse:
        username = (request.form.get("username") or "").strip()
        attempt = Attempt.of("staff_login", "staff-login-page", client_address(request))
        staff, paused = await asyncio.to_thread(_check, database(), limits, attempt, username,
                                                request.form.get("password") or "")
        if paused is not None:
            return LOGIN.rate_limited(paused)
        if staff is None:
            return LOGIN.refused()
        result = response.redirect("/staff")
        await asyncio.to_thread(start_session, result, request, database(), "staff", staff.username,
                                user=staff.username, admin=staff.is_admin)
        return result

    @bp.post("/logout")
    async def logout(request: Request) -> response.HTTPResponse:
        return await asyncio.to_thread(LOGIN.logged_out, request, database())

    @bp.get("/")
    async def home(request: Request) -> response.HTTPResponse:
        claims = staff_session(request)
        if claims is None:
            return response.redirect("/staff/login")
        queue = await asyncio.to_thread(_tickets, database())
        return page("staff_home.html", **frame(claims, say("web", "staff_title")), q=None, results=None,
                    tickets=queue, statuses=TICKET_STATUSES, is_admin=claims.get("admin"))

    @bp.get("/search")
    async def search(request: Request) -> response.HTTPResponse:
        claims = staff_session(request)
        if claims is None:
            return response.redirect("/staff/login")
        query = (request.args.get("q") or "").strip()[:50]
        results, queue = await asyncio.to_thread(_search, database(), query, claims["user"])
        return page("staff_home.html", **frame(claims, say("web", "staff_title")), q=query, results=results,
                    tickets=queue, statuses=TICKET_STATUSES, is_admin=claims.get("admin"))

    @bp.get("/person/<person_id>")
    async def person(request: Request, person_id: str) -> response.HTTPResponse:
        claims = staff_session(request)
        if claims is None:
            return response.redirect("/staff/login")
        found = await asyncio.to_thread(_person, database(), person_id, claims["user"])
        if found is None:
            return page("staff_home.html", status=404, **frame(claims, say("web", "staff_title")), q=None,
                        results=[], tickets=[], statuses=TICKET_STATUSES, message=say("web", "not_found"))
        return page("staff_person.html", **frame(claims, say("web", "staff_person_title")), **found)

    @bp.get("/tickets/<ticket_id:int>")
    async def show_ticket(request: Request, ticket_id: int) -> response.HTTPResponse:
        claims = staff_session(request)
        if claims is None:
            return response.redirect("/staff/login")
        found = await asyncio.to_thread(_ticket, database(), ticket_id, claims["user"])
        if found is None:
            return response.redirect("/staff")
        return page("staff_ticket.html", **frame(claims, say("web", "staff_ticket_title")), ticket=found,
                    statuses=TICKET_STATUSES)

    @bp.post("/tickets/<ticket_id:int>/<action:claim|close>")
    async def change_ticket(request: Request, ticket_id: int, action: str) -> response.HTTPResponse:
        claims = staff_session(request)
        if claims is None:
            return response.redirect("/staff/login")
        if not csrf_valid(request, claims):
            return response.text(say("web", "csrf_failed"), status=403)
        await asyncio.to_thread(_change_ticket, database(), ticket_id, action, claims["user"])
        return response.redirect(f"/staff/tickets/{ticket_id}")

    @bp.get("/audit")
    async def audit_log(request: Request) -> response.HTTPResponse:
        claims = staff_session(request)
        if claims is None:
            return response.redirect("/staff/login")
        if not claims.get("admin"):
            return response.text(say("web", "admin_only"), status=403)
        events = await asyncio.to_thread(_audit_events, database())
        return page("staff_audit.html", **frame(claims, say("web", "staff_audit_title")), events=events)

    return bp


def _check(database: Database, limits: AttemptLimits, attempt: Attempt, username: str,
           password: str) -> tuple[Any, dt.timedelta | None]:
    """The account, or None; and how long to wait when this account or address is paused (then nothing is checked).
    Like identification in chat, counted per account, per address and overall, in what every replica sees."""
    now = _now()
    with database.unit_of_work() as uow:
        paused = limits.paused_until(uow, attempt, username, now)
        if paused is not None:
            return None, paused - now
        staff = check_login(uow, username, password)
        limits.record(uow, attempt, username, staff is not None, now)
        uow.commit()
        return staff, None


def _tickets(database: Database) -> list[dict[str, Any]]:
    with database.unit_of_work() as uow:
        return tickets(uow)


def _ticket(database: Database, ticket_id: int, user: str) -> dict[str, Any] | None:
    """The ticket, its opening recorded: the transcript is the person's own words, like a lookup's status card."""
    with database.unit_of_work() as uow:
        return view_ticket(uow, ticket_id, user, _now())


def _change_ticket(database: Database, ticket_id: int, action: str, user: str) -> None:
    with database.unit_of_work() as uow:
        helpdesk.change_ticket(uow, ticket_id, action, user, _now())


def _audit_events(database: Database) -> list[dict[str, Any]]:
    with database.unit_of_work() as uow:
        return audit_events(uow)


def _summary(record: Record) -> dict[str, Any]:
    return {"person_id": record.person_id, "name": record.name, "masked": mask_id_number(record.id_number),
            "employer": record.employer.name if record.employer else None}


def _search(database: Database, query: str, user: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with database.unit_of_work() as uow:
        records: list[Record] = []
        if query:
            parts = query.split()
            if len(parts) == 2 and len(parts[1]) == LAST6_LENGTH:
                records = uow.registry.find_by_name_and_id_last6(parts[0], parts[1])
            elif len(query) == LAST6_LENGTH and query[:5].isdigit():
                records = uow.registry.find_by_id_last6(query)
            else:
                by_number = uow.registry.find_by_registration_no(query)
                records = [by_number] if by_number else uow.registry.find_by_name(query)
        audit(uow, user, "search", None, {"query_kind": "text", "results": len(records)}, _now())
        queue = tickets(uow)
        uow.commit()
        return [_summary(r) for r in records], queue


def _person(database: Database, person_id: str, user: str) -> dict[str, Any] | None:
    with database.unit_of_work() as uow:
        record = uow.registry.get(person_id)
        if record is None:
            return None
        audit(uow, user, "lookup", person_id, {}, _now())
        words = texts()
        drafts = [{"reference": d.reference, "status": words["statuses"].get(d.status, d.status),
                   "link": draft_link(d.reference, d.status)} for d in drafts_of(uow, person_id)]
        uow.commit()
    as_of = today()
    return {"person": _summary(record), "report": report_to_dict(status_report(record, as_of)),
            "as_of": as_of.isoformat(), "drafts": drafts}
