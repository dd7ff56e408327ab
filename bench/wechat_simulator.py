"""A local stand-in for Tencent's side of the WeChat Official Account (公众号) and 企业微信 protocols (issue 18).

Nothing here reaches the internet. Two halves:

- `OfficialAccountSimulator` and `WeComSimulator` play the WeChat servers calling *our* webhook: the URL check (GET
  with a signature and echostr), user messages as the XML WeChat posts, in plain, compatible or safe (AES) mode, and
  WeChat's timer: a request not answered within `timeout` seconds (5 s at WeChat) is dropped and the same request
  is sent again, `attempts` times in all (WeChat: three, so 15 s). The reply is decrypted and checked as WeChat does.
- `FakeWeChatApi` plays api.weixin.qq.com / qyapi.weixin.qq.com for the messages *we* send: access tokens and the
  customer-service / application message APIs, recording each delivered message for assertions. Point
  WECHAT_API_BASE_URL / WECOM_API_BASE_URL at `FakeWeChatApi.url`.

Crypto and signatures are wechatpy's own (wechatpy.crypto.WeChatCrypto, wechatpy.enterprise.crypto.WeChatCrypto,
and check_signature's algorithm: sha1 of the sorted token, timestamp and nonce), so the simulator and the channel
agree only if the channel follows the documented protocol.
"""

from __future__ import annotations

import hashlib
import json
import random
import string
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from wechatpy.crypto import WeChatCrypto  # type: ignore[import-untyped]
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto  # type: ignore[import-untyped]

WECHAT_TIMEOUT_SECONDS = 5.0
WECHAT_ATTEMPTS = 3  # 微信服务器在五秒内收不到响应会断掉连接，并且重新发起请求，总共重试三次 (15 s in all)
ORIGINAL_ID = "gh_0123456789ab"  # the account's 原始ID: ToUserName of every message to an Official Account
EMPTY_REPLIES = ("", "success")  # what a server answers when it will not reply passively


def signature(*parts: str) -> str:
    """WeChat's signature: sha1 over the sorted parts, joined (token, timestamp, nonce[, encrypt])."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def nonce() -> str:
    return "".join(random.choices(string.digits, k=10))


def text_xml(fields: Mapping[str, str | int]) -> str:
    """The XML WeChat posts: text in CDATA, numbers bare, in the given order."""
    rows = [f"<{k}>{v}</{k}>" if isinstance(v, int) else f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items()]
    return "<xml>" + "".join(rows) + "</xml>"


def xml_fields(body: str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(body)}


@dataclass
class Delivery:
    """What WeChat made of one message: the reply it would show (text; "" for none), how many requests it took."""

    status_code: int
    text: str
    attempts: int
    seconds: float  # from the first request until the answered one returned
    reply_seconds: float  # how long the answered request itself took
    body: str = ""  # the raw response body
    fields: dict[str, str] = field(default_factory=dict)  # the (decrypted) reply XML's fields

    @property
    def passive(self) -> bool:
        """A real reply came back on the HTTP response (not "success", "" or an error)."""
        return self.status_code == 200 and self.text not in EMPTY_REPLIES


class _Caller:
    """WeChat's side of one POST: the same request sent again each time it is not answered within `timeout`."""

    timeout: float
    attempts: int

    def _post(self, url: str, params: dict[str, str], body: str) -> tuple[requests.Response | None, int, float, float]:
        started = time.monotonic()
        for attempt in range(1, self.attempts + 1):
            sent = time.monotonic()
            try:
                answer = requests.post(url, params=params, data=body.encode("utf-8"), timeout=self.timeout,
                                       headers={"Content-Type": "text/xml"})
                return answer, attempt, time.monotonic() - started, time.monotonic() - sent
            except requests.Timeout:
                continue
        return None, self.attempts, time.monotonic() - started, 0.0


class OfficialAccountSimulator(_Caller):
    """The WeChat server of one Official Account calling `url` (…/webhooks/wechat/webhook)."""

    def __init__(self, url: str, token: str, app_id: str, aes_key: str | None = None, *, mode: str | None = None,
                 original_id: str = ORIGINAL_ID, timeout: float = WECHAT_TIMEOUT_SECONDS,
                 attempts: int = WECHAT_ATTEMPTS) -> None:
        self.url, self.token, self.app_id, self.aes_key = url, token, app_id, aes_key
        self.mode = mode or ("safe" if aes_key else "plain")  # plain (明文), compat (兼容), safe (安全)
        assert self.mode in ("plain", "compat", "safe") and (self.mode == "plain" or aes_key)
        self.original_id, self.timeout, self.attempts = original_id, timeout, attempts
        self._msg_ids = iter(range(random.randrange(10**17, 9 * 10**17), 10**19))

    def crypto(self, token: str | None = None) -> Any:
        return WeChatCrypto(token or self.token, self.aes_key, self.app_id)

    def signed(self, token: str | None = None) -> dict[str, str]:
        params = {"timestamp": str(int(time.time())), "nonce": nonce()}
        params["signature"] = signature(token or self.token, params["timestamp"], params["nonce"])
        return params

    def verify(self, token: str | None = None, echostr: str = "") -> requests.Response:
        """The check WeChat makes when the URL is saved in 基本配置: the server must echo `echostr` back."""
        params = {**self.signed(token), "echostr": echostr or nonce() + nonce()}
        return requests.get(self.url, params=params, timeout=self.timeout)

    def next_msg_id(self) -> int:
        return next(self._msg_ids)

    def message(self, openid: str, fields: dict[str, str | int]) -> dict[str, str | int]:
        return {"ToUserName": self.original_id, "FromUserName": openid, "CreateTime": int(time.time()), **fields}

    def send_text(self, openid: str, text: str, msg_id: int | None = None, *, mode: str | None = None,
                  token: str | None = None) -> Delivery:
        fields: dict[str, str | int] = {"MsgType": "text", "Content": text,
                                        "MsgId": msg_id if msg_id is not None else self.next_msg_id()}
        return self.post(openid, self.message(openid, fields), mode=mode, token=token)

    def subscribe(self, openid: str, **kwargs: Any) -> Delivery:
        return self.post(openid, self.message(openid, {"MsgType": "event", "Event": "subscribe"}), **kwargs)

    def post(self, openid: str, message: dict[str, str | int], *, mode: str | None = None,
             token: str | None = None) -> Delivery:
        """POST one message as WeChat does, in `mode` (the simulator's by default); `token` signs instead of ours."""
        mode = mode or self.mode
        plain = text_xml(message)
        params = {**self.signed(token), "openid": openid}
        body = plain
        if mode != "plain":
            envelope = xml_fields(self.crypto(token).encrypt_message(plain, params["nonce"], params["timestamp"]))
            params.update({"encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]})
            wrapped = {"ToUserName": self.original_id, "Encrypt": envelope["Encrypt"]}
            body = text_xml(wrapped) if mode == "safe" else plain.replace(
                "</xml>", f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>")
        answer, attempts, seconds, reply_seconds = self._post(self.url, params, body)
        if answer is None:
            return Delivery(0, "", attempts, seconds, 0.0)
        return self._read(answer, openid, mode, attempts, seconds, reply_seconds)

    def _read(self, answer: requests.Response, openid: str, mode: str, attempts: int, seconds: float,
              reply_seconds: float) -> Delivery:
        body = answer.text
        if answer.status_code != 200 or body.strip() in EMPTY_REPLIES:
            return Delivery(answer.status_code, body.strip(), attempts, seconds, reply_seconds, body)
        fields = xml_fields(body)
        if mode != "plain" and "Encrypt" in fields:
            fields = xml_fields(self.crypto().decrypt_message(body, fields["MsgSignature"], fields["TimeStamp"],
                                                              fields["Nonce"]))
        elif mode == "safe":
            raise AssertionError(f"a safe-mode reply must be encrypted: {body[:200]}")
        assert fields.get("ToUserName") == openid and fields.get("FromUserName") == self.original_id, fields
        return Delivery(answer.status_code, fields.get("Content", ""), attempts, seconds, reply_seconds, body, fields)


class WeComSimulator(_Caller):
    """企业微信 calling a self-built application's 接收消息 URL (…/webhooks/wecom/webhook): always encrypted."""

    def __init__(self, url: str, token: str, corp_id: str, aes_key: str, agent_id: str | int, *,
                 timeout: float = WECHAT_TIMEOUT_SECONDS, attempts: int = WECHAT_ATTEMPTS) -> None:
        self.url, self.token, self.corp_id, self.aes_key = url, token, corp_id, aes_key
        self.agent_id, self.timeout, self.attempts = str(agent_id), timeout, attempts
        self._msg_ids = iter(range(random.randrange(10**17, 9 * 10**17), 10**19))

    def crypto(self, token: str | None = None) -> Any:
        return WeComCrypto(token or self.token, self.aes_key, self.corp_id)

    def verify(self, token: str | None = None, echo: str = "") -> tuple[requests.Response, str]:
        """The URL check: an encrypted echostr, signed with msg_signature; the server must answer it decrypted.
        Returns the response and the plain echo it should equal."""
        echo = echo or nonce() + nonce()
        envelope = xml_fields(self.crypto().encrypt_message(echo, nonce()))
        stamp, once, encrypted = envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"]
        params = {"msg_signature": signature(token or self.token, stamp, once, encrypted), "timestamp": stamp,
                  "nonce": once, "echostr": encrypted}
        return requests.get(self.url, params=params, timeout=self.timeout), echo

    def send_text(self, user_id: str, text: str, msg_id: int | None = None, *, token: str | None = None) -> Delivery:
        plain = text_xml({"ToUserName": self.corp_id, "FromUserName": user_id, "CreateTime": int(time.time()),
                          "MsgType": "text", "Content": text,
                          "MsgId": msg_id if msg_id is not None else next(self._msg_ids),
                          "AgentID": int(self.agent_id)})
        envelope = xml_fields(self.crypto(token).encrypt_message(plain, nonce()))
        params = {"msg_signature": envelope["MsgSignature"], "timestamp": envelope["TimeStamp"],
                  "nonce": envelope["Nonce"]}
        body = text_xml({"ToUserName": self.corp_id, "AgentID": self.agent_id, "Encrypt": envelope["Encrypt"]})
        answer, attempts, seconds, reply_seconds = self._post(self.url, params, body)
        if answer is None:
            return Delivery(0, "", attempts, seconds, 0.0)
        raw = answer.text
        if answer.status_code != 200 or raw.strip() in EMPTY_REPLIES:
            return Delivery(answer.status_code, raw.strip(), attempts, seconds, reply_seconds, raw)
        wrapped = xml_fields(raw)
        assert "Encrypt" in wrapped, f"a 企业微信 reply must be encrypted: {raw[:200]}"
        fields = xml_fields(self.crypto().decrypt_message(raw, wrapped["MsgSignature"], wrapped["TimeStamp"],
                                                          wrapped["Nonce"]))
        assert fields.get("ToUserName") == user_id and fields.get("FromUserName") == self.corp_id, fields
        return Delivery(answer.status_code, fields.get("Content", ""), attempts, seconds, reply_seconds, raw, fields)


class FakeWeChatApi:
    """api.weixin.qq.com and qyapi.weixin.qq.com on a loopback port: tokens, 客服消息 and 应用消息.

    A token is valid until another one is fetched for the same account (stricter than Tencent's 5-minute overlap),
    so a second place fetching tokens shows up as 40001 errors. `fail_next(40001)` makes the next send fail once
    and forgets the tokens given out so far."""

    def __init__(self, app_id: str = "", app_secret: str = "", corp_id: str = "", corp_secret: str = "") -> None:
        self.app_id, self.app_secret, self.corp_id, self.corp_secret = app_id, app_secret, corp_id, corp_secret
        self.deliveries: list[dict[str, Any]] = []
        self.token_fetches: dict[str, int] = {"oa": 0, "wecom": 0}
        self.refused: list[dict[str, Any]] = []
        self._tokens: dict[str, str] = {}
        self._failures: list[int] = []
        self._lock = threading.Condition()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeWeChatApi:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, errcode: int = 40001) -> None:
        with self._lock:
            self._failures.append(errcode)

    def delivered(self, touser: str) -> list[str]:
        with self._lock:
            return [d["text"]["content"] for d in self.deliveries if d.get("touser") == touser]

    def wait_for(self, touser: str, count: int = 1, timeout: float = 10.0) -> list[str]:
        """The texts delivered to `touser` once there are `count` of them (or whatever arrived in `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.delivered(touser)) < count and time.monotonic() < deadline:
                self._lock.wait(max(0.0, min(0.2, deadline - time.monotonic())))
            return self.delivered(touser)

    def _token(self, account: str) -> dict[str, Any]:
        with self._lock:
            self.token_fetches[account] += 1
            self._tokens[account] = f"{account}-token-{self.token_fetches[account]}-{nonce()}"
            return {"access_token": self._tokens[account], "expires_in": 7200}

    def _send(self, account: str, query: dict[str, str], body: bytes) -> dict[str, Any]:
        with self._lock:
            if query.get("access_token") != self._tokens.get(account):
                return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
            try:
                message = json.loads(body.decode("utf-8"))
            except ValueError:
                return {"errcode": 47001, "errmsg": "data format error"}
            if self._failures:
                code = self._failures.pop(0)
                self.refused.append({"api": account, "errcode": code, **message})
                if code == 40001:
                    self._tokens.pop(account, None)
                return {"errcode": code, "errmsg": "refused by FakeWeChatApi.fail_next"}
            content = (message.get("text") or {}).get("content")
            if not message.get("touser") or message.get("msgtype") != "text" or not isinstance(content, str):
                return {"errcode": 44003, "errmsg": "empty news data"}
            self.deliveries.append({"api": account, "at": time.monotonic(), **message})
            self._lock.notify_all()
            return {"errcode": 0, "errmsg": "ok"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def _answer(self, payload: dict[str, Any]) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _query(self) -> tuple[str, dict[str, str]]:
                parts = urlsplit(self.path)
                return parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}

            def do_GET(self) -> None:
                path, query = self._query()
                if path == "/cgi-bin/token":
                    good = query.get("grant_type") == "client_credential" and (
                        query.get("appid"), query.get("secret")) == (api.app_id, api.app_secret)
                    self._answer(api._token("oa") if good else {"errcode": 40013, "errmsg": "invalid appid"})
                elif path == "/cgi-bin/gettoken":
                    good = (query.get("corpid"), query.get("corpsecret")) == (api.corp_id, api.corp_secret)
                    self._answer({"errcode": 0, "errmsg": "ok", **api._token("wecom")} if good
                                 else {"errcode": 40001, "errmsg": "invalid corpsecret"})
                else:
                    self._answer({"errcode": 404, "errmsg": f"no such API {path}"})

            def do_POST(self) -> None:
                path, query = self._query()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                accounts = {"/cgi-bin/message/custom/send": "oa", "/cgi-bin/message/send": "wecom"}
                if path in accounts:
                    self._answer(api._send(accounts[path], query, body))
                else:
                    self._answer({"errcode": 404, "errmsg": f"no such API {path}"})

        return Handler


def aes_key(seed: str = "qianjian") -> str:
    """A 43-character EncodingAESKey, as the 公众号后台 generates (base64 of 32 bytes without the '=')."""
    import base64

    return base64.b64encode(hashlib.sha256(seed.encode("utf-8")).digest()).decode("ascii")[:-1]


def wait_until(check: Callable[[], bool], timeout: float, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()
