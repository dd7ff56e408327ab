"""How make eval produces the assistant's reply and decides whether a baseline model must be retrained."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from evaluation.compare import is_fresh
from evaluation.replies import Replier, rule_actions, with_retrieval_key


def test_rules_name_the_action_after_each_intent() -> None:
    actions = rule_actions()
    assert actions["faq"] == "action_answer_faq"
    assert actions["my_expiry"] == "action_personal_answer"
    assert actions["greet"] == "utter_greet"
    assert actions["nlu_fallback"] == "action_clarify"


def test_rasa_defaults_selector_key_is_read_as_the_faq_selector() -> None:
    selected = {"response": {"intent_response_key": "faq/renewal"}}
    parse = with_retrieval_key({"intent": {"name": "faq"}, "response_selector": {"default": selected}})
    assert parse["response_selector"]["faq"] == selected
    own = {"response_selector": {"faq": {"response": {"intent_response_key": "faq/portal"}}, "default": selected}}
    assert with_retrieval_key(own)["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/portal"


def test_a_knowledge_reply_is_rendered_by_the_faq_action() -> None:
    parse = {"text": "延续注册要提前多久", "intent": {"name": "faq", "confidence": 0.9}, "entities": [],
             "response_selector": {"faq": {"response": {"intent_response_key": "faq/renewal"},
                                           "ranking": [{"intent_response_key": "faq/renewal", "confidence": 0.95}]}}}
    reply = asyncio.run(Replier(None).reply(parse))
    assert "30日前" in reply and "依据：黔建建通〔2023〕55号 第五条（一）2" in reply


def test_a_greeting_is_answered_from_the_domain() -> None:
    reply = asyncio.run(Replier(None).reply({"text": "你好", "intent": {"name": "greet", "confidence": 0.9}}))
    assert reply.startswith("您好")


def test_a_model_older_than_a_training_file_is_stale(tmp_path: Path) -> None:
    config, data = tmp_path / "config.yml", tmp_path / "nlu"
    data.mkdir()
    config.write_text("x", encoding="utf-8")
    (data / "a.yml").write_text("x", encoding="utf-8")
    model = tmp_path / "model.tar.gz"
    assert not is_fresh(model, config, [data])
    model.write_text("m", encoding="utf-8")
    later = time.time() + 10
    os.utime(model, (later, later))
    assert is_fresh(model, config, [data])
    os.utime(data / "a.yml", (later + 10, later + 10))
    assert not is_fresh(model, config, [data])


def test_only_a_pipeline_with_our_classifier_is_trained_again_when_its_code_changes(tmp_path: Path) -> None:
    from evaluation.compare import LINEAR_CLASSIFIER, TRAINING_INPUTS, training_inputs

    ours, diet = tmp_path / "linear.yml", tmp_path / "diet.yml"
    ours.write_text("pipeline:\n  - name: bot.rasa.nlu_classifier.LinearIntentClassifier\n", encoding="utf-8")
    diet.write_text("pipeline:\n  - name: DIETClassifier\n", encoding="utf-8")
    assert training_inputs(ours) == [*TRAINING_INPUTS, LINEAR_CLASSIFIER]
    assert training_inputs(diet) == TRAINING_INPUTS
