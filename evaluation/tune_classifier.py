"""Choose the linear classifier's settings on a split of the training data, never on the held-out set.

    python -m evaluation.tune_classifier [--folds 5] [--logistic]

The tokenizer and featurizers of config.yml (jieba tokens, regexes, word and character n-gram counts) are fitted on each
training fold in-process, as `rasa train` would; then each candidate (LinearSVC or logistic regression,
C, class weights) is fitted and scored on the other fold. Prints accuracy over full labels (`faq/<topic>`
included), the log loss of the calibrated probabilities, and the fitting time, one row per candidate.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot.rasa.nlu_classifier import fitted_temperature, full_label, linear_model, scores_of, sentence_features, softmax

ROOT = Path(__file__).resolve().parent.parent
# A first round on two of these folds tried logistic regression at C 0.03-10 beside LinearSVC: it was 1.5-5 points
# lower at every C and fitted 10-20 times slower (docs/nlu.md), so `--logistic` brings it back only on request.
SVM_CANDIDATES = [("svm", c, weights) for c in (0.01, 0.03, 0.1, 0.3, 1.0) for weights in ("balanced", None)]
LOGISTIC_CANDIDATES = [("logistic", c, weights) for c in (1.0, 10.0) for weights in ("balanced", None)]


def featurizers(storage_dir: Path) -> list[Any]:
    """The tokenizer and featurizers of config.yml, in its order, untrained."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    wanted = {DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER}
    storage = LocalModelStorage(storage_dir)
    context = ExecutionContext(GraphSchema({}), node_name="tune")
    made = []
    for index, step in enumerate(yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]):
        config = {key: value for key, value in step.items() if key != "name"}
        registered = DefaultV1Recipe._from_registry(step["name"])
        # SpacyNLP loads a model and tokenizes for the entity ruler only; jieba's tokens feed the features.
        if registered.types & wanted and DefaultV1Recipe.ComponentType.MODEL_LOADER not in registered.types:
            component = registered.clazz
            made.append(component.create({**component.get_default_config(), **config}, storage,
                                         Resource(f"{component.__name__}{index}"), context))
    return made


def featurized_split(train: Any, test: Any, storage_dir: Path) -> tuple[Any, list[str], Any, list[str]]:
    tokenizer, *rest = featurizers(storage_dir)
    tokenizer.process_training_data(train)
    tokenizer.process(test.intent_examples)
    for featurizer in rest:
        featurizer.train(train)
        featurizer.process_training_data(train)
        featurizer.process(test.intent_examples)
    train_examples = [e for e in train.intent_examples if e.get("text")]
    test_examples = [e for e in test.intent_examples if e.get("text")]
    train_x = sentence_features(train_examples)
    return (train_x, [full_label(e) for e in train_examples],
            sentence_features(test_examples, train_x.shape[1]), [full_label(e) for e in test_examples])


def main(argv: list[str] | None = None) -> None:
    from rasa.shared.importers.importer import TrainingDataImporter
    from sklearn.model_selection import StratifiedKFold

    parser = argparse.ArgumentParser(prog="python -m evaluation.tune_classifier")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--logistic", action="store_true", help="also logistic regression (slow)")
    args = parser.parse_args(argv)
    candidates: list[tuple[str, float, str | None]] = SVM_CANDIDATES + (LOGISTIC_CANDIDATES if args.logistic else [])
    data = TrainingDataImporter.load_from_config(str(ROOT / "config.yml"), str(ROOT / "domain.yml"),
                                                 [str(ROOT / "data")]).get_nlu_data()
    examples = [e for e in data.intent_examples if e.get("text")]
    labels = [full_label(e) for e in examples]
    from rasa.shared.nlu.training_data.training_data import TrainingData

    results: dict[tuple[Any, ...], list[tuple[float, float, float]]] = {}
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=1)
    for fold, (train_rows, test_rows) in enumerate(folds.split(examples, labels)):
        train = TrainingData([examples[i] for i in train_rows], regex_features=data.regex_features,
                             lookup_tables=data.lookup_tables)
        test = TrainingData([examples[i] for i in test_rows])
        with tempfile.TemporaryDirectory() as storage:
            train_x, train_y, test_x, test_y = featurized_split(train, test, Path(storage))
        for values in candidates:
            config = {"model": values[0], "C": values[1], "class_weight": values[2], "seed": 1, "temperature": None}
            started = time.monotonic()
            temperature = fitted_temperature(config, train_x, train_y)
            model = linear_model(config).fit(train_x, train_y)
            seconds = time.monotonic() - started
            probabilities = softmax(scores_of(model, test_x), temperature)
            index = {label: i for i, label in enumerate(model.classes_)}
            truth = np.array([index.get(label, -1) for label in test_y])
            known = truth >= 0
            accuracy = float((probabilities.argmax(axis=1) == truth).mean())
            loss = float(-np.log(np.clip(probabilities[known, truth[known]], 1e-12, None)).mean())
            results.setdefault(values, []).append((accuracy, loss, seconds))
            print(f"fold {fold + 1}: {values} accuracy {accuracy:.3f}, log loss {loss:.3f}, {seconds:.1f} s",
                  flush=True)
        print(f"fold {fold + 1}/{args.folds} done", flush=True)
    print("| model | C | class weights | accuracy (full label) | log loss | fit + calibration time |")
    print("| --- | --- | --- | --- | --- | --- |")
    for values, rows in sorted(results.items(), key=lambda item: -np.mean([r[0] for r in item[1]])):
        accuracy, loss, seconds = (float(np.mean([r[i] for r in rows])) for i in range(3))
        print(f"| {values[0]} | {values[1]} | {values[2] or 'none'} | {accuracy:.1%} | {loss:.3f} | {seconds:.1f} s |")


if __name__ == "__main__":
    main()
