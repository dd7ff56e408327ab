"""The chat's conversation id, issued by the server in a signed cookie (itsdangerous).

The chat page sets it when it is loaded, and /api/chat sets it when a client comes without it, so any
HTTP client that keeps its cookies keeps its conversation. A conversation belongs to the browser that
holds its cookie: the id is random and signed, so it can be neither guessed nor forged.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeSerializer
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import cookie_secure_forced
from bot.security.keys import Purpose, derived_key

COOKIE = "qj_chat"
SALT = "chat-conversation"
COOKIE_DAYS = 30


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(derived_key(Purpose.CHAT_COOKIE), salt=SALT)


def conversation_id(request: Request) -> str | None:
    """The conversation id of a valid cookie, or None (missing, tampered or not ours)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        found = _serializer().loads(raw)
    except BadSignature:
        return None
    return found if isinstance(found, str) and found.startswith("web-") else None


def new_conversation_id() -> str:
    return "web-" + secrets.token_urlsafe(18)


def set_conversation_cookie(response: HTTPResponse, request: Request, conversation: str) -> None:
    response.cookies[COOKIE] = _serializer().dumps(conversation)
    cookie = response.cookies[COOKIE]
    cookie["httponly"] = True
    cookie["path"] = "/"
    cookie["max-age"] = COOKIE_DAYS * 86400
    # Over HTTPS the widget's frame on another site must still send it; /api/chat checks the Origin anyway.
    if cookie_secure_forced() or request.scheme == "https":
        cookie["secure"] = True
        cookie["samesite"] = "None"
    else:
        cookie["samesite"] = "Lax"
