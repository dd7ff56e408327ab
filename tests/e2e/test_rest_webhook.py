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
    assert "届满30日前" in ask and "姓名和身份证号后六位" in ask
    answer = text_of(servers.say(sender, f"王建国 {LAST6}"))
    assert "5201**********1235" in answer
    assert "2026年2月28日" in answer and "2026年1月29日" in answer
    hours = text_of(servers.say(sender, "我的继续教育学时够了吗"))
    assert "必修差30" in hours and "选修差47.5" in hours


def test_out_of_scope_and_handoff(servers: Servers) -> None:
    declined = text_of(servers.say("oos-1", "一级建造师怎么注册"))
    assert "一级建造师" in declined and "没有规定" in declined and "依据" not in declined
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


def basis_lines(reply: str) -> list[str]:
    return [line for line in reply.splitlines() if line.startswith("依据：")]


@pytest.mark.parametrize("question", ["二建考试成绩什么时候出", "一建注销单位不配合怎么办", "二建挂出去一年能拿多少",
                                      "四川的二建能转到贵州吗"])
def test_what_the_notice_does_not_cover_is_declined_without_a_basis_line(servers: Servers, question: str) -> None:
    replies = servers.say(f"oos-{hash(question)}", question)
    assert not basis_lines(text_of(replies)) and "黔建建通〔2023〕55号" in text_of(replies)
    assert any(b.get("payload") == "/human_handoff" for r in replies for b in r.get("buttons", []))  # type: ignore[union-attr]


def test_a_vague_message_is_asked_back_with_choices(servers: Servers) -> None:
    replies = servers.say("vague-1", "二建")
    assert not basis_lines(text_of(replies)) and replies[0].get("buttons")


def test_a_follow_up_leans_on_the_previous_question(servers: Servers) -> None:
    sender = "follow-1"
    first = text_of(servers.say(sender, "注册两个专业继续教育要多少学时"))
    assert "180学时" in first
    second = text_of(servers.say(sender, "那四个专业呢"))
    assert "300学时" in second and basis_lines(second) == ["依据：黔建建通〔2023〕55号 第五条（二）"]


def test_two_questions_get_two_answers(servers: Servers) -> None:
    reply = text_of(servers.say("two-1", "纸质证书现在还能用吗？另外继续教育一共要多少学时"))
    assert "作废" in reply and "120学时" in reply and len(basis_lines(reply)) == 2


def test_dates_typed_in_are_computed_without_identification(servers: Servers) -> None:
    reply = text_of(servers.say("typed-1", "我的注册二〇二七年四月十五日到期 最晚哪天申请延续"))
    assert "2027年3月16日" in reply and "怎么算的" in reply and "姓名" not in reply
    asked = text_of(servers.say("typed-2", "我的注册2027年4月到期 最晚哪天申请延续"))
    assert "哪一天" in asked and not basis_lines(asked)


def test_an_identified_registrant_asking_without_wo_de_gets_their_own_date(servers: Servers) -> None:
    sender = "own-1"
    servers.say(sender, f"王建国 {LAST6}")
    reply = text_of(servers.say(sender, "最晚什么时候要申请延续注册"))
    assert "2026年1月29日" in reply and basis_lines(reply)
