"""Build the offline spaCy pipeline the NLU uses: blank Chinese with jieba, plus an entity ruler.

    python tools/build_spacy_model.py data/spacy/zh_qianjian

No model is downloaded: spaCy's Chinese models are not on PyPI. The ruler finds specialties,
registration kinds and numbers, whose words come from data/policy/vocabulary.yml and
data/nlu/entity_words.yml, so the ruler and the rules engine name the same things.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import spacy
import yaml

ROOT = Path(__file__).resolve().parent.parent


def patterns() -> list[dict[str, Any]]:
    words = yaml.safe_load((ROOT / "data" / "nlu" / "entity_words.yml").read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = []
    for label in ("specialty", "registration_kind"):
        for canonical, variants in words[label].items():
            for text in [canonical, *variants]:
                found.append({"label": label, "pattern": text, "id": canonical})
    found.append({"label": "number", "pattern": [{"TEXT": {"REGEX": words["number_regex"]}}]})
    return found


def build(target: Path) -> None:
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": None})
    ruler.add_patterns(patterns())  # type: ignore[attr-defined]
    nlp.meta["name"] = "qianjian"
    nlp.meta["version"] = "1.0.0"
    nlp.to_disk(target)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "spacy" / "zh_qianjian")
