"""The web server as a real process: chat proxy limits, drafts as HTML and PDF behind signed links."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.db.migrate import upgrade_to_head
from bot.documents import link_key
from bot.drafts import DraftKind, DraftRequest, check_draft, draft_content, save_draft
from bot.registry.importer import import_file
from bot.registry.unit_of_work import Database
from rules_engine.record import parse_record
from tests.bot.records import lines, person
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    work = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{work / 'web.db'}"
    upgrade_to_head(url)
    database = Database(url)
    record = person("P000001", name="<b>王建国</b>")
    (work / "in.jsonl").write_text(lines(record), encoding="utf-8")
    import_file(database, work / "in.jsonl")
    request = DraftRequest(DraftKind.RENEWAL, "P000001", ("建筑工程",), phone="13800000000")
    today = dt.date(2025, 12, 1)
    parsed = parse_record(record)
    with database.unit_of_work() as uow:
        draft, _ = save_draft(uow, request, draft_content(parsed, request, check_draft(parsed, request, today), today),
                              "conv", dt.datetime(2025, 12, 1, 8), today)
    database.dispose()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "WEB_PORT": str(port), "RASA_URL": f"http://127.0.0.1:{free_port()}",
           "ASSISTANT_SECRET": "test-secret"}
    process = subprocess.Popen([sys.executable, "-m", "bot.web"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                break
        except requests.RequestException:
            time.sleep(0.5)
    os.environ["ASSISTANT_SECRET"] = "test-secret"
    yield base, draft.reference
    del os.environ["ASSISTANT_SECRET"]
    process.terminate()
    process.wait(timeout=20)


def test_chat_page_is_served(web: tuple[str, str]) -> None:
    page = requests.get(web[0] + "/", timeout=10)
    assert page.ok and "黔建问答助手" in page.text and "/static/chat.js" in page.text


def test_messages_over_the_limit_and_empty_ones_are_refused(web: tuple[str, str]) -> None:
    long = requests.post(web[0] + "/api/chat", json={"sender": "s", "message": "长" * 501}, timeout=10)
    assert long.status_code == 413 and "500" in long.json()["error"]
    empty = requests.post(web[0] + "/api/chat", json={"sender": "s", "message": "   "}, timeout=10)
    assert empty.status_code == 400 and "不能为空" in empty.json()["error"]


def test_assistant_down_gives_a_chinese_message(web: tuple[str, str]) -> None:
    reply = requests.post(web[0] + "/api/chat", json={"sender": "s", "message": "你好"}, timeout=20)
    assert reply.status_code == 503 and "暂时无法回复" in reply.json()["messages"][0]["text"]


def test_draft_opens_only_with_its_signed_key(web: tuple[str, str]) -> None:
    base, reference = web
    assert requests.get(f"{base}/drafts/{reference}?key=wrong", timeout=10).status_code == 404
    page = requests.get(f"{base}/drafts/{reference}?key={link_key(reference)}", timeout=10)
    assert page.ok and reference in page.text and "5201**********1235" in page.text
    assert "&lt;b&gt;王建国&lt;/b&gt;" in page.text and "<b>王建国</b>" not in page.text
    assert "520102198001011235" not in page.text
    pdf = requests.get(f"{base}/drafts/{reference}.pdf?key={link_key(reference)}", timeout=30)
    assert pdf.ok and pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
