"""Sanic application (Sanic 21.12, as pinned by Rasa)."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import aiohttp
from sanic import Sanic, response
from sanic.request import Request

from bot.config import PROJECT_ROOT, settings
from bot.documents import draft_html, draft_pdf, link_key_valid
from bot.drafts import draft_by_reference
from bot.messages import say
from bot.registry.unit_of_work import Database
from bot.web.console import staff_blueprint
from bot.web.employer_page import employer_blueprint

STATIC = PROJECT_ROOT / "bot" / "web" / "static"
MAX_MESSAGE_CHARS = int(os.environ.get("MAX_MESSAGE_CHARS", "500"))
RASA_TIMEOUT_SECONDS = float(os.environ.get("RASA_TIMEOUT_SECONDS", "10"))


def create_app() -> Sanic:
    app = Sanic("qianjian_web")
    app.config.RESPONSE_TIMEOUT = 30
    state: dict[str, Any] = {}

    def database() -> Database:
        if "database" not in state:
            state["database"] = Database(settings().database_url)
        return state["database"]  # type: ignore[no-any-return]

    app.static("/static", str(STATIC))
    app.blueprint(staff_blueprint(database))
    app.blueprint(employer_blueprint(database))

    @app.get("/widget.js")
    async def widget(request: Request) -> response.HTTPResponse:
        return await response.file(str(STATIC / "widget.js"), mime_type="application/javascript; charset=utf-8")

    @app.get("/")
    async def chat_page(request: Request) -> response.HTTPResponse:
        return await response.file(str(STATIC / "chat.html"), mime_type="text/html; charset=utf-8")

    @app.get("/healthz")
    async def health(request: Request) -> response.HTTPResponse:
        return response.json({"ok": True})

    @app.post("/api/chat")
    async def chat(request: Request) -> response.HTTPResponse:
        body = request.json if isinstance(request.json, dict) else {}
        text = str(body.get("message") or "")
        sender = str(body.get("sender") or "")[:100]
        if not sender:
            return response.json({"error": say("web", "no_sender")}, status=400)
        if not text.strip():
            return response.json({"error": say("web", "empty")}, status=400)
        if len(text) > MAX_MESSAGE_CHARS:
            return response.json({"error": say("web", "too_long", limit=MAX_MESSAGE_CHARS)}, status=413)
        payload = {"sender": sender, "message": text, "metadata": body.get("metadata") or {}}
        url = os.environ.get("RASA_URL", "http://127.0.0.1:5005") + "/webhooks/rest/webhook"
        try:
            timeout = aiohttp.ClientTimeout(total=RASA_TIMEOUT_SECONDS)
            async with aiohttp.ClientSession(timeout=timeout) as session, session.post(url, json=payload) as reply:
                messages = await reply.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return response.json({"messages": [{"text": say("web", "assistant_unavailable")}]}, status=503)
        return response.json({"messages": messages if isinstance(messages, list) else []})

    def _draft(reference: str, key: str) -> Any:
        if not link_key_valid(reference, key):
            return None
        with database().unit_of_work() as uow:
            return draft_by_reference(uow, reference)

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
