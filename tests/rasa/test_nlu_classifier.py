"""The linear classifier sets what DIET and the ResponseSelector set, from one model, and survives a save and load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa.nlu_classifier import LinearIntentClassifier, sentence_features

# Five "words"; each label is said with its own word, plus noise words 3 and 4.
WORDS = {"greet": 0, "faq/renewal": 1, "faq/ce_hours": 2}


def message(label: str | None, word: int, noise: int) -> Message:
    data = {TEXT: f"m{word}-{noise}"}
    if label:
        intent, _, topic = label.partition("/")
        data["intent"] = intent
        if topic:
            data["intent_response_key"] = label
    found = Message(data=data)
    counts = np.zeros((1, 5))
    counts[0, word] = 1
    counts[0, 3 + noise % 2] = 1
    found.add_features(Features(scipy.sparse.coo_matrix(counts), FEATURE_TYPE_SENTENCE, TEXT, "words"))
    # Token-level features are ignored by the classifier.
    found.add_features(Features(scipy.sparse.coo_matrix(np.ones((2, 7))), FEATURE_TYPE_SEQUENCE, TEXT, "words"))
    return found


def training_data() -> TrainingData:
    examples = [message(label, word, noise) for label, word in WORDS.items() for noise in range(12)]
    return TrainingData(examples, responses={"utter_faq/renewal": [{"text": "延续"}],
                                             "utter_faq/ce_hours": [{"text": "学时"}]})


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def trained(storage: LocalModelStorage, **config: object) -> LinearIntentClassifier:
    context = ExecutionContext(GraphSchema({}), node_name="classifier")
    component = LinearIntentClassifier.create({**LinearIntentClassifier.get_default_config(), **config}, storage,
                                              Resource("classifier"), context)
    component.train(training_data())
    return component


def predicted(component: LinearIntentClassifier, word: int) -> Message:
    return component.process([message(None, word, 0)])[0]


def test_a_faq_question_gets_the_faq_intent_and_its_topic(storage: LocalModelStorage) -> None:
    parsed = predicted(trained(storage), WORDS["faq/ce_hours"])
    assert parsed.get("intent")["name"] == "faq"
    selector = parsed.get("response_selector")
    assert selector["all_retrieval_intents"] == ["faq"]
    assert selector["faq"]["response"]["intent_response_key"] == "faq/ce_hours"
    assert selector["faq"]["response"]["utter_action"] == "utter_faq/ce_hours"
    assert selector["faq"]["response"]["responses"] == [{"text": "学时"}]
    assert [r["intent_response_key"] for r in selector["faq"]["ranking"]] == ["faq/ce_hours", "faq/renewal"]


def test_the_faq_intent_carries_the_sum_of_its_topics_and_topics_are_given_the_faq(
        storage: LocalModelStorage) -> None:
    parsed = predicted(trained(storage), WORDS["greet"])
    ranking = {r["name"]: r["confidence"] for r in parsed.get("intent_ranking")}
    assert set(ranking) == {"greet", "faq"}
    assert parsed.get("intent")["name"] == "greet"
    assert sum(ranking.values()) == pytest.approx(1.0)
    topics = [r["confidence"] for r in parsed.get("response_selector")["faq"]["ranking"]]
    assert sum(topics) == pytest.approx(1.0)


def test_a_clear_message_is_more_confident_than_one_of_noise_words_only(storage: LocalModelStorage) -> None:
    component = trained(storage)
    clear = predicted(component, WORDS["faq/renewal"]).get("intent")["confidence"]
    unknown = component.process([message(None, 3, 1)])[0].get("intent")["confidence"]
    assert clear > 0.9
    assert unknown < clear - 0.2


def test_logistic_regression_can_stand_in(storage: LocalModelStorage) -> None:
    component = trained(storage, model="logistic", C=10.0)
    assert predicted(component, WORDS["faq/renewal"]).get("response_selector")["faq"]["response"][
        "intent_response_key"] == "faq/renewal"


def test_the_trained_model_is_saved_with_skops_and_loaded_back(storage: LocalModelStorage) -> None:
    component = trained(storage)
    context = ExecutionContext(GraphSchema({}), node_name="classifier")
    loaded = LinearIntentClassifier.load(component.config, storage, Resource("classifier"), context)
    for word in WORDS.values():
        assert predicted(loaded, word).get("intent") == predicted(component, word).get("intent")
    with storage.read_from(Resource("classifier")) as directory:
        assert sorted(p.name for p in directory.iterdir()) == ["linear_classifier.json", "linear_classifier.skops"]


def test_a_model_that_was_never_trained_predicts_nothing(storage: LocalModelStorage) -> None:
    context = ExecutionContext(GraphSchema({}), node_name="classifier")
    missing = LinearIntentClassifier.load({}, storage, Resource("never-trained"), context)
    assert missing.process([message(None, 1, 0)])[0].get("intent") is None


def test_only_sentence_features_are_used_and_a_message_without_any_gets_zeros() -> None:
    bare = Message(data={TEXT: "空"})
    matrix = sentence_features([message(None, 1, 0), bare])
    assert matrix.shape == (2, 5)
    assert matrix[1].nnz == 0
