"""The web server as a real process: chat proxy limits, drafts as HTML and PDF behind signed links."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.exchange.importer import import_file
from bot.replies.documents import link_key
from bot.replies.drafts import check_draft, draft_content
from bot.security.keys import pseudonym
from bot.services.drafts import DraftKind, DraftRequest, save_draft
from bot.services.handover import open_ticket
from bot.services.helpdesk import add_staff
from bot.services.identity import issue_access_code
from bot.store.migrate import upgrade_to_head
from bot.store.unit_of_work import Database
from rules_engine.record_format import parse_record
from tests.bot.records import EMPLOYER, OTHER_EMPLOYER, lines, person
from tests.ports import free_port
from tests.web.server import web_server

ROOT = Path(__file__).resolve().parents[2]
ACCESS: dict[str, str] = {}


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    work = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{work / 'web.db'}"
    upgrade_to_head(url)
    database = Database(url)
    record = person("P000001", name="<b>王建国</b>")
    other = person("P000003", name="别家人", birth="1970-03-03", employer=OTHER_EMPLOYER)
    (work / "in.jsonl").write_text(lines(record, other), encoding="utf-8")
    import_file(database, work / "in.jsonl")
    with database.unit_of_work() as uow:
        add_staff(uow, "kefu", "password-123", False, dt.datetime(2025, 12, 1))
        add_staff(uow, "admin", "password-456", True, dt.datetime(2025, 12, 1))
        ACCESS["code"] = issue_access_code(uow, EMPLOYER["credit_code"]) or ""
    open_ticket(database, "conv-9", "P000001", "转人工", [{"who": "user", "text": "你好"}], dt.datetime(2025, 12, 1))
    request = DraftRequest(DraftKind.RENEWAL, "P000001", ("建筑工程",), phone="13800000000")
    today = dt.date(2025, 12, 1)
    parsed = parse_record(record)
    with database.unit_of_work() as uow:
        draft, _ = save_draft(uow, request, draft_content(parsed, request, check_draft(parsed, request, today), today),
                              "conv", dt.datetime(2025, 12, 1, 8), today)
    database.dispose()
    with web_server(url, f"http://127.0.0.1:{free_port()}", "test-secret") as base:
        os.environ["ASSISTANT_SECRET"] = "test-secret"  # link_key() here must sign like the server
        yield base, draft.reference
        del os.environ["ASSISTANT_SECRET"]


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
    page = requests.get(f"{base}/drafts/{reference}?key={link_key(reference, 'draft')}", timeout=10)
    assert page.ok and reference in page.text and "5201**********1235" in page.text
    assert "&lt;b&gt;王建国&lt;/b&gt;" in page.text and "<b>王建国</b>" not in page.text
    assert "520102198001011235" not in page.text
    pdf = requests.get(f"{base}/drafts/{reference}.pdf?key={link_key(reference, 'draft')}", timeout=30)
    assert pdf.ok and pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def staff_login(base: str, username: str = "kefu", password: str = "password-123") -> requests.Session:
    client = requests.Session()
    reply = client.post(f"{base}/staff/login", data={"username": username, "password": password}, timeout=10)
    assert reply.ok and "客服工作台" in reply.text
    return client


def test_staff_pages_need_a_login_and_set_a_safe_cookie(web: tuple[str, str]) -> None:
    base = web[0]
    assert requests.get(f"{base}/staff", timeout=10, allow_redirects=False).status_code in (301, 302, 303, 307)
    wrong = requests.post(f"{base}/staff/login", data={"username": "kefu", "password": "nope"}, timeout=10)
    assert wrong.status_code == 401 and "不正确" in wrong.text
    reply = requests.post(f"{base}/staff/login", data={"username": "kefu", "password": "password-123"}, timeout=10,
                          allow_redirects=False)
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_staff_lookup_shows_the_status_card_masked_and_is_audited(web: tuple[str, str]) -> None:
    base = web[0]
    client = staff_login(base)
    found = client.get(f"{base}/staff/search", params={"q": "11235X"[:0] + person("P000001")["id_number"][-6:]},
                       timeout=10)
    assert "5201**********1235" in found.text and "&lt;b&gt;王建国&lt;/b&gt;" in found.text
    card = client.get(f"{base}/staff/person/P000001", timeout=10)
    assert "2026年1月29日" in card.text and "依据：黔建建通〔2023〕55号 第五条（一）2" in card.text
    assert "520102198001011235" not in card.text
    admin = staff_login(base, "admin", "password-456")
    log = admin.get(f"{base}/staff/audit", timeout=10)
    assert log.ok and "lookup" in log.text and "P000001" in log.text and "kefu" in log.text
    assert client.get(f"{base}/staff/audit", timeout=10).status_code == 403


def test_a_ticket_shows_the_conversation_s_pseudonym_and_its_viewing_is_audited(web: tuple[str, str]) -> None:
    base = web[0]
    client = staff_login(base)
    queue = client.get(f"{base}/staff", timeout=10)
    assert 'href="/staff/tickets/1"' in queue.text and "conv-9" not in queue.text
    page = client.get(f"{base}/staff/tickets/1", timeout=10)
    # The raw id is what the browser's cookie maps to: whoever reads it could speak in that conversation.
    assert page.ok and "conv-9" not in page.text and f"会话：{pseudonym('conv-9')}" in page.text
    log = staff_login(base, "admin", "password-456").get(f"{base}/staff/audit", timeout=10)
    row = next(r for r in log.text.split("<tr>") if "view_ticket" in r)
    assert "kefu" in row and "P000001" in row and "&#39;ticket&#39;: 1" in row.replace("&#x27;", "&#39;")


def test_tickets_are_claimed_and_closed_only_with_the_csrf_token(web: tuple[str, str]) -> None:
    base = web[0]
    client = staff_login(base)
    page = client.get(f"{base}/staff/tickets/1", timeout=10)
    assert "你好" in page.text and "待接手" in page.text
    assert client.post(f"{base}/staff/tickets/1/claim", data={"csrf": "forged"}, timeout=10).status_code == 403
    token = page.text.split('name="csrf" value="')[1].split('"')[0]
    claimed = client.post(f"{base}/staff/tickets/1/claim", data={"csrf": token}, timeout=10)
    assert "处理中" in claimed.text and "kefu" in claimed.text
    closed = client.post(f"{base}/staff/tickets/1/close", data={"csrf": token}, timeout=10)
    assert "已关闭" in closed.text


def test_logout_ends_the_session_on_the_server_so_a_copied_cookie_dies_too(web: tuple[str, str]) -> None:
    base = web[0]
    client = staff_login(base)
    copied = client.cookies["qj_session"]
    page = client.get(f"{base}/staff", timeout=10)
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert client.post(f"{base}/staff/logout", data={"csrf": csrf}, timeout=10).ok
    stolen = requests.get(f"{base}/staff", cookies={"qj_session": copied}, allow_redirects=False, timeout=10)
    assert stolen.status_code in (301, 302, 303, 307) and "客服工作台" not in stolen.text


def test_staff_logins_are_rate_limited(web: tuple[str, str]) -> None:
    base = web[0]
    codes = [requests.post(f"{base}/staff/login", data={"username": "limited", "password": "x"}, timeout=10).status_code
             for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429


def test_employer_sees_only_its_registrants_and_exports_them(web: tuple[str, str]) -> None:
    base = web[0]
    client = requests.Session()
    wrong = client.post(f"{base}/employer/login", data={"credit_code": EMPLOYER["credit_code"], "access_code": "WRONG123"},
                        timeout=10)
    assert wrong.status_code == 401
    roster = client.post(f"{base}/employer/login",
                         data={"credit_code": EMPLOYER["credit_code"], "access_code": ACCESS["code"]}, timeout=10)
    assert roster.ok and "5201**********1235" in roster.text and "2026年1月29日" in roster.text
    assert "别家人" not in roster.text
    csv_text = client.get(f"{base}/employer/export/csv", timeout=10).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("姓名,身份证号") and "5201**********1235" in csv_text
    assert "别家人" not in csv_text and "520102198001011235" not in csv_text
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(f"{base}/employer/export/xlsx", timeout=10).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[1][1] == "5201**********1235" and len(rows) == 2
    none = client.get(f"{base}/employer/", params={"within": "30"}, timeout=10)
    assert "5201**********1235" not in none.text


def test_widget_script_embeds_the_chat(web: tuple[str, str]) -> None:
    script = requests.get(f"{web[0]}/widget.js", timeout=10)
    assert script.ok and "iframe" in script.text and "#token=" in script.text


def test_chat_from_another_site_is_refused_and_nothing_allows_every_origin(web: tuple[str, str]) -> None:
    base = web[0]
    evil = {"Origin": "http://evil.example"}
    refused = requests.post(base + "/api/chat", json={"sender": "s", "message": "你好"}, headers=evil, timeout=10)
    assert refused.status_code == 403 and "其他网站" in refused.json()["error"]
    assert "Access-Control-Allow-Origin" not in refused.headers
    # A "simple" cross-site request (text/plain, no preflight) is refused the same way.
    simple = requests.post(base + "/api/chat", data='{"sender": "s", "message": "你好"}', timeout=10,
                           headers={**evil, "Content-Type": "text/plain"})
    assert simple.status_code == 403
    preflight = requests.options(base + "/api/chat", timeout=10,
                                 headers={**evil, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403 and "Access-Control-Allow-Origin" not in preflight.headers
    own = requests.post(base + "/api/chat", json={"sender": "s", "message": "你好"}, headers={"Origin": base},
                        timeout=20)
    assert own.status_code == 503 and own.headers["Access-Control-Allow-Origin"] == base
    for path in ("/", "/widget.js", "/healthz", "/staff/login", "/employer/login", "/static/chat.js", "/api/chat"):
        reply = requests.get(base + path, headers=evil, timeout=10)
        assert reply.headers.get("Access-Control-Allow-Origin") in (None, base), path
        assert "*" not in reply.headers.get("Access-Control-Allow-Origin", ""), path


def test_allowed_origins_come_from_the_environment() -> None:
    from bot.web.app import allowed_origins

    assert allowed_origins({"WEB_PORT": "8000"}) == {"http://localhost:8000", "http://127.0.0.1:8000"}
    assert "https://jst.example.cn" in allowed_origins({"PUBLIC_BASE_URL": "https://jst.example.cn/"})
    assert allowed_origins({"ASSISTANT_ALLOWED_ORIGINS": "https://a.example.cn, https://B.example.cn:8443/x *"}) == {
        "https://a.example.cn", "https://b.example.cn:8443"}


def test_the_page_s_own_host_is_its_origin_also_behind_a_proxy() -> None:
    from types import SimpleNamespace

    from bot.web.app import origin_allowed

    def allowed(origin: str | None, host: str) -> bool:
        return origin_allowed(SimpleNamespace(headers={"origin": origin} if origin else {}, host=host), set())  # type: ignore[arg-type]

    assert allowed(None, "anything:1")                                   # not a browser's cross-site call
    assert allowed("http://jst.example.cn:8080", "jst.example.cn:8080")
    assert allowed("http://localhost:8080", "localhost")                # nginx proxy_set_header Host $host
    assert not allowed("http://evil.example", "localhost")
    assert not allowed("http://localhost:9999", "localhost:8080")
    assert not allowed("null", "localhost:8080")


def test_chat_bodies_that_are_not_json_objects_get_a_chinese_answer(web: tuple[str, str]) -> None:
    base = web[0]
    for body in ("not json", "[1, 2]", '"text"', '{"sender": "s", "message": {"a": 1}}', '{"sender": "s"}'):
        reply = requests.post(base + "/api/chat", data=body, headers={"Content-Type": "application/json"}, timeout=10)
        assert reply.status_code == 400, body
        assert re.search(r"[\u4e00-\u9fff]", reply.json()["error"]), body
