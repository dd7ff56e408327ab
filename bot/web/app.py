"""Sanic application (Sanic 21.12, as pinned by Rasa)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import urllib.parse
from collections.abc import Mapping
from typing import Any

import aiohttp
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import BaseHTTPResponse

from bot.config import (
    PROJECT_ROOT,
    attempt_limit_settings,
    cookie_secure_forced,
    max_message_chars,
    rasa_url,
    settings,
    today,
)
from bot.rasa.kept_connections import kept_client_session
from bot.replies.documents import draft_html, draft_pdf, link_opens
from bot.replies.knowledge import topics
from bot.replies.messages import say
from bot.replies.suggestions import SUGGESTIONS, suggested_questions
from bot.security.kept_secrets import webhook_headers
from bot.security.keys import pseudonym
from bot.services import feedback
from bot.services.attempt_limits import AttemptLimits
from bot.services.drafts import draft_by_reference
from bot.services.feedback import TURN_PAYLOAD, TurnSummary
from bot.services.identity import IDENTITY_PAYLOAD
from bot.store.unit_of_work import Database
from bot.web.client import client_address
from bot.web.console import staff_blueprint
from bot.web.conversation_cookie import conversation_id, new_conversation_id, set_conversation_cookie
from bot.web.employer_page import employer_blueprint
from bot.web.insights import insights_blueprint
from bot.web.review import review_blueprint
from bot.web.security_headers import security_headers

STATIC = PROJECT_ROOT / "bot" / "web" / "static"
logger = logging.getLogger(__name__)


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def allowed_origins(environ: Mapping[str, str] | None = None) -> set[str]:
    """Origins other than the page's own that may call /api/chat.

    ASSISTANT_ALLOWED_ORIGINS (comma- or space-separated, e.g. https://jst.guizhou.gov.cn) when set;
    else the public address (PUBLIC_BASE_URL, default http://localhost:WEB_PORT, as draft links use)
    and the same port on 127.0.0.1. Never "*".
    """
    found = settings(environ)
    if found.allowed_origins:
        return {o for o in map(_origin, found.allowed_origins.replace(",", " ").split()) if o}
    port = found.web_port
    local = {f"http://localhost:{port}", f"http://127.0.0.1:{port}"}
    public = _origin(found.public_base_url or "")
    return local | {public} if public else local


def origin_allowed(request: Request, allowed: set[str]) -> bool:
    """No Origin (not a browser's cross-site call), the page's own host, or a configured origin."""
    origin = request.headers.get("origin")
    if not origin:
        return True
    normal = _origin(origin)
    if normal in allowed:
        return True
    if not normal:
        return False
    host = (request.host or "").lower()
    parts = urllib.parse.urlsplit(normal)
    # A proxy that forwards Host without the port (nginx's $host) still names the same site.
    return parts.netloc == host or (":" not in host.rsplit("]", 1)[-1] and parts.hostname == host)
FORGET_IDENTITY = "/switch_person"


def _metadata(body: dict[str, Any], request: Request) -> dict[str, Any]:
    """What Rasa gets besides the text: a host page's token, and the client's address as a pseudonym (for the limits on
    identification). Nothing else a client sends is passed on."""
    sent = body.get("metadata")
    token = sent.get("token") if isinstance(sent, dict) else None
    kept: dict[str, Any] = {"client": pseudonym(client_address(request), 32)}
    if isinstance(token, str) and token:
        kept["token"] = token
    return kept


def _for_page(messages: list[Any]) -> tuple[dict[str, Any], TurnSummary | None]:
    """The replies, with the actions' 'who is identified' message taken out and given as `identity`, and their
    'what this turn was' message taken out and returned beside them (None: Rasa answered with its own response)."""
    shown: list[Any] = []
    reply: dict[str, Any] = {}
    summary: TurnSummary | None = None
    for message in messages:
        custom = message.get("custom") if isinstance(message, dict) else None
        if isinstance(custom, dict) and IDENTITY_PAYLOAD in custom:
            reply["identity"] = custom[IDENTITY_PAYLOAD]
        elif isinstance(custom, dict) and TURN_PAYLOAD in custom:
            summary = TurnSummary.from_payload(custom[TURN_PAYLOAD])
        else:
            shown.append(message)
    return {"messages": shown, **reply}, summary


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = request.json
    except Exception:  # Sanic raises InvalidUsage for a body that is not JSON
        body = None
    return body if isinstance(body, dict) else {}


def _whole_number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def create_app() -> Sanic:
    app = Sanic("qianjian_web")
    app.config.RESPONSE_TIMEOUT = 30
    state: dict[str, Any] = {}

    def database() -> Database:
        if "database" not in state:
            state["database"] = Database(settings().database_url)
        return state["database"]  # type: ignore[no-any-return]

    allowed = allowed_origins()
    rasa_webhook = rasa_url() + "/webhooks/rest/webhook"
    to_rasa = webhook_headers()

    def rasa_session() -> aiohttp.ClientSession:
        """One client session per worker, kept open: a new one per turn cost a connection set-up each time."""
        if "rasa_session" not in state:
            state["rasa_session"] = kept_client_session(
                timeout=aiohttp.ClientTimeout(total=settings().rasa_timeout_seconds))
        return state["rasa_session"]  # type: ignore[no-any-return]

    async def close_rasa_session(_app: Sanic, _loop: object) -> None:
        if "rasa_session" in state:
            await state.pop("rasa_session").close()

    app.register_listener(close_rasa_session, "after_server_stop")

    async def refuse_other_origins(request: Request) -> response.HTTPResponse | None:
        if request.path.startswith("/api/") and not origin_allowed(request, allowed):
            return response.json({"error": say("web", "cross_origin")}, status=403)
        return None

    async def add_security_headers(request: Request, reply: BaseHTTPResponse) -> None:
        over_tls = request.scheme == "https" or cookie_secure_forced()
        for name, value in security_headers(request.path, over_tls, allowed).items():
            reply.headers.setdefault(name, value)

    async def allow_own_origin(request: Request, reply: BaseHTTPResponse) -> None:
        origin = request.headers.get("origin")
        if request.path.startswith("/api/") and origin and origin_allowed(request, allowed):
            reply.headers["Access-Control-Allow-Origin"] = origin
            reply.headers["Vary"] = "Origin"

    app.register_middleware(refuse_other_origins, "request")
    app.register_middleware(allow_own_origin, "response")
    app.register_middleware(add_security_headers, "response")

    app.static("/static", str(STATIC))
    # One per worker: the counts per address live in Redis when it is configured, else in this process.
    limits = AttemptLimits(attempt_limit_settings())
    app.blueprint(staff_blueprint(database, limits))
    app.blueprint(employer_blueprint(database, limits))
    app.blueprint(insights_blueprint(database))
    app.blueprint(review_blueprint(database))

    @app.get("/widget.js")
    async def widget(request: Request) -> response.HTTPResponse:
        return await response.file(str(STATIC / "widget.js"), mime_type="application/javascript; charset=utf-8")

    @app.get("/")
    async def chat_page(request: Request) -> response.HTTPResponse:
        page = await response.file(str(STATIC / "chat.html"), mime_type="text/html; charset=utf-8")
        if conversation_id(request) is None:
            set_conversation_cookie(page, request, new_conversation_id())
        return page

    @app.get("/healthz")
    async def health(request: Request) -> response.HTTPResponse:
        return response.json({"ok": True})

    @app.options("/api/<what:chat|feedback|rating>")
    async def chat_preflight(request: Request, what: str) -> response.HTTPResponse:
        return response.empty(headers={"Access-Control-Allow-Methods": "POST",
                                       "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "600"})

    @app.post("/api/chat")
    async def chat(request: Request) -> response.HTTPResponse:
        body = _json_body(request)
        message = body.get("message")
        text = message if isinstance(message, str) else ""
        # The cookie's conversation; a client without one gets a new conversation and its cookie.
        conversation = conversation_id(request)
        issue_cookie = conversation is None
        sender = conversation or new_conversation_id()
        if not text.strip():
            return response.json({"error": say("web", "empty")}, status=400)
        limit = max_message_chars()
        if len(text) > limit:
            return response.json({"error": say("web", "too_long", limit=limit)}, status=413)
        payload = {"sender": sender, "message": text, "metadata": _metadata(body, request)}
        try:
            async with rasa_session().post(rasa_webhook, json=payload, headers=to_rasa) as reply:
                messages = await reply.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return response.json({"messages": [{"text": say("web", "assistant_unavailable")}]}, status=503)
        for_page, summary = _for_page(messages if isinstance(messages, list) else [])
        for_page["turn"] = await _record(sender, text, for_page["messages"], summary)
        answered = response.json(for_page)
        if issue_cookie:
            set_conversation_cookie(answered, request, sender)
        return answered

    async def _record(sender: str, text: str, shown: list[Any], summary: TurnSummary | None) -> dict[str, Any] | None:
        """The turn kept for feedback and /staff/insights; None when it could not be kept (the chat goes on)."""
        basis = feedback.basis_of(str(m.get("text") or "") for m in shown if isinstance(m, dict))
        try:
            turn = await asyncio.to_thread(feedback.record_turn, database(), sender, text, summary, basis, _now(),
                                           today())
        except Exception:  # the answer matters more than its statistics
            logger.exception("a turn could not be recorded")
            return None
        return {"id": turn.id, "feedback": turn.feedback, "rating": turn.rating}

    @app.post("/api/feedback")
    async def give_feedback(request: Request) -> response.HTTPResponse:
        """👍/👎 on one answer of this browser's conversation: {"turn": id, "vote": "up"|"down", "reason": …}."""
        body = _json_body(request)
        turn_id, vote, reason = _whole_number(body.get("turn")), body.get("vote"), body.get("reason")
        if (turn_id is None or vote not in feedback.VOTES
                or (reason is not None and (vote != "down" or reason not in feedback.VOTE_REASONS))):
            return response.json({"error": say("web", "feedback_bad")}, status=400)
        conversation = conversation_id(request)
        done = conversation is not None and await asyncio.to_thread(
            feedback.vote, database(), conversation, turn_id, vote, reason, _now())
        if not done:
            return response.json({"error": say("web", "feedback_not_yours")}, status=403)
        return response.json({"ok": True, "message": say("web", "feedback_thanks")})

    @app.post("/api/rating")
    async def give_rating(request: Request) -> response.HTTPResponse:
        """好差评 of this browser's conversation: {"rating": 1-5, "occasion": "end"|"handover"}."""
        body = _json_body(request)
        rating, occasion = _whole_number(body.get("rating")), body.get("occasion")
        if rating not in feedback.RATINGS or occasion not in feedback.OCCASIONS:
            return response.json({"error": say("web", "rating_bad")}, status=400)
        conversation = conversation_id(request)
        done = conversation is not None and await asyncio.to_thread(
            feedback.rate, database(), conversation, rating, occasion, _now(), today())
        if not done:
            return response.json({"error": say("web", "rating_not_due")}, status=403)
        return response.json({"ok": True, "message": say("web", "rating_thanks")})

    @app.get("/api/rating-due")
    async def rating_due(request: Request) -> response.HTTPResponse:
        """"handover" once this conversation's hand-over ticket is closed and not yet rated (the page asks when it is
        shown again), else null."""
        conversation = conversation_id(request)
        due = None if conversation is None else await asyncio.to_thread(feedback.rating_due, database(), conversation)
        return response.json({"rating": due})

    @app.get("/api/suggestions")
    async def suggestions(request: Request) -> response.HTTPResponse:
        """Four suggested questions for the welcome: the most asked topics of the last 30 days, else a fixed list."""
        try:
            most_asked = await asyncio.to_thread(feedback.suggested_topics, database(), today(), SUGGESTIONS)
        except Exception:  # the fixed list still welcomes
            logger.exception("the most asked topics could not be read")
            most_asked = []
        return response.json({"suggestions": suggested_questions(most_asked, topics())})

    @app.post("/api/logout")
    async def logout(request: Request) -> response.HTTPResponse:
        """退出: the identity of this browser's conversation is cleared in Rasa, and the browser gets a new
        conversation, so that neither the identity nor the history is there for the next person at this PC."""
        conversation = conversation_id(request)
        if conversation is not None:
            payload = {"sender": conversation, "message": FORGET_IDENTITY, "metadata": _metadata({}, request)}
            try:
                async with rasa_session().post(rasa_webhook, json=payload, headers=to_rasa) as reply:
                    await reply.read()
            except (aiohttp.ClientError, asyncio.TimeoutError):
                return response.json({"error": say("web", "assistant_unavailable")}, status=503)
        done = response.json({"identity": None, "messages": [{"text": say("web", "logged_out")}]})
        set_conversation_cookie(done, request, new_conversation_id())
        return done

    def _draft(reference: str, key: str) -> Any:
        with database().unit_of_work() as uow:
            draft = draft_by_reference(uow, reference)
        return draft if draft is not None and link_opens(draft, key) else None

    @app.get("/drafts/<reference>")
    async def draft_page(request: Request, reference: str) -> response.HTTPResponse:
        pdf = reference.endswith(".pdf")
        reference = reference.removesuffix(".pdf").upper()
        draft = await asyncio.to_thread(_draft, reference, request.args.get("key", ""))
        if draft is None:
            return response.html(say("web", "draft_forbidden"), status=404)
        if pdf:
            body = await asyncio.to_thread(draft_pdf, draft)
            return response.raw(body, content_type="application/pdf",
                                headers={"Content-Disposition": f'inline; filename="{reference}.pdf"'})
        return response.html(draft_html(draft))

    return app
