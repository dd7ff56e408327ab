"""Every page carries CSP, nosniff and no referrer; only the chat page may be framed, by the host sites."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.store.migrate import upgrade_to_head
from bot.web.security_headers import security_headers
from tests.web.server import web_server

HOST_SITE = "https://jst.guizhou.gov.cn"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work: Path = tmp_path_factory.mktemp("headers")
    url = f"sqlite:///{work / 'headers.db'}"
    upgrade_to_head(url)
    with web_server(url, "http://127.0.0.1:9", "headers-secret", {"ASSISTANT_ALLOWED_ORIGINS": HOST_SITE}) as found:
        yield found


@pytest.mark.parametrize("path", ["/", "/staff/login", "/widget.js", "/static/chat.js", "/healthz"])
def test_every_response_carries_the_headers(base: str, path: str) -> None:
    reply = requests.get(base + path, timeout=10)
    policy = reply.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "'unsafe-eval'" not in policy
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in reply.headers  # plain HTTP here


def test_only_the_chat_page_may_be_framed_and_only_by_the_host_sites(base: str) -> None:
    chat = requests.get(base + "/", timeout=10).headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {HOST_SITE}" in chat
    staff = requests.get(base + "/staff/login", timeout=10).headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in staff and HOST_SITE not in staff


def test_hsts_only_over_tls() -> None:
    assert "Strict-Transport-Security" in security_headers("/", True, set())
    assert "Strict-Transport-Security" not in security_headers("/", False, set())
