"""The pages in a real browser (Debian's chromium, driven by Playwright): what a person sees and does."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.exchange.importer import import_file
from bot.services.handover import open_ticket
from bot.services.helpdesk import add_staff
from bot.services.identity import issue_access_code
from bot.store.migrate import upgrade_to_head
from bot.store.unit_of_work import Database
from tests.bot.records import EMPLOYER, lines, person
from tests.web.browser_steps import STAFF_NAME, STAFF_PASSWORD, log_in_as_staff
from tests.web.server import web_server
from tests.web.stub_rasa import StubRasa

CHROMIUM = Path("/usr/bin/chromium")
DATABASE: dict[str, str] = {}
ACCESS: dict[str, str] = {}
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE, DESKTOP = {"width": 375, "height": 740}, {"width": 1280, "height": 900}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, StubRasa]]:
    work = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{work / 'browser.db'}"
    DATABASE["url"] = url
    upgrade_to_head(url)
    database = Database(url)
    (work / "in.jsonl").write_text(lines(person("P000001")), encoding="utf-8")
    import_file(database, work / "in.jsonl")
    with database.unit_of_work() as uow:
        add_staff(uow, STAFF_NAME, STAFF_PASSWORD, False, dt.datetime(2025, 12, 1))
        ACCESS["code"] = issue_access_code(uow, EMPLOYER["credit_code"]) or ""
    open_ticket(database, "conv-browser", "P000001", "转人工", [{"who": "user", "text": "<script>alert(1)</script>"}],
                dt.datetime(2025, 12, 1, 9))
    database.dispose()
    stub = StubRasa()
    with web_server(url, stub.url, "browser-secret") as base:
        yield base, stub
    stub.stop()


@pytest.fixture
def phone() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
        yield context.new_page()
        browser.close()


def test_chat_looks_like_wechat_and_keeps_its_history(site: tuple[str, StubRasa], phone: object) -> None:
    base, stub = site
    page = phone  # type: ignore[assignment]
    page.goto(base + "/")
    type_and_send(page, "二建延续什么时候申请")
    page.wait_for_selector(".row.bot >> text=依据：黔建建通〔2023〕55号 第五条（一）2")
    user_bubble = page.locator(".row.user .bubble").last
    assert user_bubble.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(149, 236, 105)"
    bot_bubble = page.locator(".row.bot .bubble").nth(1)
    assert bot_bubble.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 255)"
    assert page.locator(".row.bot a[href='http://zwfw.guizhou.gov.cn']").count() >= 1
    assert page.locator(".time").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shoot(page, "chat")
    sent = len(stub.received)
    page.locator(".buttons button", has_text="转人工客服").first.click()
    assert received_after(stub, sent)[-1]["message"] == "/human_handoff"
    sender = stub.received[-1]["sender"]
    page.reload()
    page.wait_for_selector(".row.user >> text=转人工客服")
    sent = len(stub.received)
    page.fill("#input", "再问一句")
    page.press("#input", "Enter")
    assert received_after(stub, sent)[-1]["sender"] == sender


def test_enter_does_not_send_while_an_input_method_is_composing(site: tuple[str, StubRasa], phone: object) -> None:
    base, stub = site
    page = phone  # type: ignore[assignment]
    page.goto(base + "/")
    before = len(stub.received)
    page.fill("#input", "er jian")
    page.dispatch_event("#input", "compositionstart")
    page.press("#input", "Enter")
    page.wait_for_timeout(300)
    assert len(stub.received) == before and page.input_value("#input") == "er jian"
    page.dispatch_event("#input", "compositionend")
    page.press("#input", "Enter")
    assert len(received_after(stub, before)) == before + 1


def test_too_long_messages_are_refused_in_the_page(site: tuple[str, StubRasa], phone: object) -> None:
    base, stub = site
    page = phone  # type: ignore[assignment]
    page.goto(base + "/")
    before = len(stub.received)
    page.evaluate("document.getElementById('input').removeAttribute('maxlength')")
    page.fill("#input", "长" * 600)
    page.press("#input", "Enter")
    page.wait_for_selector("text=消息太长了")
    assert len(stub.received) == before


def test_replies_are_shown_as_text_never_as_html(site: tuple[str, StubRasa], phone: object) -> None:
    base, _ = site
    page = phone  # type: ignore[assignment]
    page.goto(base + "/")
    type_and_send(page, "<img src=x onerror=alert(1)>")
    page.wait_for_selector(".row.user >> text=<img src=x onerror=alert(1)>")
    assert page.locator(".bubble img").count() == 0


def test_the_browser_keeps_no_whole_id_number(site: tuple[str, StubRasa], phone: object) -> None:
    base, stub = site
    page = phone  # type: ignore[assignment]
    page.goto(base + "/")
    before = len(stub.received)
    type_and_send(page, "王建国 52010219800101123５")
    received_after(stub, before)
    page.wait_for_selector("#who:not([hidden])")
    stored = page.evaluate("sessionStorage.getItem('qianjian-chat')")
    assert "5201**********123５" in stored
    assert "52010219800101123" not in stored
    # Nothing outlives the tab: the next person at a shared PC opens a new one.
    assert page.evaluate("localStorage.getItem('qianjian-chat')") is None


def test_the_page_shows_who_is_identified_and_logout_forgets_them(site: tuple[str, StubRasa], phone: object) -> None:
    base, stub = site
    page = phone  # type: ignore[assignment]
    page.goto(base + "/")
    type_and_send(page, "王建国 011235")
    page.wait_for_selector("#who:not([hidden])")
    assert "王建国" in page.inner_text("#who") and "5201**********1235" in page.inner_text("#who")
    shoot(page, "chat-identified")
    before_cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "qj_chat")
    sender = stub.received[-1]["sender"]
    count = len(stub.received)
    page.click("#logout")
    page.wait_for_selector("#who", state="hidden")
    forgot = received_after(stub, count)[-1]
    # The server cleared the identity of the conversation this browser had, and gave it a new one.
    assert forgot["message"] == "/switch_person" and forgot["sender"] == sender
    assert next(c["value"] for c in page.context.cookies() if c["name"] == "qj_chat") != before_cookie
    assert "王建国" not in page.inner_text("#log") and "已退出" in page.inner_text("#log")
    assert "王建国" not in (page.evaluate("sessionStorage.getItem('qianjian-chat')") or "")
    page.reload()
    assert "王建国" not in page.inner_text("#log")


def type_and_send(page: object, text: str) -> None:
    page.fill("#input", text)  # type: ignore[attr-defined]
    page.press("#input", "Enter")  # type: ignore[attr-defined]


def received_after(stub: StubRasa, count: int, timeout: float = 10.0) -> list[dict[str, object]]:
    """Wait until the stand-in Rasa has received more than `count` messages (the page posts asynchronously)."""
    deadline = time.monotonic() + timeout
    while len(stub.received) <= count and time.monotonic() < deadline:
        time.sleep(0.05)
    return stub.received


def shoot(page: object, name: str) -> None:
    """The page at phone and desktop sizes, for the README."""
    for size, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)  # type: ignore[attr-defined]
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)  # type: ignore[attr-defined]
    page.set_viewport_size(PHONE)  # type: ignore[attr-defined]


def test_staff_console_lookup_and_claim_in_the_browser(site: tuple[str, StubRasa], phone: object) -> None:
    base, _ = site
    page = phone  # type: ignore[assignment]
    log_in_as_staff(page, base)
    page.fill("input[name=q]", "王建国")
    page.click("button:has-text('查找')")
    page.click("a:has-text('王建国')")
    page.wait_for_selector("text=可宣读的说明")
    assert page.locator("text=5201**********1235").count() >= 1
    assert page.locator("text=2026年1月29日").count() >= 1
    shoot(page, "staff")
    page.goto(base + "/staff/tickets/1")
    assert page.locator("text=<script>alert(1)</script>").count() == 1
    page.click("button:has-text('接手')")
    page.wait_for_selector("text=处理中")
    assert page.locator("text=browser-staff").count() >= 1


def test_employer_login_roster_and_csv_download(site: tuple[str, StubRasa], phone: object) -> None:
    base, _ = site
    page = phone  # type: ignore[assignment]
    page.goto(base + "/employer/login")
    page.fill("input[name=credit_code]", EMPLOYER["credit_code"])
    page.fill("input[name=access_code]", ACCESS["code"])
    page.click("button:has-text('登录')")
    page.wait_for_selector("text=本单位注册人员")
    assert page.locator("text=5201**********1235").count() == 1
    shoot(page, "employer")
    with page.expect_download() as download:
        page.click("a:has-text('下载 CSV')")
    content = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert content.startswith("姓名,身份证号") and "5201**********1235" in content


def test_thumbs_up_and_down_with_a_reason_under_an_answer(site: tuple[str, StubRasa], phone: object) -> None:
    base, _ = site
    page = phone  # type: ignore[assignment]
    page.goto(base + "/")
    page.wait_for_selector(".buttons.suggestions button")  # the welcome's suggested questions
    assert page.locator(".buttons.suggestions button").count() == 4
    type_and_send(page, "延续注册什么时候申请")
    bar = page.locator(".feedback").last
    bar.wait_for()
    bar.locator("button.thumb.up").click()
    page.wait_for_selector(".feedback .thumb.up.chosen")
    assert "感谢您的反馈" in bar.inner_text()
    assert bar.locator(".reasons").is_hidden()
    bar.locator("button.thumb.down").click()
    page.wait_for_selector(".feedback .thumb.down.chosen")
    assert bar.locator(".reasons button").all_inner_texts() == ["答非所问", "信息有误", "没看懂", "其他"]
    bar.locator(".reasons button", has_text="信息有误").click()
    page.wait_for_selector(".feedback .reason.chosen")
    turn = int(bar.get_attribute("data-turn"))
    database = Database(DATABASE["url"])
    with database.engine.connect() as connection:
        vote, reason = connection.exec_driver_sql("SELECT vote, vote_reason FROM turns WHERE id = ?", (turn,)).one()
    database.dispose()
    assert (vote, reason) == (-1, "信息有误")
    shoot(page, "chat-feedback")
    page.reload()  # what was chosen stays with the tab
    page.wait_for_selector(".feedback .reason.chosen")


def test_the_rating_card_after_goodbye(site: tuple[str, StubRasa], phone: object) -> None:
    base, _ = site
    page = phone  # type: ignore[assignment]
    page.goto(base + "/")
    type_and_send(page, "延续注册什么时候申请")
    page.wait_for_selector(".feedback")
    type_and_send(page, "再见")
    card = page.locator(".rating[data-occasion=end]")
    card.wait_for()
    assert card.locator(".levels button").all_inner_texts() == ["非常满意", "满意", "一般", "不满意", "非常不满意"]
    card.locator("button", has_text="满意").first.click()
    page.wait_for_selector(".rating .levels button.chosen")
    assert "感谢您的评价" in card.inner_text()
    database = Database(DATABASE["url"])
    with database.engine.connect() as connection:
        ratings = list(connection.exec_driver_sql("SELECT rating, occasion, topic FROM service_ratings"))
    database.dispose()
    assert (5, "end", "renewal") in [tuple(r) for r in ratings]


def test_insights_page_shows_its_charts(site: tuple[str, StubRasa], phone: object) -> None:
    base, _ = site
    page = phone  # type: ignore[assignment]
    log_in_as_staff(page, base)
    page.click("a:has-text('咨询分析')")
    page.wait_for_selector("svg.chart")
    assert page.locator("svg.chart rect").count() > 30  # a bar (and a tooltip) per day and series
    assert page.locator("svg.chart").count() == 2
    assert page.locator("svg.chart").first.bounding_box()["width"] > 300  # type: ignore[index]
    assert page.locator("text=延续注册什么时候申请").count() >= 1
    page.goto(base + "/staff/insights?from=2025-13-40")
    assert page.locator("text=日期格式不正确").count() == 1
    page.goto(base + "/staff/insights")
    shoot(page, "staff-insights")
