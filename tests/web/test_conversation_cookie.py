"""/api/chat's conversation is the server's signed cookie: kept by a client that keeps cookies, never forged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.store.migrate import upgrade_to_head
from tests.web.server import web_server
from tests.web.stub_rasa import StubRasa


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, StubRasa]]:
    work: Path = tmp_path_factory.mktemp("cookie")
    url = f"sqlite:///{work / 'cookie.db'}"
    upgrade_to_head(url)
    stub = StubRasa()
    with web_server(url, stub.url, "cookie-secret") as base:
        yield base, stub
    stub.stop()


def say(client: requests.Session, base: str, text: str) -> requests.Response:
    return client.post(base + "/api/chat", json={"message": text}, headers={"Origin": base}, timeout=20)


def test_a_client_that_loads_the_page_and_keeps_cookies_keeps_one_conversation(site: tuple[str, StubRasa]) -> None:
    base, stub = site
    client = requests.Session()
    assert client.get(base + "/", timeout=10).ok and "qj_chat" in client.cookies
    assert say(client, base, "你好").ok
    assert say(client, base, "二建延续").ok
    first, second = stub.received[-2:]
    assert first["sender"] == second["sender"] and first["sender"].startswith("web-")
    other = requests.Session()
    assert say(other, base, "你好").ok and "qj_chat" in other.cookies
    assert stub.received[-1]["sender"] != first["sender"]


def test_a_sender_in_the_body_or_a_forged_cookie_does_not_reach_another_conversation(
        site: tuple[str, StubRasa]) -> None:
    base, stub = site
    victim = requests.Session()
    say(victim, base, "你好")
    victim_sender = stub.received[-1]["sender"]
    intruder = requests.Session()
    intruder.post(base + "/api/chat", json={"message": "我的注册", "sender": victim_sender},
                  headers={"Origin": base}, timeout=20)
    assert stub.received[-1]["sender"] != victim_sender
    intruder.cookies.set("qj_chat", victim_sender)
    say(intruder, base, "我的注册")
    assert stub.received[-1]["sender"] != victim_sender
