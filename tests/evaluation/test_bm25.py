"""Baseline A: BM25 over jieba tokens ranks first the clause that holds the query's words."""

from __future__ import annotations

from evaluation.bm25 import BM25, ClauseRetriever, Passage, policy_passages, tokenize


def test_the_document_with_the_querys_words_ranks_first() -> None:
    documents = [["注册", "证书", "电子"], ["继续教育", "学时", "必修", "选修"], ["注销", "注册", "强制"]]
    index = BM25(documents)
    scores = index.scores(["继续教育", "学时"])
    assert index.best(["继续教育", "学时"]) == 1
    assert scores[1] > 0 and scores[0] == scores[2] == 0


def test_a_rarer_word_weighs_more() -> None:
    index = BM25([["注册", "延续"], ["注册", "注销"], ["注册", "增项"]])
    assert index.best(["注册", "注销"]) == 1


def test_tokens_keep_domain_words_and_drop_punctuation() -> None:
    tokens = tokenize("二建延续注册，要多少学时？")
    assert "延续注册" in tokens and "学时" in tokens
    assert "，" not in tokens and "？" not in tokens


def test_retriever_returns_the_clause_with_the_words() -> None:
    passages = [Passage("D", "1", "聘用企业在线填报注册申报信息"), Passage("D", "2", "注册一个专业的继续教育不少于120学时")]
    assert ClauseRetriever(passages).retrieve("继续教育要多少学时").clause == "2"


def test_every_clause_of_the_notice_and_the_references_is_indexed() -> None:
    passages = policy_passages()
    ids = {(p.document, p.clause) for p in passages}
    assert ("黔建建通〔2023〕55号", "五（二）") in ids
    assert ("《注册建造师管理规定》", "第十六条") in ids
    assert ClauseRetriever(passages).retrieve("继续教育要多少学时").clause == "五（二）"
