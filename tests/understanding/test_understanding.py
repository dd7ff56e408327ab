"""bot.understanding decides each turn: decline, ask, compute from typed facts, follow up, answer two."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.replies.computed import AskBack, computed_answer
from bot.replies.turn_reply import turn_reply
from bot.understanding.decide import Kind, Turn, decide
from bot.understanding.questions import split_questions
from bot.understanding.scope import out_of_scope_kind, too_vague
from bot.understanding.typed_facts import DateRole, typed_facts

TODAY = dt.date(2026, 12, 1)


def faq_turn(text: str, *topics: tuple[str, float], confidence: float = 0.95, **more: object) -> Turn:
    return Turn(text, "faq", confidence, tuple(topics), (("faq", confidence),), today=TODAY, **more)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "kind"), [
    ("一建延续注册要提前多久", "first_class"),
    ("二建报名要几年社保", "exam"),
    ("二建挂出去一年多少钱", "renting"),
    ("四川的二建怎么转到贵州", "other_province"),
    ("安全员C证怎么延期", "other_certificate"),
    ("二建执业印章丢了去哪刻", "stamps"),
])
def test_what_the_notice_does_not_cover_is_named(text: str, kind: str) -> None:
    found = out_of_scope_kind(text)
    assert found is not None and found.name == kind


@pytest.mark.parametrize("text", ["二建延续注册提前几天", "考过了资格证多久要注册", "不算挂证的情形有哪些",
                                  "我有一建也有二建，二建怎么延续"])
def test_questions_about_the_notice_are_not_declined(text: str) -> None:
    assert out_of_scope_kind(text) is None


def test_a_decline_names_the_kind_offers_handoff_and_has_no_basis_line() -> None:
    decision = decide(faq_turn("一建延续注册要提前多久", ("renewal", 0.99)))
    assert decision.kind is Kind.DECLINE
    message = turn_reply(decision, TODAY).messages[0]
    assert "一级建造师" in message.text and "黔建建通〔2023〕55号" in message.text and "依据" not in message.text
    assert message.buttons[-1]["payload"] == "/human_handoff" and len(message.buttons) == 3


@pytest.mark.parametrize(("text", "vague"), [("二建", True), ("流程", True), ("那个政策", True), ("我的证", True),
                                             ("二建 注销", False), ("延续", False)])
def test_too_vague_to_answer(text: str, vague: bool) -> None:
    assert too_vague(text) is vague


def test_disagreeing_signals_ask_with_the_top_choices_instead_of_answering() -> None:
    # The classifier is sure of 过渡期, but neither the words nor retrieval point there.
    decision = decide(faq_turn("公司破产了我的注册怎么办", ("transition_period", 0.9), ("cancellation_grounds", 0.1)))
    assert decision.kind is Kind.CLARIFY
    assert "transition_period" in decision.topics and "cancellation_grounds" in decision.topics
    reply = turn_reply(decision, TODAY).messages[0]
    assert reply.text == "您是想问：" and "依据" not in reply.text


def test_agreeing_signals_answer_with_the_basis_line() -> None:
    decision = decide(faq_turn("二建延续要提前多久申请", ("renewal", 0.9)))
    assert decision.kind is Kind.ANSWER and decision.topics == ("renewal",)
    assert turn_reply(decision, TODAY).messages[0].text.endswith("依据：黔建建通〔2023〕55号 第五条（一）2")


def test_low_confidence_asks_even_when_the_words_agree() -> None:
    assert decide(faq_turn("二建延续要提前多久申请", ("renewal", 0.9), confidence=0.2)).kind is Kind.CLARIFY


@pytest.mark.parametrize(("text", "expected"), [
    ("有效期至2027.3.1", (2027, 3, 1)), ("二〇二七年三月一日到期", (2027, 3, 1)), ("27年3月1号到期", (2027, 3, 1)),
    ("２０２７年３月１日到期", (2027, 3, 1)), ("2027-03-01到期", (2027, 3, 1)), ("2027年3月到期", (2027, 3, None)),
])
def test_dates_are_read_in_the_ways_people_type_them(text: str, expected: tuple[int, int, int | None]) -> None:
    date = typed_facts(text).dates[0]
    assert (date.year, date.month, date.day) == expected and date.role is DateRole.VALID_UNTIL


def test_each_date_gets_its_role_from_the_words_beside_it() -> None:
    facts = typed_facts("我63年5月18号生的，2027年1月10日延续 能到哪天")
    birth, approved = facts.first(DateRole.BIRTH), facts.first(DateRole.APPROVED_ON)
    assert birth is not None and birth.date == dt.date(1963, 5, 18)
    assert approved is not None and approved.date == dt.date(2027, 1, 10)
    assert typed_facts("明年3月份到期", TODAY).dates[0].year == 2027


def computed(text: str, topic: str | None) -> str:
    result = computed_answer(typed_facts(text, TODAY), topic, TODAY)
    assert result is not None
    return result.text if isinstance(result, AskBack) else result.render()


def test_an_apply_by_date_is_computed_from_a_typed_expiry() -> None:
    reply = computed("我的注册2027年4月15日到期，最晚哪天申请延续", "renewal")
    assert "2027年3月16日" in reply and "还来得及" in reply and "怎么算的" in reply
    assert reply.endswith("依据：黔建建通〔2023〕55号 第五条（一）2")


def test_an_expiry_already_past_says_the_registration_lapsed() -> None:
    reply = computed("证书2026年10月31号到期的 还能延续吗", "renewal")
    assert "失效" in reply and "《注册建造师管理规定》第十六条" in reply


def test_a_date_that_does_not_exist_or_lacks_its_day_is_asked_back() -> None:
    assert "不是一个存在的日期" in computed("2027年2月30日到期 最晚哪天申请", "renewal")
    asked = computed("我的注册2027年5月到期，最晚哪天申请延续", "renewal")
    assert "具体是哪一天" in asked and "依据" not in asked


def test_the_renewed_period_is_capped_at_the_65th_birthday() -> None:
    reply = computed("1962年8月9日出生，2027年1月10日获准延续，有效期到哪天", "age_limit")
    assert "2027年8月9日" in reply and "65周岁" in reply
    assert "2028年5月18日" in computed("1963年5月18日出生 明年一月份延续 能到哪天", "age_limit")


def test_the_initial_registration_deadline_and_the_hours_shortfall() -> None:
    assert "2027年5月9日" in computed("资格证书2024年5月10日发的 最晚哪天初始注册", "initial_registration")
    late = computed("资格证书2023年9月1日拿的证 还能初始注册吗", "initial_registration")
    assert "继续教育" in late and "已经过了" in late
    hours = computed("注册了两个专业 必修做了40 选修做了二十 还差多少", "ce_hours")
    assert "还差120学时" in hours and "必修差50" in hours and "选修差70" in hours


def test_typed_facts_need_no_identification() -> None:
    turn = Turn("我的注册2027年4月15日到期最晚哪天申请延续", "my_renewal_deadline", 0.9, today=TODAY)
    assert decide(turn).kind is Kind.COMPUTED


def test_an_elliptical_follow_up_is_resolved_against_the_previous_topic() -> None:
    turn = Turn("那三个专业呢", "goodbye", 0.8, previous_topic="ce_hours", today=TODAY)
    decision = decide(turn)
    assert decision.kind is Kind.ANSWER and decision.topics == ("ce_hours",)
    assert "合计240学时" in turn_reply(decision, TODAY).messages[0].text
    where = decide(Turn("那要准备哪些材料", "faq", 0.8, previous_topic="forced_cancellation", today=TODAY))
    assert where.topics == ("forced_cancellation",)


def test_two_questions_get_two_answers() -> None:
    assert split_questions("延续要提前多久申请 学时要修够多少") == ["延续要提前多久申请", "学时要修够多少"]
    decision = decide(faq_turn("延续要提前多久申请 学时要修够多少", ("renewal", 0.9)))
    assert decision.topics == ("renewal", "ce_hours")
    messages = turn_reply(decision, TODAY).messages
    assert [m.text.splitlines()[-1] for m in messages] == ["依据：黔建建通〔2023〕55号 第五条（一）2",
                                                           "依据：黔建建通〔2023〕55号 第五条（二）"]


def test_identity_only_when_needed() -> None:
    general = decide(Turn("我的证书丢了怎么补办", "my_paper_certificate", 0.9, today=TODAY))
    assert general.kind is Kind.ANSWER and general.offer_identity and general.topics == ("paper_certificate",)
    own = decide(faq_turn("最晚什么时候要申请延续注册", ("renewal", 0.9), identified=True))
    assert own.kind is Kind.PERSONAL and own.personal_intent == "my_renewal_deadline"


def test_an_identified_registrant_unsure_between_topic_and_own_record_gets_their_own_answer() -> None:
    turn = Turn("最晚哪天要去初始注册", "faq", 0.5, (("transition_period", 0.6), ("initial_registration", 0.4)),
                (("faq", 0.5), ("my_unregistered", 0.4)), identified=True, today=TODAY)
    decision = decide(turn)
    assert decision.kind is Kind.PERSONAL and decision.personal_intent == "my_unregistered"
    assert decide(dataclasses.replace(turn, identified=False)).kind is Kind.CLARIFY


def test_a_typed_expiry_is_computed_whatever_topic_the_classifier_chose() -> None:
    reply = computed("注册有效期到2026年12月31号 今天办延续还来得及不", "age_limit")
    assert "2026年12月1日" in reply and "还来得及" in reply


def test_unsure_between_intents_a_personal_runner_up_is_remembered_for_after_identification() -> None:
    turn = Turn("我的证书丢了怎么补办", "nlu_fallback", 0.5, (("paper_certificate", 0.9),),
                (("nlu_fallback", 0.5), ("my_paper_certificate", 0.45), ("faq", 0.4)), today=TODAY)
    decision = decide(turn)
    assert decision.offer_identity and decision.personal_intent == "my_paper_certificate"
