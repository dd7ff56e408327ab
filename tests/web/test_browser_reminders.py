"""A reminder notice in the chat page after identification, with the whole system running: the real web server,
Rasa and action server (tests/e2e/servers.py), on a database a reminder run has filled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from bot.config import ReminderSettings
from bot.replies.reminders import ReminderWording
from bot.services.reminder_senders import ChatNoticeSender
from bot.services.reminders import run_reminders
from bot.store.unit_of_work import Database
from tests.bot.records import person, registry_with
from tests.e2e.servers import MODEL, start_servers
from tests.web.server import web_server
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, PHONE, type_and_send

TODAY = "2025-12-01"
pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
              pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    work = tmp_path_factory.mktemp("browser-reminders")
    url = f"sqlite:///{work / 'reminders.db'}"
    database = registry_with(url, work, person("P000001"))
    today = dt.date.fromisoformat(TODAY)
    run_reminders(database, today, [ChatNoticeSender(today)], ReminderWording(), ReminderSettings())
    database.dispose()
    servers = start_servers(url, TODAY, work)
    try:
        with web_server(url, servers.rasa_url, "reminder-browser-secret") as base:
            yield base, url
    finally:
        servers.stop()


def statuses(url: str) -> set[str]:
    database = Database(url)
    try:
        with database.unit_of_work() as uow:
            return {m["status"] for m in uow.reminders.messages(subject_key="P000001")}
    finally:
        database.dispose()


def test_a_registrant_sees_the_reminder_notice_after_identifying(site: tuple[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    base, url = site
    assert statuses(url) == {"pending"}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        page.goto(base + "/")
        type_and_send(page, "王建国 011235")
        page.wait_for_selector(".row.bot >> text=已确认身份", timeout=60_000)
        notice = page.locator(".row.bot .bubble", has_text="条提醒")
        notice.wait_for(timeout=30_000)
        text = notice.inner_text()
        assert "2026年1月29日" in text and "还差77.5学时" in text and "不用提醒我" in text
        assert "依据：黔建建通〔2023〕55号 第五条（一）2" in text and "520102" not in text
        bubbles = page.locator(".row.bot .bubble").all_inner_texts()
        confirmed = next(i for i, b in enumerate(bubbles) if "已确认身份" in b)
        assert "条提醒" in bubbles[confirmed + 1]  # right after the confirmation
        type_and_send(page, "不用提醒我")
        page.wait_for_selector(".row.bot >> text=以后不再给您发送", timeout=30_000)
        browser.close()
    assert statuses(url) == {"sent"}
