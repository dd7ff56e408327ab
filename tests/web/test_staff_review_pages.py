"""/staff/review and /staff/answers on the web server as a real process, on copies of data/answers and the
reviewed-examples file (the repository's own are never written)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml

from bot.config import PROJECT_ROOT
from bot.services.helpdesk import add_staff
from bot.store.migrate import upgrade_to_head
from bot.store.unit_of_work import Database
from tests.ports import free_port
from tests.web.server import web_server

NOW = dt.datetime(2025, 12, 1, 9)


@dataclass
class Site:
    base: str
    database_url: str
    answers: Path
    reviewed: Path
    turns: list[int]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    work = tmp_path_factory.mktemp("review")
    url = f"sqlite:///{work / 'review.db'}"
    upgrade_to_head(url)
    answers = work / "answers"
    shutil.copytree(PROJECT_ROOT / "data" / "answers", answers)
    reviewed = work / "reviewed.yml"
    shutil.copy(PROJECT_ROOT / "data" / "nlu" / "reviewed.yml", reviewed)
    database = Database(url)
    with database.unit_of_work() as uow:
        add_staff(uow, "kefu", "password-123", False, NOW)
        turns = [uow.turns.add("key-1", NOW, NOW.date(), "遵义市", "<b>一建</b>在贵州怎么延续", "decline",
                               "out_of_scope", 0.42, None, None),
                 uow.turns.add("key-2", NOW, NOW.date(), None, "公司破产了 证书还能用吗", "answer", "faq", 0.61,
                               "renewal", "依据：第五条（一）2")]
        uow.commit()
    database.dispose()
    env = {"ANSWERS_DIR": str(answers), "REVIEWED_EXAMPLES_FILE": str(reviewed)}
    with web_server(url, f"http://127.0.0.1:{free_port()}", "review-secret", env) as base:
        yield Site(base, url, answers, reviewed, turns)


def staff_login(base: str) -> requests.Session:
    client = requests.Session()
    reply = client.post(f"{base}/staff/login", data={"username": "kefu", "password": "password-123"}, timeout=10)
    assert reply.ok and "客服工作台" in reply.text
    return client


def field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found is not None, name
    return html.unescape(found.group(1))


def audit(site: Site, action: str) -> list[dict[str, object]]:
    database = Database(site.database_url)
    try:
        with database.unit_of_work() as uow:
            return [{**e, "details": json.loads(e["details"])} for e in uow.audit.latest() if e["action"] == action]
    finally:
        database.dispose()


@pytest.mark.parametrize("path", ["/staff/review/1", "/staff/answers", "/staff/answers/knowledge/renewal"])
def test_the_pages_need_a_staff_login(site: Site, path: str) -> None:
    reply = requests.get(site.base + path, timeout=10)
    assert reply.url.endswith("/staff/login") and "客服登录" in reply.text
    if path != "/staff/answers":
        posted = requests.post(site.base + path, data={"topic": "renewal", "t0": "x"}, timeout=10,
                               allow_redirects=False)
        assert posted.status_code == 302 and posted.headers["location"] == "/staff/login"


def test_a_message_is_marked_with_its_topic_audited_and_written_for_training(site: Site) -> None:
    client = staff_login(site.base)
    first = site.turns[0]
    page = client.get(f"{site.base}/staff/review/{first}", timeout=10)
    assert page.ok and "&lt;b&gt;一建&lt;/b&gt;在贵州怎么延续" in page.text and "<b>一建" not in page.text
    assert "无法回答（超出范围）" in page.text and "0.42" in page.text and "未标注" in page.text
    assert '<option value="out_of_scope">不属于本通知范围</option>' in page.text
    assert '<option value="renewal">延续注册什么时候申请</option>' in page.text
    assert client.post(f"{site.base}/staff/review/{first}", data={"csrf": "forged", "topic": "renewal"},
                       timeout=10).status_code == 403
    csrf = field(page.text, "csrf")
    refused = client.post(f"{site.base}/staff/review/{first}", data={"csrf": csrf, "topic": "faq/nothing"}, timeout=10)
    assert refused.status_code == 400 and "请选择一个话题" in refused.text
    assert client.get(f"{site.base}/staff/review/99999", timeout=10).status_code == 404
    saved = client.post(f"{site.base}/staff/review/{first}", data={"csrf": csrf, "topic": "out_of_scope"}, timeout=10)
    assert saved.ok and "已保存标注。1条人工标注的例句" in saved.text
    assert re.search(r'id="reviewed">不属于本通知范围（kefu，', saved.text)
    second = client.post(f"{site.base}/staff/review/{site.turns[1]}",
                         data={"csrf": csrf, "topic": "cancellation_grounds"}, timeout=10)
    assert second.ok and "2条人工标注的例句" in second.text
    written = yaml.safe_load(site.reviewed.read_text(encoding="utf-8"))
    assert written["nlu"] == [{"intent": "faq/cancellation_grounds", "examples": "- 公司破产了 证书还能用吗\n"},
                              {"intent": "out_of_scope", "examples": "- <b>一建</b>在贵州怎么延续\n"}]
    events = audit(site, "review_turn")
    assert [(e["actor"], e["details"]["after"]) for e in events] == [("kefu", "cancellation_grounds"),  # type: ignore[index]
                                                                     ("kefu", "out_of_scope")]


def test_an_answer_with_a_typed_number_is_refused_on_the_form_and_nothing_is_written(site: Site) -> None:
    client = staff_login(site.base)
    listed = client.get(f"{site.base}/staff/answers", timeout=10)
    assert listed.ok and 'href="/staff/answers/knowledge/renewal"' in listed.text
    assert 'href="/staff/answers/turns/clarify"' in listed.text and "computed" not in listed.text
    form = client.get(f"{site.base}/staff/answers/knowledge/renewal", timeout=10)
    assert form.ok and "{renewal_lead_days}" in form.text
    path = site.answers / "knowledge.yml"
    before = path.read_text(encoding="utf-8")
    for typed, reason in (("应在届满30日前申请延续注册。", "不能直接写数字（30）"),
                          ("应在届满３０日前申请延续注册。", "不能直接写数字（３０）"),
                          ("应在届满{renewal_days}日前申请", "占位符 {renewal_days} 不存在"),
                          ("应在届满{renewal_lead_days日前申请", "花括号不成对")):
        refused = client.post(f"{site.base}/staff/answers/knowledge/renewal", timeout=10, data={
            "csrf": field(form.text, "csrf"), "version": field(form.text, "version"), "t0": typed})
        assert refused.status_code == 400 and "没有保存" in refused.text and reason in refused.text
        assert html.escape(typed, quote=False) in refused.text  # what was typed stays on the form
    assert path.read_text(encoding="utf-8") == before and not audit(site, "edit_answer")
    assert (PROJECT_ROOT / "data" / "answers" / "knowledge.yml").read_text(encoding="utf-8") == before


def test_a_saved_answer_is_written_audited_before_and_after_and_shown(site: Site) -> None:
    client = staff_login(site.base)
    form = client.get(f"{site.base}/staff/answers/turns/clarify", timeout=10)
    data = {"csrf": field(form.text, "csrf"), "version": field(form.text, "version"), "t0": "您想问的是：\r\n"}
    saved = client.post(f"{site.base}/staff/answers/turns/clarify", data=data, timeout=10)
    assert saved.ok and "已保存。新的措辞从下一条消息起生效" in saved.text and ">您想问的是：</textarea>" in saved.text
    assert 'clarify: "您想问的是："\n' in (site.answers / "turns.yml").read_text(encoding="utf-8")
    [event] = audit(site, "edit_answer")
    assert event["actor"] == "kefu" and event["details"] == {
        "file": "turns.yml", "key": "clarify", "before": {"clarify": "您是想问："}, "after": {"clarify": "您想问的是："}}
    stale = client.post(f"{site.base}/staff/answers/turns/clarify", data={**data, "t0": "又改了："}, timeout=10)
    assert stale.status_code == 409 and "刚被别人修改过" in stale.text
    one_line = client.post(f"{site.base}/staff/answers/turns/clarify", timeout=10, data={
        **data, "version": field(saved.text, "version"), "t0": "两行\n回复"})
    assert one_line.status_code == 400 and "只能写一行" in one_line.text
    assert client.get(f"{site.base}/staff/answers/computed/expired", timeout=10).status_code == 404
    assert client.get(f"{site.base}/staff/answers/..%2Fsecrets/x", timeout=10).status_code == 404
