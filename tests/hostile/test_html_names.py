"""A name with HTML in it (the schema takes any non-empty text) is shown as text everywhere it appears:
the staff console, the employer page and its CSV/Excel exports, the draft as HTML and PDF, and the chat
page. (Chat replies over the real Rasa are checked in test_rest_corpus.py.)"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.replies.documents import draft_html, draft_pdf, link_key
from bot.replies.drafts import check_draft, draft_content
from bot.services.drafts import DraftKind, DraftRequest, draft_by_reference, save_draft
from bot.services.helpdesk import add_staff
from bot.services.identity import issue_access_code
from rules_engine.record_format import parse_record
from tests.bot.records import EMPLOYER, person, registry_with
from tests.web import stub_rasa
from tests.web.server import web_server
from tests.web.stub_rasa import StubRasa

SCRIPT_NAME = "<script>alert(1)</script>李四"
FORMULA_NAME = '=HYPERLINK("http://evil.example","点我")'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;李四"
CHROMIUM = Path("/usr/bin/chromium")
SITE: dict[str, Any] = {}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("names")
    url = f"sqlite:///{work / 'names.db'}"
    script = person("P000011", name=SCRIPT_NAME, birth="1982-02-02")
    formula = person("P000012", name=FORMULA_NAME, birth="1983-03-03")
    database = registry_with(url, work, script, formula)  # the schema takes HTML in a name
    today = dt.date(2025, 12, 1)
    request = DraftRequest(DraftKind.RENEWAL, "P000011", ("建筑工程",), phone="13800000000")
    parsed = parse_record(script)
    with database.unit_of_work() as uow:
        add_staff(uow, "kefu", "password-123", False, dt.datetime(2025, 12, 1))
        SITE["access"] = issue_access_code(uow, EMPLOYER["credit_code"]) or ""
        draft, _ = save_draft(uow, request, draft_content(parsed, request, check_draft(parsed, request, today), today),
                              "conv", dt.datetime(2025, 12, 1, 8), today)
        uow.commit()
    SITE.update(reference=draft.reference, database=database, last6=script["id_number"][-6:])
    stub = StubRasa()
    SITE["stub"] = stub
    with web_server(url, stub.url, "names-secret") as base:
        os.environ["ASSISTANT_SECRET"] = "names-secret"
        yield base
        del os.environ["ASSISTANT_SECRET"]
    stub.stop()
    database.dispose()


def _no_raw_html(text: str) -> None:
    assert "<script>alert(1)</script>" not in text
    assert "<script>" not in text.lower()


def test_staff_console_shows_the_name_as_text(site: str) -> None:
    client = requests.Session()
    assert client.post(f"{site}/staff/login", data={"username": "kefu", "password": "password-123"}, timeout=10).ok
    found = client.get(f"{site}/staff/search", params={"q": SITE["last6"]}, timeout=10)
    assert ESCAPED in found.text
    _no_raw_html(found.text)
    card = client.get(f"{site}/staff/person/P000011", timeout=10)
    assert ESCAPED in card.text
    _no_raw_html(card.text)


def test_employer_page_and_exports_keep_the_names_as_text(site: str) -> None:
    from openpyxl import load_workbook

    client = requests.Session()
    roster = client.post(f"{site}/employer/login", data={"credit_code": EMPLOYER["credit_code"],
                                                         "access_code": SITE["access"]}, timeout=10)
    assert roster.ok and ESCAPED in roster.text
    _no_raw_html(roster.text)
    rows = list(csv.reader(io.StringIO(client.get(f"{site}/employer/export/csv", timeout=10).content.decode("utf-8-sig"))))
    names = {row[0] for row in rows[1:]}
    assert SCRIPT_NAME in names            # in a CSV, HTML is inert text: kept exactly
    assert "'" + FORMULA_NAME in names     # a formula is not: an apostrophe keeps it text
    book = load_workbook(io.BytesIO(client.get(f"{site}/employer/export/xlsx", timeout=10).content))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert {c.value for c in cells} == {SCRIPT_NAME, FORMULA_NAME}
    assert all(c.data_type == "s" for c in cells)


def test_draft_html_and_pdf_show_the_name_as_text(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = SITE["reference"]
    page = requests.get(f"{site}/drafts/{reference}", params={"key": link_key(reference, "draft")}, timeout=10)
    assert page.ok and ESCAPED in page.text
    _no_raw_html(page.text)
    with SITE["database"].unit_of_work() as uow:
        draft = draft_by_reference(uow, reference)
    assert draft is not None
    assert ESCAPED in draft_html(draft)
    import reportlab.platypus

    given: list[str] = []
    real = reportlab.platypus.Paragraph

    def recording(text: str, *args: Any, **kwargs: Any) -> Any:
        given.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(reportlab.platypus, "Paragraph", recording)
    assert draft_pdf(draft).startswith(b"%PDF")
    assert any(ESCAPED in text for text in given)  # reportlab's markup sees escaped text: drawn as written
    assert not any("<script>" in text for text in given)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_chat_page_shows_a_reply_with_the_name_as_text(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import sync_playwright

    reply = f"已确认身份：{SCRIPT_NAME}<img src=x onerror=window.hacked=1>，身份证号 5201**********1235。"
    monkeypatch.setattr(stub_rasa, "REPLIES", [{"text": reply}])
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        page.goto(site + "/")
        page.fill("#input", "我的身份核对好了吗")  # not 你好: the stand-in answers that with its own greeting
        page.press("#input", "Enter")
        page.wait_for_selector(".row.bot >> text=已确认身份")
        bubble = page.locator(".row.bot .bubble").last
        assert SCRIPT_NAME in bubble.inner_text()
        assert page.locator(".bubble script, .bubble img").count() == 0
        assert page.evaluate("window.hacked") is None
        browser.close()
