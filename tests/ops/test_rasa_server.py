"""bot.ops.rasa_server: TensorFlow is left out only for a model whose every component runs without it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

from bot.ops.rasa_server import model_argument, needs_tensorflow

ROOT = Path(__file__).resolve().parents[2]
LINEAR = ["bot.rasa.nlu_classifier.LinearIntentClassifier", "rasa.core.policies.rule_policy.RulePolicy",
          "rasa.nlu.tokenizers.jieba_tokenizer.JiebaTokenizer"]


def model_with(tmp_path: Path, components: list[str]) -> Path:
    metadata = {"predict_schema": {"nodes": {f"node{i}": {"uses": uses} for i, uses in enumerate(components)}}}
    data = json.dumps(metadata).encode()
    path = tmp_path / "model.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        member = tarfile.TarInfo("metadata.json")
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    return path


def test_a_linear_model_runs_without_tensorflow(tmp_path: Path) -> None:
    assert not needs_tensorflow(model_with(tmp_path, LINEAR))


def test_diet_ted_or_an_unknown_component_get_the_real_tensorflow(tmp_path: Path) -> None:
    for extra in ("rasa.nlu.classifiers.diet_classifier.DIETClassifier", "rasa.core.policies.ted_policy.TEDPolicy",
                  "somebody.else.Component"):
        assert needs_tensorflow(model_with(tmp_path, [*LINEAR, extra]))


def test_the_model_is_found_in_rasa_runs_arguments() -> None:
    assert model_argument(["run", "--model", "m.tar.gz", "--port", "1"]) == Path("m.tar.gz")
    assert model_argument(["run", "--model=x.tar.gz"]) == Path("x.tar.gz")
    assert model_argument(["run"]) is None


def test_with_the_stand_in_rasa_loads_and_spacy_sees_no_tensorflow() -> None:
    probe = (
        "import sys\n"
        "from bot.ops.rasa_server import StandInModule, install_stand_in\n"
        "install_stand_in()\n"
        "import rasa.core.agent, rasa.core.policies.rule_policy, rasa.nlu.utils.spacy_utils\n"
        "import thinc.compat\n"
        "print(type(sys.modules['tensorflow']) is StandInModule, thinc.compat.has_tensorflow)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["True", "False"]
