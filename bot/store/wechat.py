"""What the WeChat and 企业微信 channels keep (bot/services/wechat_inbox.py): each pushed message claimed once by its
key, answers kept for a user's next message, the numbered choices last shown and the shared API access tokens.

Claims and upserts are one INSERT … ON CONFLICT statement each (SQLite and PostgreSQL spell it alike), so two
replicas getting WeChat's retry of one message at the same moment agree on which of them handles it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from bot.store.models import WeChatAccessToken, WeChatChoices, WeChatInbound, WeChatOutbound

INBOUND = WeChatInbound.__table__
OUTBOUND = WeChatOutbound.__table__
TOKENS = WeChatAccessToken.__table__
CHOICES = WeChatChoices.__table__

# pending: Rasa is on it; answered: the reply is ready, not yet given; delivered: given (passively or through the API);
# kept: it came too late and waits in wechat_outbound for the user's next message.
PENDING, ANSWERED, DELIVERED, KEPT = "pending", "answered", "delivered", "kept"

_CLAIM = text("INSERT INTO wechat_inbound (channel, msg_key, user_id, received_at, state) "
              "VALUES (:channel, :msg_key, :user_id, :received_at, 'pending') "
              "ON CONFLICT (channel, msg_key) DO NOTHING")
_SET_CHOICES = text("INSERT INTO wechat_choices (channel, user_id, payloads, updated_at) "
                    "VALUES (:channel, :user_id, :payloads, :updated_at) ON CONFLICT (channel, user_id) "
                    "DO UPDATE SET payloads = excluded.payloads, updated_at = excluded.updated_at")
_SET_TOKEN = text("INSERT INTO wechat_access_tokens (app_key, token, expires_at) "
                  "VALUES (:app_key, :token, :expires_at) "
                  "ON CONFLICT (app_key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at")


@dataclass(frozen=True)
class Inbound:
    state: str
    reply: str | None


@dataclass(frozen=True)
class KeptToken:
    token: str
    expires_at: dt.datetime


class WeChatRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- the messages pushed --------------------------------------------------------------------------
    def claim(self, channel: str, msg_key: str, user_id: str, now: dt.datetime) -> bool:
        """True when this call is the first with this key (the caller handles the message); the caller commits."""
        result = self.session.execute(_CLAIM, {"channel": channel, "msg_key": msg_key, "user_id": user_id,
                                               "received_at": now})
        return bool(result.rowcount)

    def inbound(self, channel: str, msg_key: str) -> Inbound | None:
        row = self.session.execute(select(INBOUND.c.state, INBOUND.c.reply).where(
            INBOUND.c.channel == channel, INBOUND.c.msg_key == msg_key)).first()
        return None if row is None else Inbound(row.state, row.reply)

    def answered(self, channel: str, msg_key: str, reply: str) -> None:
        """The answer is ready, not yet given."""
        self.session.execute(update(INBOUND).where(INBOUND.c.channel == channel, INBOUND.c.msg_key == msg_key,
                                                   INBOUND.c.state == PENDING).values(state=ANSWERED, reply=reply))

    def delivered(self, channel: str, msg_key: str, reply: str | None = None, state: str = DELIVERED) -> None:
        values: dict[str, object] = {"state": state}
        if reply is not None:
            values["reply"] = reply
        self.session.execute(update(INBOUND).where(INBOUND.c.channel == channel, INBOUND.c.msg_key == msg_key)
                             .values(**values))

    def take_answer(self, channel: str, msg_key: str) -> str | None:
        """The ready answer, marked delivered, when it was ready and not yet given (only one caller gets it)."""
        found = self.inbound(channel, msg_key)
        if found is None or found.state != ANSWERED:
            return None
        result = self.session.execute(update(INBOUND).where(
            INBOUND.c.channel == channel, INBOUND.c.msg_key == msg_key, INBOUND.c.state == ANSWERED)
            .values(state=DELIVERED))
        return found.reply if result.rowcount else None

    # --- answers kept for the next message ------------------------------------------------------------
    def keep(self, channel: str, user_id: str, texts: list[str], now: dt.datetime) -> None:
        for kept in texts:
            self.session.execute(OUTBOUND.insert().values(channel=channel, user_id=user_id, text=kept, created_at=now))

    def take_kept(self, channel: str, user_id: str, now: dt.datetime) -> list[str]:
        """The user's kept texts, oldest first, marked delivered (a text another replica took meanwhile is left out)."""
        rows = self.session.execute(select(OUTBOUND.c.id, OUTBOUND.c.text).where(
            OUTBOUND.c.channel == channel, OUTBOUND.c.user_id == user_id, OUTBOUND.c.delivered_at.is_(None))
            .order_by(OUTBOUND.c.id)).all()
        taken = []
        for row in rows:
            result = self.session.execute(update(OUTBOUND).where(OUTBOUND.c.id == row.id,
                                                                 OUTBOUND.c.delivered_at.is_(None))
                                          .values(delivered_at=now))
            if result.rowcount:
                taken.append(row.text)
        return taken

    # --- numbered choices -----------------------------------------------------------------------------
    def set_choices(self, channel: str, user_id: str, payloads_json: str, now: dt.datetime) -> None:
        self.session.execute(_SET_CHOICES, {"channel": channel, "user_id": user_id, "payloads": payloads_json,
                                            "updated_at": now})

    def choices(self, channel: str, user_id: str) -> str | None:
        found = self.session.execute(select(CHOICES.c.payloads).where(
            CHOICES.c.channel == channel, CHOICES.c.user_id == user_id)).scalar()
        return None if found is None else str(found)

    # --- access tokens --------------------------------------------------------------------------------
    def token(self, app_key: str) -> KeptToken | None:
        row = self.session.execute(select(TOKENS.c.token, TOKENS.c.expires_at).where(TOKENS.c.app_key == app_key)
                                   ).first()
        return None if row is None else KeptToken(row.token, row.expires_at)

    def set_token(self, app_key: str, token: str, expires_at: dt.datetime) -> None:
        self.session.execute(_SET_TOKEN, {"app_key": app_key, "token": token, "expires_at": expires_at})
