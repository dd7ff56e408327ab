"""Staff and employer sessions: a cookie signed with itsdangerous (its own derived key) naming a session kept in the
database (bot/store/web_sessions.py), with a CSRF token.

The cookie is HttpOnly and SameSite=Strict, and Secure when the site is served over HTTPS (COOKIE_SECURE=1 forces
it). A cookie is good only while its session is open: logging out ends the session server-side.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import cookie_secure_forced
from bot.security.keys import Purpose, derived_key
from bot.store.unit_of_work import Database

COOKIE = "qj_session"
SALT = "staff-or-employer-session"
SESSION_SECONDS = 8 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(derived_key(Purpose.STAFF_SESSIONS), salt=SALT)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def start_session(response: HTTPResponse, request: Request, database: Database, kind: str, account: str,
                  **claims: Any) -> None:
    """Open a session for the account (one database write) and give the browser its cookie."""
    with database.unit_of_work() as uow:
        session_id = uow.web_sessions.open(kind, account, _now(), dt.timedelta(seconds=SESSION_SECONDS))
        uow.commit()
    payload = {**claims, "kind": kind, "sid": session_id, "csrf": secrets.token_urlsafe(16)}
    response.cookies[COOKIE] = _serializer().dumps(payload)
    cookie = response.cookies[COOKIE]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    cookie["max-age"] = SESSION_SECONDS
    if cookie_secure_forced() or request.scheme == "https":
        cookie["secure"] = True


def _claims(request: Request) -> dict[str, Any] | None:
    raw = request.cookies.get(COOKIE) or ""
    if not raw:
        return None
    try:
        claims = _serializer().loads(raw, max_age=SESSION_SECONDS)
    except BadData:
        return None
    return claims if isinstance(claims, dict) and isinstance(claims.get("sid"), str) else None


def session(request: Request, database: Database, kind: str) -> dict[str, Any] | None:
    """The claims of a valid cookie whose session is still open, for this kind of account; None otherwise."""
    claims = _claims(request)
    if claims is None or claims.get("kind") != kind:
        return None
    with database.unit_of_work() as uow:
        return claims if uow.web_sessions.active(claims["sid"], kind, _now()) else None


def finish_session(response: HTTPResponse, request: Request, database: Database) -> None:
    """Log out: the session ends in the database (so a copied cookie dies too), and the browser forgets it."""
    claims = _claims(request)
    if claims is not None:
        with database.unit_of_work() as uow:
            uow.web_sessions.end(claims["sid"], _now())
            uow.commit()
    response.cookies[COOKIE] = ""
    response.cookies[COOKIE]["max-age"] = 0
    response.cookies[COOKIE]["path"] = "/"


def csrf_valid(request: Request, claims: dict[str, Any]) -> bool:
    sent = (request.form.get("csrf") if request.form else None) or request.headers.get("x-csrf-token", "")
    return bool(sent) and hmac.compare_digest(str(sent), str(claims.get("csrf", "")))
