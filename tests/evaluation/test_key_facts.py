"""evaluation/key_facts.yml against the data: every FAQ topic has an entry, every fact stands in its clause."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.replies.knowledge import knowledge_answer, topics
from bot.replies.personal import personal_answer
from evaluation.held_out import held_out_examples
from evaluation.key_facts import (
    faq_expected,
    judge,
    key_facts_data,
    no_fact_intents,
    personal_expected,
    render_fact,
    today_for_eval,
)
from evaluation.replies import demo_registrant
from rules_engine.parameters import all_parameters
from rules_engine.policy import NOTICE, clause
from rules_engine.record_format import parse_record
from rules_engine.report import status_report

ROOT = Path(__file__).resolve().parents[2]
DAYS = [dt.date(2023, 7, 10), dt.date(2023, 7, 20), dt.date(2023, 10, 1), today_for_eval()]


def training_faq_topics() -> set[str]:
    found = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if str(block.get("intent", "")).startswith("faq/"):
                found.add(str(block["intent"]).removeprefix("faq/"))
    return found


def test_every_faq_topic_of_the_training_data_has_an_entry() -> None:
    topics_in_data = training_faq_topics()
    assert topics_in_data
    assert topics_in_data <= set(key_facts_data()["faq"])
    assert set(key_facts_data()["faq"]) <= set(topics())


@pytest.mark.parametrize("topic", sorted(key_facts_data()["faq"]))
def test_every_fact_stands_in_its_clause(topic: str) -> None:
    entry = key_facts_data()["faq"][topic]
    document = entry.get("document", NOTICE)
    text = clause(entry["clause"], document).plain_text
    assert entry["facts"]
    for fact in entry["facts"]:
        assert render_fact(fact) in text, (topic, render_fact(fact))
        if "parameter" in fact:
            assert all_parameters()[fact["parameter"]].citation.clause == entry["clause"], (topic, fact)


@pytest.mark.parametrize("topic", sorted(key_facts_data()["faq"]))
def test_the_assistants_own_answer_is_judged_correct(topic: str) -> None:
    expected = faq_expected()[f"faq/{topic}"]
    for day in DAYS:
        assert judge(knowledge_answer(topic, day).render(), expected), (topic, day)


def test_another_topics_answer_is_judged_wrong() -> None:
    assert not judge(knowledge_answer("renewal_expired", today_for_eval()).render(), faq_expected()["faq/renewal"])
    assert not judge(knowledge_answer("ce_hours", today_for_eval()).render(), faq_expected()["faq/addition"])


def test_personal_facts_come_from_the_registrants_status_report() -> None:
    today = today_for_eval()
    registrant = demo_registrant(key_facts_data()["personal"]["situation"], today)
    report = status_report(parse_record(registrant.record), today)
    expected = personal_expected(report)
    assert expected
    valid_until = next(s.valid_until for s in report.specialties if s.valid_until)
    assert expected["my_expiry"].facts == (f"{valid_until.year}年{valid_until.month}月{valid_until.day}日",)
    for intent, wanted in expected.items():
        assert judge(personal_answer(intent, report).render(), wanted), intent


def test_every_held_out_intent_is_judged_or_left_out_on_purpose() -> None:
    judged = set(faq_expected()) | set(key_facts_data()["personal"]["intents"])
    left_out = set(no_fact_intents())
    assert not judged & left_out
    assert {intent for _, intent in held_out_examples()} <= judged | left_out
