"""The customer-service (Official Account) and message (企业微信) APIs, called with aiohttp (wechatpy's own client
blocks on requests, which would stop Rasa's event loop).

The access token is shared by every replica through the database (bot/services/wechat_inbox.py): fetched when none
is kept or less than 5 minutes are left of its life, and fetched again once when a call answers that it is invalid
or expired (errcode 40001, 42001)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.services import wechat_inbox
from bot.services.database import shared_database

logger = logging.getLogger(__name__)

TOKEN_INVALID = {40001, 42001, 40014}
REQUEST_SECONDS = 10.0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class ApiError(Exception):
    pass


@dataclass(frozen=True)
class ApiClient:
    """One account's API: where its token comes from and how a text is sent to one user."""

    app_key: str  # the token's key in the shared cache: "wechat:<AppID>", "wecom:<CorpID>:<AgentId>"
    base_url: str
    token_path: str  # "/cgi-bin/token" or "/cgi-bin/gettoken"
    token_params: dict[str, str]
    send_path: str  # "/cgi-bin/message/custom/send" or "/cgi-bin/message/send"
    message: Callable[[str, str], dict[str, Any]]  # (user, text) → the JSON body

    async def _get_json(self, session: aiohttp.ClientSession, path: str, params: dict[str, str]) -> dict[str, Any]:
        async with session.get(self.base_url.rstrip("/") + path, params=params) as answer:
            found = await answer.json(content_type=None)
        return found if isinstance(found, dict) else {}

    async def access_token(self, session: aiohttp.ClientSession, fresh: bool = False) -> str:
        database = shared_database()
        if not fresh:
            kept = await asyncio.to_thread(wechat_inbox.usable_token, database, self.app_key, _now())
            if kept:
                return kept
        found = await self._get_json(session, self.token_path, self.token_params)
        token, lasts = found.get("access_token"), found.get("expires_in", 7200)
        if not isinstance(token, str) or not token:
            raise ApiError(f"no access token (errcode {found.get('errcode')})")
        await asyncio.to_thread(wechat_inbox.store_token, database, self.app_key, token, int(lasts), _now())
        return token

    async def send_text(self, user: str, text: str) -> None:
        """Send one text to one user; raises ApiError when the API refuses it."""
        timeout = aiohttp.ClientTimeout(total=REQUEST_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            token = await self.access_token(session)
            for attempt in (1, 2):
                url = self.base_url.rstrip("/") + self.send_path
                async with session.post(url, params={"access_token": token}, json=self.message(user, text)) as answer:
                    found = await answer.json(content_type=None)
                code = found.get("errcode", 0) if isinstance(found, dict) else -1
                if code == 0:
                    return
                if code in TOKEN_INVALID and attempt == 1:
                    token = await self.access_token(session, fresh=True)
                    continue
                raise ApiError(f"send refused (errcode {code})")


def official_account_client(base_url: str, app_id: str, app_secret: str) -> ApiClient:
    return ApiClient(
        app_key=f"wechat:{app_id}", base_url=base_url, token_path="/cgi-bin/token",
        token_params={"grant_type": "client_credential", "appid": app_id, "secret": app_secret},
        send_path="/cgi-bin/message/custom/send",
        message=lambda user, text: {"touser": user, "msgtype": "text", "text": {"content": text}})


def wecom_client(base_url: str, corp_id: str, agent_id: str, secret: str) -> ApiClient:
    agent: int | str = int(agent_id) if agent_id.isdigit() else agent_id
    return ApiClient(
        app_key=f"wecom:{corp_id}:{agent_id}", base_url=base_url, token_path="/cgi-bin/gettoken",
        token_params={"corpid": corp_id, "corpsecret": secret}, send_path="/cgi-bin/message/send",
        message=lambda user, text: {"touser": user, "msgtype": "text", "agentid": agent, "text": {"content": text}})
