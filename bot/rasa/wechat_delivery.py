"""WeChat's 5-second rule, shared by the Official Account (bot/rasa/wechat.py) and 企业微信 (bot/rasa/wecom.py).

WeChat waits 5 seconds for the answer to a pushed message, then calls again (three times in all). So:

1. The message's key (MsgId; an event's sender and CreateTime) is claimed in the database (wechat_inbound): a retry,
   on any replica, is not run through Rasa again. It gets the answer passively when that is ready and not yet
   given, else "success".
2. The first call runs the message through Rasa in a task and waits up to WECHAT_PASSIVE_SECONDS. Ready in time: the
   answer is the passive reply. Not ready: the call answers "success", and the answer, when it comes, is sent through
   the API (a verified Official Account, 企业微信) or kept (wechat_outbound) and given before the answer to the
   user's next message, under a line saying what it is.
3. A passive reply holds one message: an answer longer than WECHAT_TEXT_LIMIT_BYTES is split at sentence ends, the
   first part replied, the rest sent through the API or kept the same way.

Rasa's custom payloads (the actions' `identity` and `turn` messages) are never shown; buttons become numbered
choices, remembered per user (wechat_choices), and a reply of just their number sends the button's payload.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.config import max_message_chars, settings, today
from bot.rasa.channels import clean_text, shorten_id_numbers
from bot.rasa.tracker_store import storage_failed
from bot.rasa.wechat_api import ApiClient
from bot.rasa.wechat_text import Turn, picked, split_text, wechat_turn, with_choices, with_earlier
from bot.replies.knowledge import topics
from bot.replies.messages import say
from bot.replies.suggestions import SUGGESTIONS, suggested_questions
from bot.security.keys import pseudonym
from bot.services import feedback, wechat_inbox
from bot.services.database import shared_database

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


async def _record(sender: str, text: str, messages: list[Any]) -> None:
    """The turn kept for /staff/insights, as the web server keeps a chat page's (no 👍/👎 here: WeChat has no
    buttons under a message); a failure to keep it never holds up the answer."""
    summaries = [m["custom"][feedback.TURN_PAYLOAD] for m in messages if isinstance(m, dict)
                 and isinstance(m.get("custom"), dict) and feedback.TURN_PAYLOAD in m["custom"]]
    summary = feedback.TurnSummary.from_payload(summaries[-1]) if summaries else None
    basis = feedback.basis_of(str(m.get("text") or "") for m in messages if isinstance(m, dict))
    try:
        await asyncio.to_thread(feedback.record_turn, shared_database(), sender, text, summary, basis, _now(), today())
    except Exception:
        logger.exception("a %s turn could not be recorded", sender.split(":", 1)[0])


@dataclass(frozen=True)
class Pushed:
    """One message pushed: who sent it (OpenID or UserID), its key, and its text (None: a subscribe event)."""

    user: str
    msg_key: str
    text: str | None


class Delivery:
    """The 5-second rule for one channel ("wechat" or "wecom"). `client()` is the API to push answers through, or
    None when this account cannot (an unverified Official Account): then they are kept for the next message."""

    def __init__(self, channel: str, client: Callable[[], ApiClient | None]) -> None:
        self.channel = channel
        self.client = client
        self._tasks: set[asyncio.Task[Any]] = set()

    def sender_id(self, user: str) -> str:
        return f"{self.channel}:{user}"

    def _spawn(self, work: Awaitable[Any]) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def reply(self, pushed: Pushed, on_new_message: OnNewMessage) -> str | None:
        """The text to reply passively, or None to answer "success" (the answer comes otherwise, or already came)."""
        database = shared_database()
        claim = await asyncio.to_thread(wechat_inbox.claim, database, self.channel, pushed.msg_key, pushed.user,
                                        _now())
        if not claim.first:
            return await self._retried(pushed, claim.state)
        found = settings()
        producing = self._spawn(self._produce(pushed, on_new_message, found.wechat_text_limit_bytes))
        done, _ = await asyncio.wait({producing}, timeout=found.wechat_passive_seconds)
        if producing not in done:
            self._spawn(self._deliver_late(producing, pushed))
            return None
        parts = self._parts_of(producing)
        await asyncio.to_thread(wechat_inbox.delivered, database, self.channel, pushed.msg_key, parts[0])
        if parts[1:]:
            self._spawn(self._send_or_keep(pushed.user, parts[1:]))
        return parts[0]

    async def _retried(self, pushed: Pushed, state: str) -> str | None:
        """WeChat's retry of a message already claimed: its answer when ready and not yet given, else success."""
        database = shared_database()
        ready = await asyncio.to_thread(wechat_inbox.take_answer, database, self.channel, pushed.msg_key)
        if ready is not None:
            return ready
        if state == wechat_inbox.KEPT:
            kept = await asyncio.to_thread(wechat_inbox.take_kept, database, self.channel, pushed.user, _now())
            parts = split_text("\n\n".join(kept), settings().wechat_text_limit_bytes)
            if parts:
                await asyncio.to_thread(wechat_inbox.keep, database, self.channel, pushed.user, parts[1:], _now())
                return parts[0]
        return None

    def _parts_of(self, task: asyncio.Task[Any]) -> list[str]:
        if task.cancelled() or task.exception() is not None:
            if not task.cancelled():
                logger.error("a %s message failed", self.channel, exc_info=task.exception())
            return [say("channel", "failed")]
        parts: list[str] = task.result()
        return parts or [say("channel", "no_reply")]

    async def _deliver_late(self, producing: asyncio.Task[Any], pushed: Pushed) -> None:
        try:
            await asyncio.wait({producing})
            parts = self._parts_of(producing)
            database = shared_database()
            client = self.client()
            if client is None:
                await asyncio.to_thread(wechat_inbox.keep, database, self.channel, pushed.user, parts, _now())
                await asyncio.to_thread(wechat_inbox.delivered, database, self.channel, pushed.msg_key, parts[0],
                                        wechat_inbox.KEPT)
                return
            await asyncio.to_thread(wechat_inbox.answered, database, self.channel, pushed.msg_key, parts[0])
            mine = await asyncio.to_thread(wechat_inbox.take_answer, database, self.channel, pushed.msg_key)
            await self._send_or_keep(pushed.user, parts if mine is not None else parts[1:], client)
        except Exception:
            logger.exception("a late %s answer could not be delivered (conversation %s)", self.channel,
                             pseudonym(self.sender_id(pushed.user)))

    async def _send_or_keep(self, user: str, parts: list[str], client: ApiClient | None = None) -> None:
        """Each part through the API in order; what cannot be sent (no API, an error) is kept for the next message."""
        client = client or self.client()
        database = shared_database()
        for number, part in enumerate(parts):
            if client is not None:
                try:
                    await client.send_text(user, part)
                    continue
                except Exception:
                    logger.exception("a %s message could not be sent through the API; kept for the next message",
                                     self.channel)
            await asyncio.to_thread(wechat_inbox.keep, database, self.channel, user, parts[number:], _now())
            return

    async def _produce(self, pushed: Pushed, on_new_message: OnNewMessage, limit: int) -> list[str]:
        """The turn's answer, with what was kept for this user before it, in parts of at most `limit` bytes."""
        database = shared_database()
        turn = await (self._welcome() if pushed.text is None else self._through_rasa(pushed, on_new_message))
        await asyncio.to_thread(wechat_inbox.remember_choices, database, self.channel, pushed.user, turn.payloads,
                                _now())
        kept = await asyncio.to_thread(wechat_inbox.take_kept, database, self.channel, pushed.user, _now())
        return split_text(with_earlier(kept, turn.text), limit)

    async def _welcome(self) -> Turn:
        try:
            most_asked = await asyncio.to_thread(feedback.suggested_topics, shared_database(), today(), SUGGESTIONS)
        except Exception:  # the fixed list still welcomes
            logger.exception("the most asked topics could not be read")
            most_asked = []
        buttons = suggested_questions(most_asked, topics())
        return with_choices(say("wechat", "welcome"), [b["title"] for b in buttons], [b["payload"] for b in buttons])

    async def _through_rasa(self, pushed: Pushed, on_new_message: OnNewMessage) -> Turn:
        raw = pushed.text or ""
        limit = max_message_chars()
        if len(raw) > limit:
            return Turn(say("channel", "too_long", length=len(raw), limit=limit))
        text = clean_text(raw).strip()
        if not text:
            return Turn(say("channel", "empty"))
        choices = await asyncio.to_thread(wechat_inbox.chosen_payloads, shared_database(), self.channel, pushed.user)
        chosen = picked(text, choices)
        text, shortened = shorten_id_numbers(text) if chosen is None else (chosen, 0)
        sender = self.sender_id(pushed.user)
        collector = CollectingOutputChannel()
        metadata = {"client": pseudonym(sender, 32)}  # the per-address identification limits count per user
        try:
            await on_new_message(UserMessage(text, collector, sender, input_channel=self.channel, metadata=metadata))
        except Exception:
            logger.exception("%s message failed (conversation %s)", self.channel, pseudonym(sender))
            return Turn(say("channel", "failed"))
        if storage_failed(sender):
            return Turn(say("channel", "failed"))
        turn = wechat_turn(collector.messages)
        await _record(sender, text, collector.messages)
        if not turn.text:
            turn = Turn(say("channel", "no_reply"))
        if shortened:
            turn.text = "\n\n".join([say("channel", "id_number_shortened"), turn.text])
        return turn
