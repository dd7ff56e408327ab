"""The 企业微信 self-built app channel (credentials.yml: bot.rasa.wecom.WeComInput): GET/POST /webhooks/wecom/webhook,
configured from the settings (WECOM_*, docs/configuration.md).

- WECOM_TOKEN unset: the endpoint answers 404 (the channel is inert).
- GET is the callback URL check: msg_signature over the encrypted echostr, which is answered decrypted; else 403.
- POST is always encrypted (wechatpy.enterprise.crypto.WeChatCrypto): msg_signature checked (403 when wrong), the
  reply encrypted. Text messages go to Rasa as sender `wecom:<UserID>`; the 5-second rule is
  bot/rasa/wechat_delivery.py's, with late answers sent through the app's message API.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.enterprise.replies import TextReply
from wechatpy.exceptions import InvalidSignatureException

from bot.config import secret, settings
from bot.rasa.wechat import MAX_BODY_BYTES, SUCCESS, reply_xml
from bot.rasa.wechat_api import ApiClient, wecom_client
from bot.rasa.wechat_delivery import Delivery, OnNewMessage

logger = logging.getLogger(__name__)


def wecom_api() -> ApiClient | None:
    found = settings()
    corp_secret = secret("WECOM_SECRET")
    if not (found.wecom_corp_id and found.wecom_agent_id and corp_secret):
        return None
    return wecom_client(found.wecom_api_base_url, found.wecom_corp_id, found.wecom_agent_id, corp_secret)


def _crypto(token: str) -> WeChatCrypto | None:
    aes_key = secret("WECOM_AES_KEY")
    corp_id = settings().wecom_corp_id
    return WeChatCrypto(token, aes_key, corp_id) if aes_key and corp_id else None


class WeComInput(InputChannel):  # type: ignore[misc]
    def __init__(self) -> None:
        self.delivery = Delivery(self.name(), wecom_api)

    @classmethod
    def name(cls) -> str:
        return "wecom"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeComInput:
        return cls()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @webhook.get("/webhook")
        async def verify(request: Request) -> HTTPResponse:
            token = secret("WECOM_TOKEN")
            if not token:
                return response.text("", status=404)
            crypto = _crypto(token)
            if crypto is None:
                return response.text("", status=503)
            args = request.args
            try:
                echo = crypto.check_signature(args.get("msg_signature", ""), args.get("timestamp", ""),
                                              args.get("nonce", ""), args.get("echostr", ""))
            except (InvalidSignatureException, InvalidCorpIdException):
                return response.text("", status=403)
            except Exception:
                return response.text("", status=400)
            return response.text(echo.decode("utf-8") if isinstance(echo, bytes) else str(echo))

        @webhook.post("/webhook")
        async def receive(request: Request) -> HTTPResponse:
            token = secret("WECOM_TOKEN")
            if not token:
                return response.text("", status=404)
            return await self._receive(request, token, on_new_message)

        return webhook

    async def _receive(self, request: Request, token: str, on_new_message: OnNewMessage) -> HTTPResponse:
        crypto = _crypto(token)
        if crypto is None:
            return response.text("", status=503)
        body = request.body or b""
        if len(body) > MAX_BODY_BYTES:
            return response.text("", status=413)
        args = request.args
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        try:
            xml = crypto.decrypt_message(body, args.get("msg_signature", ""), timestamp, nonce)
        except (InvalidSignatureException, InvalidCorpIdException):
            return response.text("", status=403)
        except Exception:
            logger.warning("a wecom message could not be decrypted")
            return response.text("", status=400)
        xml_reply = await reply_xml(xml, parse_message, TextReply, self.delivery, on_new_message)
        if xml_reply is None:
            return response.text("", status=400)
        if xml_reply == SUCCESS:
            return response.text(SUCCESS)
        return response.text(crypto.encrypt_message(xml_reply, nonce, timestamp), content_type="application/xml")
