"""The employer page's reminder form: the digest's address and the opt-out, behind the login and its CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from bot.services.identity import issue_access_code
from bot.store.unit_of_work import Database
from tests.bot.records import EMPLOYER, person, registry_with
from tests.ports import free_port
from tests.web.server import web_server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    work = tmp_path_factory.mktemp("employer-reminders")
    url = f"sqlite:///{work / 'web.db'}"
    database = registry_with(url, work, person("P000001"))
    with database.unit_of_work() as uow:
        access = issue_access_code(uow, EMPLOYER["credit_code"]) or ""
    database.dispose()
    with web_server(url, f"http://127.0.0.1:{free_port()}", "reminder-secret") as base:
        yield base, url, access


def choice(url: str) -> tuple[str | None, bool]:
    database = Database(url)
    try:
        with database.unit_of_work() as uow:
            return (uow.reminders.employer_reminder_email(EMPLOYER["credit_code"]),
                    uow.reminders.is_opted_out("employer", EMPLOYER["credit_code"]))
    finally:
        database.dispose()


def logged_in(base: str, access: str) -> tuple[requests.Session, str]:
    client = requests.Session()
    page = client.post(f"{base}/employer/login", data={"credit_code": EMPLOYER["credit_code"], "access_code": access},
                       timeout=10)
    assert page.ok and "到期提醒邮件" in page.text and "未设置提醒邮箱" in page.text
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return client, found.group(1)


def test_the_employer_sets_its_address_and_opts_out_and_in(site: tuple[str, str, str]) -> None:
    base, url, access = site
    client, csrf = logged_in(base, access)
    saved = client.post(f"{base}/employer/reminders", timeout=10, data={
        "csrf": csrf, "reminder_email": "hr@qiancheng.example", "wants_reminders": "1"})
    assert saved.ok and "提醒设置已保存" in saved.text and "提醒发到 hr@qiancheng.example" in saved.text
    assert choice(url) == ("hr@qiancheng.example", False)
    off = client.post(f"{base}/employer/reminders", timeout=10, data={"csrf": csrf,
                                                                      "reminder_email": "hr@qiancheng.example"})
    assert "已关闭提醒" in off.text and choice(url) == ("hr@qiancheng.example", True)
    client.post(f"{base}/employer/reminders", timeout=10, data={"csrf": csrf, "reminder_email": "",
                                                                 "wants_reminders": "1"})
    assert choice(url) == (None, False)


def test_a_bad_address_a_missing_token_and_no_login_are_refused(site: tuple[str, str, str]) -> None:
    base, url, access = site
    client, csrf = logged_in(base, access)
    bad = client.post(f"{base}/employer/reminders", timeout=10, data={
        "csrf": csrf, "reminder_email": "hr@qiancheng.example\r\nBcc: x@evil.example", "wants_reminders": "1"})
    assert bad.status_code == 400 and "邮箱地址格式不正确" in bad.text
    forged = client.post(f"{base}/employer/reminders", timeout=10, data={"reminder_email": "x@evil.example"})
    assert forged.status_code == 403
    stranger = requests.post(f"{base}/employer/reminders", timeout=10, allow_redirects=False,
                             data={"csrf": csrf, "reminder_email": "x@evil.example"})
    assert stranger.status_code in (302, 303) and "/employer/login" in stranger.headers["Location"]
    assert choice(url)[0] != "x@evil.example"
