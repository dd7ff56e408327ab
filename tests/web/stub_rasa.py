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


class StubRasa:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                received.append(json.loads(self.rfile.read(length)))
                body = json.dumps(REPLIES, ensure_ascii=False).encode("utf-8")
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
