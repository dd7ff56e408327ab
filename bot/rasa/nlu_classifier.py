"""One linear model for the intent and the FAQ topic: a Rasa 3.6 component in place of DIET + ResponseSelector.

It is trained on the sentence-level sparse features the featurizers already make, with the full label of
each example: `faq/<topic>` for the retrieval intent, the intent's name otherwise. At inference it sets what
Rasa and our actions read from DIET and the ResponseSelector:

- `intent` and `intent_ranking`, where `faq` carries the summed probability of its topics, so that
  FallbackClassifier sees the same classes as before;
- `response_selector["faq"]`, the top `intent_response_key` and the ranking of topics, with each topic's
  probability given the question is a FAQ (what the ResponseSelector reported).

Probabilities are a softmax of the linear scores divided by a temperature. The temperature is fitted at
training time by minimising the log loss on a held-back fifth of the training data (temperature scaling),
then the model is fitted again on all of it. The model is persisted with skops, as Rasa's own
LogisticRegressionClassifier does, never with pickle.
"""

from __future__ import annotations

import json
import logging
import warnings
from typing import Any

import numpy as np
import scipy.sparse
from numpy.typing import NDArray
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

# Rasa warns that response examples go unused when no ResponseSelector is in the pipeline; this component
# is what uses them.
warnings.filterwarnings("ignore", message=".*does not include a response selector component.*")

MODEL_FILE = "linear_classifier.skops"
META_FILE = "linear_classifier.json"
TEMPERATURES = np.geomspace(0.02, 2.0, 60)


def full_label(example: Message) -> str:
    """`faq/<topic>` for a retrieval-intent example, the intent's name otherwise."""
    return str(example.get(INTENT_RESPONSE_KEY) or example.get(INTENT))


def sentence_row(message: Message) -> scipy.sparse.csr_matrix | None:
    """The message's sentence-level sparse features side by side, in the featurizers' order: what
    `Message.get_sparse_features(TEXT)[1]` gives, without deep-copying and stacking the token-level ones too
    (that was most of this component's time per message)."""
    parts = [f.features for f in message.features
             if f.attribute == TEXT and f.is_sparse() and f.type == FEATURE_TYPE_SENTENCE]
    return scipy.sparse.hstack(parts, format="csr") if parts else None


def sentence_features(messages: list[Message], width: int | None = None) -> scipy.sparse.csr_matrix:
    """The sentence-level sparse features of each message, one row each (zeros where a message has none)."""
    rows = [sentence_row(message) for message in messages]
    width = width or max((row.shape[1] for row in rows if row is not None), default=1)
    return scipy.sparse.vstack([row if row is not None else scipy.sparse.csr_matrix((1, width))
                                for row in rows]).tocsr()


def softmax(scores: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    scaled = scores / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def linear_model(config: dict[str, Any]) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    weights = config["class_weight"]
    if config["model"] == "logistic":
        return LogisticRegression(C=config["C"], class_weight=weights, solver="saga", max_iter=300, tol=1e-3,
                                  random_state=config["seed"])
    return LinearSVC(C=config["C"], class_weight=weights, random_state=config["seed"], max_iter=5000)


def scores_of(model: Any, features: scipy.sparse.csr_matrix) -> NDArray[np.float64]:
    """One score per class and row; sklearn returns one column only for two classes."""
    raw = np.asarray(model.decision_function(features), dtype=float)
    return np.column_stack([-raw, raw]) if raw.ndim == 1 else raw


def fitted_temperature(config: dict[str, Any], features: scipy.sparse.csr_matrix, labels: list[str]) -> float:
    """The temperature that minimises the log loss on a held-back fifth (stratified where classes allow)."""
    from sklearn.model_selection import train_test_split

    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    stratify = labels if min(counts.values()) >= 2 and len(labels) >= 5 * len(counts) else None
    try:
        fit_x, check_x, fit_y, check_y = train_test_split(features, labels, test_size=0.2,
                                                          random_state=config["seed"], stratify=stratify)
    except ValueError:
        return float(config["temperature"])
    model = linear_model(config).fit(fit_x, fit_y)
    index = {label: i for i, label in enumerate(model.classes_)}
    known = [(row, index[label]) for row, label in enumerate(check_y) if label in index]
    if not known:
        return float(config["temperature"])
    scores = scores_of(model, check_x)[[row for row, _ in known]]
    truth = np.array([column for _, column in known])

    def log_loss(temperature: float) -> float:
        probabilities = softmax(scores, temperature)[np.arange(len(truth)), truth]
        return float(-np.log(np.clip(probabilities, 1e-12, None)).mean())

    return float(min(TEMPERATURES, key=log_loss))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(IntentClassifier, GraphComponent):  # type: ignore[misc]
    """Intent and FAQ topic from one scikit-learn linear model (LinearSVC or logistic regression)."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # Chosen on a split of the training data (evaluation/tune_classifier.py), not on the held-out set.
        return {"model": "svm", "C": 0.03, "class_weight": "balanced", "seed": 1, "temperature": None,
                "retrieval_intent": "faq", "ranking_length": 10}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: Any = None, temperature: float = 1.0, width: int = 0,
                 responses: dict[str, list[dict[str, Any]]] | None = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.temperature = temperature
        self.width = width
        self.responses = responses or {}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("LinearIntentClassifier: no intent examples, nothing trained.")
            return self._resource
        features = sentence_features(examples)
        labels = [full_label(e) for e in examples]
        configured = self.config["temperature"]
        self.temperature = float(configured) if configured else fitted_temperature(self.config, features, labels)
        self.model = linear_model(self.config).fit(features, labels)
        self.width = int(features.shape[1])
        self.responses = {key: list(value) for key, value in training_data.responses.items()}
        self.persist()
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None or not messages:
            return messages
        probabilities = softmax(scores_of(self.model, sentence_features(messages, self.width)), self.temperature)
        for message, row in zip(messages, probabilities, strict=True):
            self._set_outputs(message, dict(zip(map(str, self.model.classes_), map(float, row), strict=True)))
        return messages

    def _set_outputs(self, message: Message, by_label: dict[str, float]) -> None:
        retrieval = self.config["retrieval_intent"]
        prefix = f"{retrieval}/"
        by_intent: dict[str, float] = {}
        for label, probability in by_label.items():
            intent = retrieval if label.startswith(prefix) else label
            by_intent[intent] = by_intent.get(intent, 0.0) + probability
        length = self.config["ranking_length"]
        ranking = [{"name": name, "confidence": confidence}
                   for name, confidence in sorted(by_intent.items(), key=lambda item: -item[1])]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set("intent_ranking", ranking[:length] if length else ranking, add_to_output=True)
        topics = sorted(((label, p) for label, p in by_label.items() if label.startswith(prefix)),
                        key=lambda topic: -topic[1])
        if not topics:
            return
        total = sum(p for _, p in topics) or 1.0
        top_key, top_probability = topics[0]
        selector = message.get("response_selector", {})
        selector["all_retrieval_intents"] = [retrieval]
        selector[retrieval] = {
            "response": {"responses": self.responses.get(f"utter_{top_key}", [{TEXT: top_key}]),
                         "confidence": top_probability / total, "intent_response_key": top_key,
                         "utter_action": f"utter_{top_key}"},
            "ranking": [{"confidence": p / total, "intent_response_key": key}
                        for key, p in (topics[:length] if length else topics)],
        }
        message.set("response_selector", selector, add_to_output=True)

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(self.model, directory / MODEL_FILE)
            (directory / META_FILE).write_text(json.dumps(
                {"temperature": self.temperature, "width": self.width, "responses": self.responses},
                ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentClassifier:
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as directory:
                path = directory / MODEL_FILE
                untrusted = sio.get_untrusted_types(file=path)
                if untrusted:
                    raise ValueError(f"untrusted types in {path}: {untrusted}")
                model = sio.load(path, trusted=False)
                meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError) as error:
            logger.warning(f"LinearIntentClassifier not loaded ({error}); it will predict nothing.")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, model, float(meta["temperature"]), int(meta["width"]),
                   meta.get("responses"))
