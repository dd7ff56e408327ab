"""Signed session cookies with a CSRF token, and a login limiter (no server-side session store).

The cookie holds who is logged in and until when, signed with ASSISTANT_SECRET; it is HttpOnly and
SameSite=Strict, and Secure when the site is served over HTTPS (COOKIE_SECURE=1 forces it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections import defaultdict, deque
from typing import Any

from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import cookie_secure_forced
from bot.documents import link_secret

COOKIE = "qj_session"
SESSION_SECONDS = 8 * 3600
LOGIN_FAILURES_ALLOWED = int(os.environ.get("LOGIN_FAILURES_ALLOWED", "5"))
LOGIN_WINDOW_SECONDS = int(os.environ.get("LOGIN_WINDOW_SECONDS", "900"))


def _sign(body: str) -> str:
    return hmac.new(link_secret(), body.encode("ascii"), hashlib.sha256).hexdigest()


def start_session(response: HTTPResponse, request: Request, **claims: Any) -> None:
    payload = {**claims, "exp": int(time.time()) + SESSION_SECONDS, "csrf": secrets.token_urlsafe(16)}
    body = base64.urlsafe_b64encode(json.dumps(payload).encode("utf-8")).decode("ascii")
    response.cookies[COOKIE] = f"{body}.{_sign(body)}"
    cookie = response.cookies[COOKIE]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    cookie["max-age"] = SESSION_SECONDS
    if cookie_secure_forced() or request.scheme == "https":
        cookie["secure"] = True


def end_session(response: HTTPResponse) -> None:
    response.cookies[COOKIE] = ""
    response.cookies[COOKIE]["max-age"] = 0
    response.cookies[COOKIE]["path"] = "/"


def session(request: Request) -> dict[str, Any] | None:
    raw = request.cookies.get(COOKIE) or ""
    if raw.count(".") != 1:
        return None
    body, signature = raw.split(".")
    if not hmac.compare_digest(_sign(body), signature):
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(body.encode("ascii")))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) and claims.get("exp", 0) > time.time() else None


def csrf_valid(request: Request, claims: dict[str, Any]) -> bool:
    sent = (request.form.get("csrf") if request.form else None) or request.headers.get("x-csrf-token", "")
    return bool(sent) and hmac.compare_digest(str(sent), str(claims.get("csrf", "")))


class LoginLimiter:
    """At most LOGIN_FAILURES_ALLOWED failed logins per key in LOGIN_WINDOW_SECONDS."""

    def __init__(self) -> None:
        self.failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        recent = self.failures[key]
        while recent and recent[0] < now - LOGIN_WINDOW_SECONDS:
            recent.popleft()
        return recent

    def allowed(self, key: str, now: float | None = None) -> bool:
        return len(self._recent(key, now or time.time())) < LOGIN_FAILURES_ALLOWED

    def failed(self, key: str, now: float | None = None) -> None:
        self._recent(key, now or time.time()).append(now or time.time())
