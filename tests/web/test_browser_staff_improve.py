"""Staff improving the assistant in a real browser, against the whole system `make run` starts (Rasa, the action
server, the web server) on copies of data/answers and the reviewed-examples file: marking a message's topic, and
rewording an answer that the chat then gives, without a retrain."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bench.system import Supervised, supervised
from bot.config import PROJECT_ROOT
from bot.services.helpdesk import add_staff
from tests.bot.records import person, registry_with
from tests.e2e.servers import MODEL
from tests.web.browser_steps import STAFF_NAME, STAFF_PASSWORD, log_in_as_staff
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, type_and_send

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)"),
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)")]
TODAY = "2025-12-01"
NOW = dt.datetime(2025, 12, 1, 9)
OLD_WORDS, NEW_WORDS = "注册有效期满需继续执业的", "注册证书快到期、还要继续执业的"


@dataclass
class System:
    running: Supervised
    answers: Path
    reviewed: Path
    turn_id: int


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    work = tmp_path_factory.mktemp("improve")
    url = f"sqlite:///{work / 'improve.db'}"
    database = registry_with(url, work, person("P000001"))
    with database.unit_of_work() as uow:
        add_staff(uow, STAFF_NAME, STAFF_PASSWORD, False, NOW)
        turn_id = uow.turns.add("key-1", NOW, NOW.date(), "贵阳市", "证书挂靠被查到会怎样", "decline", "out_of_scope",
                                0.38, None, None)
        uow.commit()
    database.dispose()
    answers, reviewed = work / "answers", work / "reviewed.yml"
    shutil.copytree(PROJECT_ROOT / "data" / "answers", answers)
    shutil.copy(PROJECT_ROOT / "data" / "nlu" / "reviewed.yml", reviewed)
    running = supervised(url, TODAY, work)
    running.env.update({"ANSWERS_DIR": str(answers), "REVIEWED_EXAMPLES_FILE": str(reviewed)})
    running.start()
    yield System(running, answers, reviewed, turn_id)
    running.stop()


@pytest.fixture
def browser_page() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield context.new_page()
        browser.close()


def test_a_staff_member_marks_a_message_s_topic(system: System, browser_page: object) -> None:
    page = browser_page  # type: ignore[assignment]
    base = system.running.web_url
    log_in_as_staff(page, base)
    page.goto(f"{base}/staff/review/{system.turn_id}")
    page.wait_for_selector("text=证书挂靠被查到会怎样")
    assert page.locator("#reviewed").inner_text() == "未标注"
    page.select_option("#topic", label="承诺制和虚假申报的后果")
    page.click("button:has-text('保存标注')")
    page.wait_for_selector("text=已保存标注")
    assert page.locator("#reviewed").inner_text().startswith(f"承诺制和虚假申报的后果（{STAFF_NAME}，")
    assert page.locator("#topic").input_value() == "commitment"
    written = yaml.safe_load(system.reviewed.read_text(encoding="utf-8"))
    assert written["nlu"] == [{"intent": "faq/commitment", "examples": "- 证书挂靠被查到会怎样\n"}]


def test_an_edited_answer_is_what_the_chat_says_next_without_a_retrain(system: System, browser_page: object) -> None:
    page = browser_page  # type: ignore[assignment]
    base = system.running.web_url
    page.goto(base + "/")
    type_and_send(page, "延续注册要提前多少天申请")
    page.wait_for_selector(f".row.bot >> text={OLD_WORDS}", timeout=60_000)
    log_in_as_staff(page, base)
    page.goto(base + "/staff/answers")
    page.click("a[href='/staff/answers/knowledge/renewal']")
    wording = page.input_value("#t0")
    assert OLD_WORDS in wording and "{renewal_lead_days}" in wording
    page.fill("#t0", wording.replace("{renewal_lead_days}日", "30日"))
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=不能直接写数字（30）")
    assert OLD_WORDS in (system.answers / "knowledge.yml").read_text(encoding="utf-8")
    page.fill("#t0", wording.replace(OLD_WORDS, NEW_WORDS))
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=新的措辞从下一条消息起生效")
    assert NEW_WORDS in (system.answers / "knowledge.yml").read_text(encoding="utf-8")
    page.goto(base + "/")
    type_and_send(page, "延续注册要提前多少天申请")
    page.wait_for_selector(f".row.bot >> text={NEW_WORDS}", timeout=60_000)
    bubble = page.locator(".row.bot .bubble", has_text=NEW_WORDS).last.inner_text()
    assert "届满30日前" in bubble and "依据：黔建建通〔2023〕55号 第五条（一）2" in bubble
