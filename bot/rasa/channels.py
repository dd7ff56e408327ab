"""Rasa's REST channel with guards in front of the model (credentials.yml: bot.rasa.channels.GuardedRestInput).

The URL stays /webhooks/rest/webhook. Before Rasa sees a message:

- a call without the webhook secret (RASA_WEBHOOK_SECRET, in WEBHOOK_SECRET_HEADER) is refused (401): only the
  web server, which takes the conversation from the browser's signed cookie, may post for a conversation;

- a body that is not a JSON object with a sender and a text message is refused (400, in Chinese);
- text longer than the shared limit (bot.config.max_message_chars, 500 characters, the same limit the
  web proxy /api/chat applies) is refused with a Chinese reply, without running the model;
- control characters are removed (a new line is kept; tab and carriage return become a space and a
  new line), as are invisible format characters that could split a number and lone surrogates;
- empty or whitespace-only text gets a short Chinese prompt;
- every full 18-character ID number (ASCII or full-width digits, in any mix, with a lower-case x, or
  written in groups with spaces or hyphens) is replaced by its last six characters: identification
  (actions/personal.py) needs only the name and those six, so the full number never reaches the
  tracker store or the conversation history. String values in the metadata are treated the same, and
  metadata over MAX_METADATA_CHARS keeps only its token;
- one conversation may have at most MAX_PENDING_PER_SENDER messages waiting at once; more get a
  Chinese "too fast" reply at once instead of queueing behind the conversation lock.
"""

from __future__ import annotations

import asyncio
import hmac
import inspect
import json
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from bot.config import max_message_chars
from bot.rasa.tracker_store import storage_failed
from bot.replies.messages import say
from bot.security.kept_secrets import WEBHOOK_SECRET_HEADER, webhook_secret
from bot.security.keys import pseudonym

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 100
MAX_PENDING_PER_SENDER = 5
MAX_METADATA_DEPTH = 10
MAX_METADATA_CHARS = 4000  # metadata is kept in the tracker with every message: a signed token fits easily
ZERO_WIDTH_JOINER = "\u200d"  # kept: it holds emoji sequences together
SEPARATORS = {"\u3000": " ", "\uff0d": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-"}
# 17 digits and a check character, optionally in groups split by one space or hyphen, not part of a
# longer run of digits. Run on the digit-normalised text (same length as the original).
ID_NUMBER = re.compile(r"(?<![0-9])(?<![0-9][ -])[0-9](?:[ -]?[0-9]){16}[ -]?[0-9Xx](?![ -]?[0-9])")
NOT_ID_CHARACTER = re.compile(r"[^0-9X]")


def _ascii_character(character: str) -> str:
    """One character for one: any decimal digit as 0-9, full-width x as x, full-width separators."""
    digit = unicodedata.decimal(character, None)
    if digit is not None:
        return str(digit)
    if character in "ｘＸ":
        return "x" if character == "ｘ" else "X"
    return SEPARATORS.get(character, character)


def clean_text(text: str) -> str:
    """The text without control characters (new lines kept), invisible format characters or surrogates."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    kept = []
    for character in text:
        category = unicodedata.category(character)
        if character in ("\n", ZERO_WIDTH_JOINER) or category not in ("Cc", "Cf", "Cs"):
            kept.append(character)
    return "".join(kept)


def shorten_id_numbers(text: str) -> tuple[str, int]:
    """Every full ID number replaced by its last six characters (ASCII, upper-case X); how many."""
    normal = "".join(_ascii_character(c) for c in text)
    pieces: list[str] = []
    last = 0
    count = 0
    for match in ID_NUMBER.finditer(normal):
        pieces += [text[last:match.start()], NOT_ID_CHARACTER.sub("", match.group(0).upper())[-6:]]
        last = match.end()
        count += 1
    pieces.append(text[last:])
    return "".join(pieces), count


def _scrub_metadata(value: Any, depth: int = 0) -> Any:
    if depth > MAX_METADATA_DEPTH:
        return None
    if isinstance(value, str):
        return shorten_id_numbers(clean_text(value))[0]
    if isinstance(value, dict):
        return {str(k): _scrub_metadata(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_metadata(v, depth + 1) for v in value]
    return value


def guarded_metadata(value: Any) -> dict[str, Any]:
    """The metadata as kept: a JSON object, ID numbers shortened, at most MAX_METADATA_CHARS long
    (else only a short string "token" survives, the one key the actions read)."""
    if not isinstance(value, dict):
        return {}
    scrubbed: dict[str, Any] = _scrub_metadata(value)
    try:
        size = len(json.dumps(scrubbed, ensure_ascii=False))
    except (TypeError, ValueError):
        size = MAX_METADATA_CHARS + 1
    if size <= MAX_METADATA_CHARS:
        return scrubbed
    token = scrubbed.get("token")
    return {"token": token} if isinstance(token, str) and len(token) <= MAX_METADATA_CHARS else {}


def _reply(text: str, sender: str | None = None) -> dict[str, Any]:
    return {"recipient_id": sender, "text": text} if sender else {"text": text}


class GuardedRestInput(RestInput):  # type: ignore[misc]
    """POST /webhooks/rest/webhook, as Rasa's RestInput, with the guards described above."""

    def __init__(self) -> None:
        self.pending: dict[str, int] = defaultdict(int)
        self.secret = webhook_secret().encode("utf-8")

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @webhook.get("/")
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.post("/webhook")
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)  # type: ignore[return-value]

        return webhook

    async def _receive(self, request: Request,
                       on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> ResponseStream | HTTPResponse:
        # Only the web server may speak for a conversation: it alone knows which browser holds which one.
        sent = request.headers.get(WEBHOOK_SECRET_HEADER, "").encode("utf-8")
        if not hmac.compare_digest(sent, self.secret):
            return response.json([_reply(say("channel", "unauthorised"))], status=401)
        try:
            body = request.json
        except Exception:  # Sanic raises InvalidUsage for a body that is not JSON
            body = None
        if not isinstance(body, dict):
            return response.json([_reply(say("channel", "bad_request"))], status=400)
        sender = body.get("sender")
        if isinstance(sender, int) and not isinstance(sender, bool):
            sender = str(sender)
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
            return response.json([_reply(say("channel", "bad_sender", limit=MAX_SENDER_CHARS))], status=400)
        raw = body.get("message")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            return response.json([_reply(say("channel", "bad_request"), sender)], status=400)
        limit = max_message_chars()
        if len(raw) > limit:
            return response.json([_reply(say("channel", "too_long", length=len(raw), limit=limit), sender)])
        text = clean_text(raw)
        if not text.strip():
            return response.json([_reply(say("channel", "empty"), sender)])
        text, shortened = shorten_id_numbers(text)
        notes = [_reply(say("channel", "id_number_shortened"), sender)] if shortened else []
        metadata = guarded_metadata(body.get("metadata"))
        if self.pending[sender] >= MAX_PENDING_PER_SENDER:
            return response.json([_reply(say("channel", "too_fast"), sender)])
        self.pending[sender] += 1
        if request.args.get("stream", "").lower() == "true":
            return self._stream(on_new_message, text, sender, metadata, notes)
        try:
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata=metadata))
            except asyncio.CancelledError:
                logger.error("rest message timed out (conversation %s)", pseudonym(sender))
                return response.json([*notes, _reply(say("channel", "failed"), sender)])
            except Exception:
                logger.exception("rest message failed (conversation %s)", pseudonym(sender))
                return response.json([*notes, _reply(say("channel", "failed"), sender)])
            if storage_failed(sender):  # answered without the conversation's state: not an answer
                return response.json([*notes, _reply(say("channel", "failed"), sender)])
            messages = collector.messages or [_reply(say("channel", "no_reply"), sender)]
            return response.json(notes + messages)
        finally:
            self._release(sender)

    def _release(self, sender: str) -> None:
        self.pending[sender] -= 1
        if self.pending[sender] <= 0:
            del self.pending[sender]

    def _stream(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], text: str, sender: str,
                metadata: dict[str, Any], notes: list[dict[str, Any]]) -> ResponseStream:
        inner = self.stream_response(on_new_message, text, sender, self.name(), metadata)

        async def stream(resp: Any) -> None:
            try:
                for note in notes:
                    await resp.write(json.dumps(note) + "\n")
                await inner(resp)
            finally:
                self._release(sender)

        return response.stream(stream, content_type="text/event-stream")
