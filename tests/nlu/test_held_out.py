"""The trained model on the held-out set, which is never trained on: both accuracies at least 95%."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from evaluation.held_out import Scores, evaluate, held_out_examples, plain

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "qianjian.tar.gz"
GOAL = 0.95


def training_texts() -> set[str]:
    texts = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                texts |= {plain(line.strip()[2:]) for line in str(block["examples"]).splitlines()
                          if line.strip().startswith("- ")}
    return texts


def test_held_out_set_is_large_and_never_trained_on() -> None:
    examples = held_out_examples()
    assert len(examples) >= 300
    assert not {text for text, _ in examples} & training_texts()


@pytest.fixture(scope="module")
def scores() -> Scores:
    if not MODEL.exists():
        pytest.skip("no trained model (make train)")
    return asyncio.run(evaluate(MODEL))


@pytest.mark.e2e
def test_intent_accuracy_on_held_out_set(scores: Scores) -> None:
    assert scores.intent_accuracy >= GOAL, scores.errors[:20]


@pytest.mark.e2e
def test_response_selector_accuracy_on_held_out_set(scores: Scores) -> None:
    assert scores.response_accuracy >= GOAL, [e for e in scores.errors if e["expected"].startswith("faq/")][:20]
