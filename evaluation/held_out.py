"""Held-out NLU evaluation: intent and ResponseSelector accuracy of a trained model on tests/nlu/.

    python -m evaluation.held_out [models/qianjian.tar.gz]
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = ROOT / "tests" / "nlu"
ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")
RETRIEVAL = "faq"


def plain(example: str) -> str:
    return ANNOTATION.sub(lambda m: m.group(1) or m.group(2), example).strip()


def held_out_examples(folder: Path = HELD_OUT) -> list[tuple[str, str]]:
    """(text, full intent such as faq/renewal) for every held-out example."""
    found = []
    for path in sorted(folder.glob("held_out_*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" not in block:
                continue
            for line in str(block["examples"]).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found.append((plain(line[2:]), block["intent"]))
    return found


@dataclass
class Scores:
    total: int = 0
    intent_correct: int = 0
    faq_total: int = 0
    faq_correct: int = 0
    answer_correct: int = 0
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.total if self.total else 0.0

    @property
    def response_accuracy(self) -> float:
        return self.faq_correct / self.faq_total if self.faq_total else 0.0

    @property
    def full_accuracy(self) -> float:
        """Intent right and, for FAQ, the right topic: the answer the user would get."""
        return self.answer_correct / self.total if self.total else 0.0


def predicted(parse: dict[str, Any]) -> tuple[str, str | None]:
    intent = str(parse.get("intent", {}).get("name"))
    selector = parse.get("response_selector", {})
    # A ResponseSelector trained without retrieval_intent (Rasa's default) reports under "default".
    chosen = selector.get(RETRIEVAL) or selector.get("default") or {}
    key = chosen.get("response", {}).get("intent_response_key")
    return intent, key


@dataclass(frozen=True)
class Parsed:
    text: str
    expected: str
    parse: dict[str, Any]


async def parse_held_out(model: Path) -> list[Parsed]:
    """Every held-out example parsed in-process by the trained model."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [Parsed(text, expected, await agent.parse_message(text)) for text, expected in held_out_examples()]


async def evaluate(model: Path) -> Scores:
    return score(await parse_held_out(model))


def score(parsed: list[Parsed]) -> Scores:
    scores = Scores()
    for item in parsed:
        text, expected = item.text, item.expected
        intent, key = predicted(item.parse)
        base = expected.split("/", 1)[0]
        scores.total += 1
        intent_ok = intent == base
        scores.intent_correct += intent_ok
        if base == RETRIEVAL:
            scores.faq_total += 1
            topic_ok = key == expected
            scores.faq_correct += topic_ok
            answer_ok = intent_ok and topic_ok
        else:
            answer_ok = intent_ok
        scores.answer_correct += answer_ok
        if not answer_ok:
            got = key if intent == RETRIEVAL and key else intent
            scores.confusions[(expected, str(got))] += 1
            scores.errors.append({"text": text, "expected": expected, "got": str(got)})
    return scores


def main() -> None:
    model = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "models" / "qianjian.tar.gz"
    scores = asyncio.run(evaluate(model))
    print(json.dumps({"examples": scores.total, "intent_accuracy": round(scores.intent_accuracy, 4),
                      "response_selector_accuracy": round(scores.response_accuracy, 4),
                      "answer_accuracy": round(scores.full_accuracy, 4),
                      "errors": scores.errors}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
