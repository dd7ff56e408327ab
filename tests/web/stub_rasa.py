"""A stand-in for Rasa's REST channel, for browser tests of the page itself (replies are canned)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REPLIES: list[dict[str, Any]] = [
    {"text": "延续注册应在注册有效期届满30日前申请。详见 http://zwfw.guizhou.gov.cn 。\n依据：黔建建通〔2023〕55号 第五条（一）2"},
    {"text": "您是想问：", "buttons": [{"title": "延续注册什么时候申请", "payload": "/faq"},
                                   {"title": "转人工客服", "payload": "/human_handoff"}]},
]
# What the actions add for the web server to record (bot/services/feedback.py TURN_PAYLOAD); never shown.
ANSWER_TURN = {"custom": {"turn": {"kind": "answer", "intent": "faq", "confidence": 0.93, "topic": "renewal",
                                   "city": "贵阳市"}}}
GOODBYE = [{"text": "再见，祝您工作顺利！"}, {"custom": {"turn": {"kind": "other", "intent": "goodbye", "confidence": 0.97}}}]


def replies_to(text: str) -> list[dict[str, Any]]:
    """The canned replies; an identification and 退出 also carry the actions' 'who is identified' message, an answer
    and a goodbye the 'what this turn was' message."""
    if text == "/switch_person":
        return [{"text": "好的，已清除身份信息。"}, {"custom": {"identity": None}}]
    if "王建国" in text:
        return [{"text": "已确认身份：王建国（5201**********1235）。"},
                {"custom": {"identity": {"name": "王建国", "masked": "5201**********1235"}}}]
    if "再见" in text:
        return GOODBYE
    if text == "你好":  # Rasa's own response: no turn message
        return [{"text": "您好！"}]
    return [*REPLIES, ANSWER_TURN]


class StubRasa:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                message = json.loads(self.rfile.read(length))
                received.append(message)
                body = json.dumps(replies_to(str(message.get("message", ""))), ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
