"""The check of an answer template typed at /staff/answers (bot/replies/template_check.py)."""

from __future__ import annotations

import pytest

from bot.replies.editable_answers import EDITABLE_FILES, editable_answer, editable_answers
from bot.replies.knowledge import placeholder_names
from bot.replies.template_check import MAX_TEMPLATE_CHARS, template_errors

NAMES = {"renewal_lead_days", "f_portal_name"}


def test_every_current_editable_template_passes() -> None:
    checked = 0
    for file in EDITABLE_FILES:
        for entry in editable_answers(file):
            for template in entry.templates:
                assert template_errors(template.text, entry.available) == [], (file, entry.key, template.label)
                checked += 1
    assert checked > 80


def test_a_knowledge_topic_may_use_every_value_knowledge_answer_fills() -> None:
    entry = editable_answer("knowledge", "renewal")
    assert entry is not None and entry.available == placeholder_names()
    assert {"renewal_lead_days", "f_portal_name", "six_situations"} <= placeholder_names()
    ce = editable_answer("knowledge", "ce_for_count")
    assert ce is not None and ce.available == {"count", "total", "compulsory", "elective"}


@pytest.mark.parametrize("typed", ["应在届满30日前申请", "应在届满３０日前申请", "应在届满三十日前申请", "六十周岁",
                                   "有效期一百二十天", "十日内"])
def test_numbers_typed_as_literals_are_refused(typed: str) -> None:
    errors = template_errors(typed, NAMES)
    assert len(errors) == 1 and errors[0].startswith("不能直接写数字")


@pytest.mark.parametrize("allowed", ["应在届满{renewal_lead_days}日前申请", "依据黔建建通〔2023〕55号和建办市〔2018〕57号",
                                     "《注册建造师管理规定》第十七条", "分四步：①填报；②确认", "受聘于一个单位，十分重要",
                                     "二（二）所列情形之一", "显示花括号{{本身}}"])
def test_placeholders_document_numbers_ordinals_and_list_markers_are_allowed(allowed: str) -> None:
    assert template_errors(allowed, NAMES) == []


def test_unknown_placeholders_are_refused_naming_the_available_ones() -> None:
    errors = template_errors("届满{renewal_days}日前", NAMES)
    assert errors == ["占位符 {renewal_days} 不存在。可用的占位符：{f_portal_name}、{renewal_lead_days}。"]


@pytest.mark.parametrize("typed", ["{}", "{0}", "{renewal_lead_days.real}", "{renewal_lead_days[0]}",
                                   "{renewal_lead_days!r}", "{renewal_lead_days:>3}"])
def test_only_plain_named_placeholders(typed: str) -> None:
    errors = template_errors(typed, NAMES)
    assert errors and "写法不对" in errors[0]


@pytest.mark.parametrize("typed", ["届满{renewal_lead_days日前", "届满renewal_lead_days}日前", "{", "}{"])
def test_unbalanced_braces_are_refused(typed: str) -> None:
    errors = template_errors(typed, NAMES)
    assert any("花括号不成对" in error for error in errors)


def test_empty_and_over_long_templates_are_refused() -> None:
    assert template_errors("  \n ", NAMES) == ["内容不能为空。"]
    assert template_errors("长" * (MAX_TEMPLATE_CHARS + 1), NAMES)[0].startswith("太长了")
    assert template_errors("长" * MAX_TEMPLATE_CHARS, NAMES) == []
