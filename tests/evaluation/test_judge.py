"""The answer-correctness judge: the key fact AND the expected clause on the 依据： line."""

from __future__ import annotations

from evaluation.key_facts import Expected, cited_labels, judge, judge_clause

RENEWAL = Expected(("30日前",), "五（一）2")
SIXTEENTH = Expected(("注册有效期满且未延续注册",), "第十六条", "《注册建造师管理规定》")


def test_fact_and_clause_make_a_correct_reply() -> None:
    reply = "应在注册有效期届满30日前申请延续注册。\n依据：黔建建通〔2023〕55号 第五条（一）2"
    assert judge(reply, RENEWAL)


def test_a_missing_fact_is_wrong() -> None:
    reply = "应在注册有效期届满前申请延续注册。\n依据：黔建建通〔2023〕55号 第五条（一）2"
    assert not judge(reply, RENEWAL)


def test_a_wrong_clause_is_wrong() -> None:
    reply = "应在注册有效期届满30日前申请延续注册。\n依据：黔建建通〔2023〕55号 第五条（二）"
    assert not judge(reply, RENEWAL)


def test_no_basis_line_is_wrong() -> None:
    assert not judge("应在注册有效期届满30日前申请延续注册。", RENEWAL)


def test_a_clause_that_only_starts_like_the_expected_one_is_wrong() -> None:
    reply = "应在注册有效期届满30日前申请延续注册。\n依据：黔建建通〔2023〕55号 第五条（一）"
    assert not judge(reply, RENEWAL)
    assert not judge(reply.replace("（一）", "（一）23"), RENEWAL)


def test_clauses_joined_on_one_basis_line_are_each_named() -> None:
    line = "依据：黔建建通〔2023〕55号 第五条（二）、第五条（一）2；《注册建造师管理规定》第十六条"
    assert cited_labels(line) == {"黔建建通〔2023〕55号 第五条（二）", "黔建建通〔2023〕55号 第五条（一）2",
                                  "《注册建造师管理规定》第十六条"}
    assert judge("30日前\n" + line, RENEWAL)
    assert judge("注册有效期满且未延续注册的\n" + line, SIXTEENTH)


def test_a_fact_in_the_wrong_reply_does_not_count_without_its_clause() -> None:
    reply = "注册有效期满且未延续注册的，注册证书失效。\n依据：黔建建通〔2023〕55号 第五条（一）2"
    assert not judge(reply, SIXTEENTH)


def test_baseline_a_needs_the_expected_clause_holding_the_fact() -> None:
    text = "应当在注册有效期届满30日前，申请延续注册"
    assert judge_clause("黔建建通〔2023〕55号", "五（一）2", text, RENEWAL)
    assert not judge_clause("黔建建通〔2023〕55号", "五（一）3", text, RENEWAL)
    assert not judge_clause("黔建建通〔2023〕55号", "五（一）2", "应当在注册有效期届满前申请", RENEWAL)
