"""`rasa run`, without loading TensorFlow when the model does not use it.

    python -m bot.ops.rasa_server run --model models/qianjian.tar.gz [rasa run's other options]

Rasa 3.6 imports TensorFlow in every process, through modules that only define training helpers (callbacks, data
generators, the TED and DIET architectures) and are imported for their names. Our model's components are all
sparse and linear, and none of them calls TensorFlow; without it the Rasa server holds about 350 MiB instead of
700 MiB and answers its first question about 9 s sooner (docs/benchmarks.md, the turn change by change).

When every component of the model's prediction graph is one known to run without TensorFlow, this launcher gives
those imports a stand-in whose every name is an inert placeholder, then hands over to Rasa's own command line.
A model with any other component (DIET, TED, the ResponseSelector, dense featurizers, or one this list does not
know) gets the real TensorFlow.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import sys
import tarfile
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.config import export_to_environment, secret
from bot.security.kept_secrets import action_server_secret
from bot.security.log_safety import install_log_safety

# Prediction-graph components that never call TensorFlow (checked against rasa 3.6.21's sources).
COMPONENTS_WITHOUT_TENSORFLOW = frozenset({
    "bot.rasa.nlu_classifier.LinearIntentClassifier",
    "rasa.core.policies.ensemble.DefaultPolicyPredictionEnsemble",
    "rasa.core.policies.memoization.MemoizationPolicy",
    "rasa.core.policies.memoization.AugmentedMemoizationPolicy",
    "rasa.core.policies.rule_policy.RulePolicy",
    "rasa.graph_components.converters.nlu_message_converter.NLUMessageConverter",
    "rasa.graph_components.providers.domain_provider.DomainProvider",
    "rasa.graph_components.providers.rule_only_provider.RuleOnlyDataProvider",
    "rasa.nlu.classifiers.fallback_classifier.FallbackClassifier",
    "rasa.nlu.classifiers.keyword_intent_classifier.KeywordIntentClassifier",
    "rasa.nlu.classifiers.logistic_regression_classifier.LogisticRegressionClassifier",
    "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler",
    "rasa.nlu.extractors.entity_synonyms.EntitySynonymMapper",
    "rasa.nlu.extractors.regex_entity_extractor.RegexEntityExtractor",
    "rasa.nlu.extractors.spacy_entity_extractor.SpacyEntityExtractor",
    "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer.CountVectorsFeaturizer",
    "rasa.nlu.featurizers.sparse_featurizer.regex_featurizer.RegexFeaturizer",
    "rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer.LexicalSyntacticFeaturizer",
    "rasa.nlu.tokenizers.jieba_tokenizer.JiebaTokenizer",
    "rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer",
    "rasa.nlu.utils.spacy_utils.SpacyNLP",
})
STAND_IN_PACKAGES = frozenset({"tensorflow", "keras", "tensorflow_addons", "tensorflow_hub", "tensorflow_text",
                               "tensorflow_probability"})
# Libraries that probe for TensorFlow by importing this and use it when found (thinc, under spaCy): for them
# TensorFlow is simply not there.
PROBED_FOR = ("tensorflow.experimental",)
# Names a module or class must not pretend to have, or Python's import and typing machinery misreads it.
PROTOCOL_NAMES = frozenset({"__path__", "__file__", "__spec__", "__loader__", "__all__", "__wrapped__",
                            "__origin__", "__mro_entries__", "__signature__", "__name__", "__qualname__",
                            "__annotations__", "__dict__"})


def predicted_components(model: Path) -> set[str]:
    """The component classes of the model's prediction graph, from the archive's metadata."""
    with tarfile.open(model) as archive:
        member = next(m for m in archive.getmembers() if m.name.lstrip("/") == "metadata.json")
        handle = archive.extractfile(member)
        assert handle is not None
        metadata = json.load(handle)
    return {str(node["uses"]) for node in metadata["predict_schema"]["nodes"].values()}


def needs_tensorflow(model: Path) -> bool:
    return not predicted_components(model) <= COMPONENTS_WITHOUT_TENSORFLOW


class _Placeholder(type):
    """Any attribute, call or subclass of it is itself: enough for class statements and decorators."""

    def __getattr__(cls, name: str) -> Any:
        if name in PROTOCOL_NAMES:
            raise AttributeError(name)
        return cls

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls


class Placeholder(metaclass=_Placeholder):
    pass


class StandInModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name in PROTOCOL_NAMES:
            raise AttributeError(name)
        return Placeholder


class StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname.startswith(PROBED_FOR):
            raise ModuleNotFoundError(f"No module named '{fullname}'", name=fullname)
        if fullname.split(".", 1)[0] in STAND_IN_PACKAGES:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = StandInModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


def install_stand_in() -> None:
    if not any(isinstance(finder, StandInFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, StandInFinder())


def model_argument(argv: list[str]) -> Path | None:
    for index, argument in enumerate(argv):
        if argument in ("--model", "-m") and index + 1 < len(argv):
            return Path(argv[index + 1])
        if argument.startswith("--model="):
            return Path(argument.split("=", 1)[1])
    return None


def with_token_from_environment(arguments: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """`--auth-token` from RASA_AUTH_TOKEN, added inside this process: a token on the command line that starts it
    would be readable by every user of the machine (`ps`, /proc/PID/cmdline)."""
    token = secret("RASA_AUTH_TOKEN", environ)
    if not token or "--enable-api" not in arguments or any(a.startswith("--auth-token") for a in arguments):
        return arguments
    return [*arguments, "--auth-token", token]


def main(argv: list[str] | None = None) -> None:
    install_log_safety()
    # endpoints.yml sends it to the action server; unset, both read the secret kept on this machine.
    # Rasa substitutes ${ACTION_SERVER_SECRET} in endpoints.yml from its own environment, not our settings.
    export_to_environment({"ACTION_SERVER_SECRET": action_server_secret()}, keep_existing=True)
    arguments = with_token_from_environment(sys.argv[1:] if argv is None else argv)
    model = model_argument(arguments)
    if model is not None and model.is_file() and not needs_tensorflow(model):
        install_stand_in()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *arguments]
    rasa_main()


if __name__ == "__main__":
    main()
