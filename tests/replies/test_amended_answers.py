"""Answers follow the date asked: under the fictitious amending notice of the tests
(tests/rules_engine/fixtures/amendment-renewal-60.yml) the renewal lead is 30 days on 2026-12-31
and 60 from 2027-01-01, and the 依据 names the document in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from bot.replies.computed import computed_answer
from bot.replies.knowledge import Answer, knowledge_answer
from bot.replies.personal import explanation, personal_answer, with_general_rule
from bot.understanding.typed_facts import typed_facts
from rules_engine.policy import Policy
from rules_engine.record_format import parse_record
from rules_engine.report import status_report
from tests.bot.records import person
from tests.rules_engine.amending import AMENDING_LABEL, AMENDING_NOTICE, amended

BEFORE, FROM = dt.date(2026, 12, 31), dt.date(2027, 1, 1)
NOTICE_BASIS = "依据：黔建建通〔2023〕55号 第五条（一）2"
AMENDED_BASIS = f"依据：{AMENDING_LABEL}"
QUESTION = "我的注册有效期到2027年6月30日，最晚什么时候申请延续"


@pytest.fixture
def amended_policy() -> Iterator[Policy]:
    with amended() as policy:
        yield policy


def registrant() -> object:
    return parse_record(person("P000021", registrations=[
        {"specialty": "建筑工程", "registration_no": "黔252000021", "kind": "初始注册", "valid_from": "2024-07-01",
         "valid_until": "2027-06-30", "status": "有效"}]))


def computed(today: dt.date) -> Answer:
    answer = computed_answer(typed_facts(QUESTION, today), "renewal", today)
    assert isinstance(answer, Answer)
    return answer


def test_the_renewal_answer_states_30_then_60_days(amended_policy: Policy) -> None:
    before, after = knowledge_answer("renewal", BEFORE), knowledge_answer("renewal", FROM)
    assert "届满30日前申请延续注册" in before.text and "60日" not in before.text
    assert "届满60日前申请延续注册" in after.text and "30日" not in after.text
    assert before.basis_line == NOTICE_BASIS
    assert after.basis_line == AMENDED_BASIS and AMENDING_NOTICE in after.render().splitlines()[-1]


def test_a_superseded_basis_entry_names_the_amending_document_beside_the_others(amended_policy: Policy) -> None:
    answer = knowledge_answer("renewal_expired", FROM)
    assert "届满60日前申请" in answer.text
    assert answer.basis_line == f"{AMENDED_BASIS}；《注册建造师管理规定》第十六条"
    assert knowledge_answer("renewal_expired", BEFORE).basis_line == f"{NOTICE_BASIS}；《注册建造师管理规定》第十六条"


def test_clauses_the_amendment_does_not_touch_keep_their_basis(amended_policy: Policy) -> None:
    assert knowledge_answer("age_limit", FROM).basis_line.startswith(NOTICE_BASIS)
    assert AMENDING_NOTICE not in knowledge_answer("age_limit", FROM).basis_line
    assert knowledge_answer("ce_hours", FROM) == knowledge_answer("ce_hours", BEFORE)


def test_a_computed_answer_from_typed_dates_follows_the_date(amended_policy: Policy) -> None:
    before, after = computed(BEFORE), computed(FROM)
    assert "2027年5月31日" in before.text and "往前推30天" in before.text and before.basis_line == NOTICE_BASIS
    assert "2027年5月1日" in after.text and "往前推60天" in after.text and after.basis_line == AMENDED_BASIS


def test_a_personal_answer_follows_the_date(amended_policy: Policy) -> None:
    for today, lead, apply_by, basis in ((BEFORE, 30, "2027年5月31日", NOTICE_BASIS),
                                         (FROM, 60, "2027年5月1日", AMENDED_BASIS)):
        report = status_report(registrant(), today)  # type: ignore[arg-type]
        answer = personal_answer("my_renewal_deadline", report)
        assert f"最晚应于{apply_by}申请（届满{lead}日前）" in answer.text and answer.basis_line == basis
        text = with_general_rule(answer, "renewal", report)
        assert f"届满{lead}日前申请延续注册" in text and text.splitlines()[-1] == basis
        assert f"往前推{lead}天，即{apply_by}" in explanation("apply_by", report)


def test_without_the_amendment_every_answer_is_the_notice_s() -> None:
    answer = knowledge_answer("renewal", FROM)
    assert "届满30日前申请延续注册" in answer.text and answer.basis_line == NOTICE_BASIS
    after = computed(FROM)
    assert "2027年5月31日" in after.text and after.basis_line == NOTICE_BASIS
    report = status_report(registrant(), FROM)  # type: ignore[arg-type]
    assert personal_answer("my_renewal_deadline", report).basis_line == NOTICE_BASIS
