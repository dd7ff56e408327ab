"""The WeChat and 企业微信 channels' use cases over the database (bot/rasa/wechat_delivery.py runs them in a thread):
claiming a pushed message once, its answer, answers kept for the user's next message, the numbered choices last
shown, and the API access token every replica shares."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from bot.store.unit_of_work import Database
from bot.store.wechat import ANSWERED, DELIVERED, KEPT, PENDING, KeptToken

__all__ = ["ANSWERED", "DELIVERED", "KEPT", "PENDING", "KeptToken"]  # the states, for the channels

# A token lives 2 hours (expires_in 7200); a new one is fetched when less than this is left of it.
TOKEN_REFRESH_MARGIN = dt.timedelta(minutes=5)

@dataclass(frozen=True)
class Claim:
    """first: this call handles the message; else `state` is where the first call is with it."""

    first: bool
    state: str
    reply: str | None = None


def claim(database: Database, channel: str, msg_key: str, user_id: str, now: dt.datetime) -> Claim:
    with database.unit_of_work() as uow:
        if uow.wechat.claim(channel, msg_key, user_id, now):
            uow.commit()
            return Claim(True, PENDING)
        found = uow.wechat.inbound(channel, msg_key)
        return Claim(False, found.state if found else PENDING, found.reply if found else None)


def answered(database: Database, channel: str, msg_key: str, reply: str) -> None:
    """The answer (as it would be replied passively) is ready: a retry may take it (take_answer)."""
    with database.unit_of_work() as uow:
        uow.wechat.answered(channel, msg_key, reply)
        uow.commit()


def delivered(database: Database, channel: str, msg_key: str, reply: str | None = None,
              state: str = DELIVERED) -> None:
    """Given (or, state KEPT, waiting in the outbound table for the user's next message)."""
    with database.unit_of_work() as uow:
        uow.wechat.delivered(channel, msg_key, reply, state)
        uow.commit()


def take_answer(database: Database, channel: str, msg_key: str) -> str | None:
    """The ready answer not yet given, now marked given; None when there is none (or another call took it)."""
    with database.unit_of_work() as uow:
        found = uow.wechat.take_answer(channel, msg_key)
        uow.commit()
        return found


def keep(database: Database, channel: str, user_id: str, texts: list[str], now: dt.datetime) -> None:
    """Texts the user gets before the answer to their next message."""
    if not texts:
        return
    with database.unit_of_work() as uow:
        uow.wechat.keep(channel, user_id, texts, now)
        uow.commit()


def take_kept(database: Database, channel: str, user_id: str, now: dt.datetime) -> list[str]:
    with database.unit_of_work() as uow:
        taken = uow.wechat.take_kept(channel, user_id, now)
        uow.commit()
        return taken


def remember_choices(database: Database, channel: str, user_id: str, payloads: list[str], now: dt.datetime) -> None:
    """The payloads of the numbered choices just shown (an empty list: none any more)."""
    with database.unit_of_work() as uow:
        uow.wechat.set_choices(channel, user_id, json.dumps(payloads, ensure_ascii=False), now)
        uow.commit()


def chosen_payloads(database: Database, channel: str, user_id: str) -> list[str]:
    with database.unit_of_work() as uow:
        kept = uow.wechat.choices(channel, user_id)
    try:
        found = json.loads(kept) if kept else []
    except ValueError:
        return []
    return [str(payload) for payload in found] if isinstance(found, list) else []


def token_needs_refresh(kept: KeptToken | None, now: dt.datetime, margin: dt.timedelta = TOKEN_REFRESH_MARGIN) -> bool:
    """A token is fetched again when there is none, or less than `margin` is left of its life."""
    return kept is None or kept.expires_at - now < margin


def usable_token(database: Database, app_key: str, now: dt.datetime) -> str | None:
    """The shared token for `app_key` when it is good for more than the margin, else None (fetch a new one)."""
    with database.unit_of_work() as uow:
        kept = uow.wechat.token(app_key)
    return None if token_needs_refresh(kept, now) or kept is None else kept.token


def store_token(database: Database, app_key: str, token: str, expires_in: int, now: dt.datetime) -> None:
    with database.unit_of_work() as uow:
        uow.wechat.set_token(app_key, token, now + dt.timedelta(seconds=expires_in))
        uow.commit()
