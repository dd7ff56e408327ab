"""The WeChat Official Account channel (credentials.yml: bot.rasa.wechat.WeChatOfficialAccountInput):
GET/POST /webhooks/wechat/webhook, everything configured from the settings (WECHAT_*, docs/configuration.md).

- WECHAT_TOKEN unset: the endpoint answers 404 (the channel is inert).
- GET is WeChat's URL check: the echostr back when the signature (Token, timestamp, nonce) checks, else 403.
- POST: the signature is checked on every call (403 when wrong); with WECHAT_AES_KEY set (safe mode) the message is
  encrypted, its msg_signature checked and the reply encrypted the same way (wechatpy.crypto.WeChatCrypto).
- Text messages go to Rasa as sender `wechat:<OpenID>`, the subscribe event gets the welcome with suggested
  questions as numbered choices; the 5-second rule, choices and splitting are bot/rasa/wechat_delivery.py's.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.config import secret, settings
from bot.rasa.wechat_api import ApiClient, official_account_client
from bot.rasa.wechat_delivery import Delivery, OnNewMessage, Pushed
from bot.replies.messages import say

logger = logging.getLogger(__name__)

SUCCESS = "success"  # what WeChat takes as "received, no reply"
MAX_BODY_BYTES = 64 * 1024


def official_account_api() -> ApiClient | None:
    """The customer-service API, when the account is verified and its AppID and AppSecret are set."""
    found = settings()
    app_secret = secret("WECHAT_APP_SECRET")
    if not (found.wechat_account_verified and found.wechat_app_id and app_secret):
        return None
    return official_account_client(found.wechat_api_base_url, found.wechat_app_id, app_secret)


MEDIA_TYPES = frozenset({"image", "voice", "video", "shortvideo", "location", "link"})


async def reply_xml(xml: str | bytes, parse: Callable[[Any], Any], reply_type: Any, delivery: Delivery,
                    on_new_message: OnNewMessage) -> str | None:
    """One pushed message's reply, as the XML both channels send back (before 企业微信's or safe mode's
    encryption), or SUCCESS when there is nothing to reply now; None when the XML does not parse."""
    try:
        message = parse(xml)
    except Exception:
        return None
    if message is None:
        return None
    pushed = pushed_of(message)
    if pushed is None:
        text = say("wechat", "text_only") if message.type in MEDIA_TYPES else None
    else:
        text = await delivery.reply(pushed, on_new_message)
    return SUCCESS if text is None else str(reply_type(content=text, message=message).render())


def pushed_of(message: Any) -> Pushed | None:
    """A text message or a subscribe event (wechatpy's parsed message) as what the delivery handles; else None."""
    if message.type == "text":
        return Pushed(message.source, f"msg:{message.id}", message.content or "")
    if message.type == "event" and getattr(message, "event", "") == "subscribe":
        return Pushed(message.source, f"event:{message.source}:{message.time}", None)
    return None


class WeChatOfficialAccountInput(InputChannel):  # type: ignore[misc]
    def __init__(self) -> None:
        self.delivery = Delivery(self.name(), official_account_api)

    @classmethod
    def name(cls) -> str:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeChatOfficialAccountInput:
        return cls()  # everything comes from the settings

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @webhook.get("/webhook")
        async def verify(request: Request) -> HTTPResponse:
            token = secret("WECHAT_TOKEN")
            if not token:
                return response.text("", status=404)
            if not _signed(request, token):
                return response.text("", status=403)
            return response.text(request.args.get("echostr", ""))

        @webhook.post("/webhook")
        async def receive(request: Request) -> HTTPResponse:
            token = secret("WECHAT_TOKEN")
            if not token:
                return response.text("", status=404)
            return await self._receive(request, token, on_new_message)

        return webhook

    async def _receive(self, request: Request, token: str, on_new_message: OnNewMessage) -> HTTPResponse:
        if not _signed(request, token):
            return response.text("", status=403)
        body = request.body or b""
        if len(body) > MAX_BODY_BYTES:
            return response.text("", status=413)
        args = request.args
        aes_key = secret("WECHAT_AES_KEY")
        crypto = WeChatCrypto(token, aes_key, settings().wechat_app_id or "") if aes_key else None
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        try:
            xml = body if crypto is None else crypto.decrypt_message(body, args.get("msg_signature", ""), timestamp,
                                                                     nonce)
        except (InvalidSignatureException, InvalidAppIdException):
            return response.text("", status=403)
        except Exception:
            logger.warning("a wechat message could not be decrypted")
            return response.text("", status=400)
        xml_reply = await reply_xml(xml, parse_message, TextReply, self.delivery, on_new_message)
        if xml_reply is None:
            return response.text("", status=400)
        if xml_reply == SUCCESS:
            return response.text(SUCCESS)
        if crypto is not None:
            xml_reply = crypto.encrypt_message(xml_reply, nonce, timestamp)
        return response.text(xml_reply, content_type="application/xml")


def _signed(request: Request, token: str) -> bool:
    args = request.args
    try:
        check_signature(token, args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", ""))
    except InvalidSignatureException:
        return False
    return True
