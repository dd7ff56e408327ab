"""The real servers answer over the REST webhook, with a database the test imports itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from rules_engine.identity import make_id_number
from tests.bot.records import person, registry_with
from tests.e2e.servers import MODEL, Servers, start_servers

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")]
TODAY = "2025-12-01"
LAST6 = make_id_number("520102", dt.date(1980, 1, 1), "123")[-6:]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    work = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{work / 'e2e.db'}"
    registry_with(url, work, person("P000001"), person("P000002", name="李娜", birth="1961-09-01")).dispose()
    running = start_servers(url, TODAY, work)
    yield running
    running.stop()


def text_of(replies: list[dict[str, object]]) -> str:
    return "\n".join(str(r.get("text", "")) for r in replies)


@pytest.mark.parametrize(("question", "expected", "basis"), [
    ("二建延续注册要提前多久申请", "届满30日前", "第五条（一）2"),
    ("纸质证书现在还能用吗", "已于2024年1月1日起作废", "第四条（二）"),
    ("注册了三个专业继续教育要多少学时", "240学时（必修120、选修120）", "第五条（二）"),
    ("社保和单位不一致怎么办", "现场核实", "第二条（二）1"),
    ("在哪个网站申请二建注册", "zwfw.guizhou.gov.cn", "第二条（一）"),
    ("换单位了二建怎么办", "先完成注销注册", "第五条（一）6"),
])
def test_knowledge_questions_get_their_answer_and_basis(servers: Servers, question: str, expected: str,
                                                        basis: str) -> None:
    answer = text_of(servers.say(f"k-{hash(question)}", question))
    assert expected in answer
    assert answer.splitlines()[-1].startswith("依据：") and basis in answer.splitlines()[-1]


def test_identified_registrant_gets_exact_dates_and_hours(servers: Servers) -> None:
    sender = "personal-1"
    ask = text_of(servers.say(sender, "我的注册什么时候到期"))
    assert "姓名和身份证号后六位" in ask
    answer = text_of(servers.say(sender, f"王建国 {LAST6}"))
    assert "5201**********1235" in answer
    assert "2026年2月28日" in answer and "2026年1月29日" in answer
    hours = text_of(servers.say(sender, "我的继续教育学时够了吗"))
    assert "必修差30" in hours and "选修差47.5" in hours


def test_out_of_scope_and_handoff(servers: Servers) -> None:
    assert "不在我的范围" in text_of(servers.say("oos-1", "一级建造师怎么注册"))
    assert "工单号" in text_of(servers.say("oos-1", "转人工"))


def test_renewal_draft_from_the_chat_is_stored_once(servers: Servers) -> None:
    sender = "draft-1"
    servers.say(sender, f"王建国 {LAST6}")
    asked = text_of(servers.say(sender, "我要办延续注册"))
    assert "联系电话" in asked
    summary = text_of(servers.say(sender, "13800000000"))
    assert "延续注册申请草稿" in summary and "还差77.5学时" in summary and "确认保存" in summary
    saved = text_of(servers.say(sender, "/affirm"))
    assert "编号 YX-2025-" in saved
    listing = text_of(servers.say(sender, "我的草稿"))
    assert saved.split("编号 ")[1][:14] in listing


def test_cancellation_draft_with_forced_path(servers: Servers) -> None:
    sender = "draft-2"
    servers.say(sender, f"王建国 {LAST6}")
    assert "原因" in text_of(servers.say(sender, "我要注销注册"))
    assert "配合" in text_of(servers.say(sender, '/affirm{"cancellation_reason": "已与聘用单位解除聘用合同关系"}'))
    assert "证明材料" in text_of(servers.say(sender, "/deny"))
    assert "联系电话" in text_of(servers.say(sender, "解聘证明和仲裁裁决书"))
    summary = text_of(servers.say(sender, "0851-12345678"))
    assert "强制注销" in summary and "解聘证明、劳动仲裁裁决书" in summary
    assert "编号 ZX-2025-" in text_of(servers.say(sender, "/affirm"))
