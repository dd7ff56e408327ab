"""The lexical retrieval signal: BM25 over each topic's words, as characters and character pairs.

A topic's document is its button title, its answer and the questions of data/nlu that ask for it.
Characters and their pairs, not jieba words, so that a typo (沿续, 强治注销) still shares most of its
pairs with the topic. It is a second, independent opinion next to the classifier: a different model
(term weighting, no training) that the classifier's topic must also rank near the top of.
"""

from __future__ import annotations

import re
from functools import lru_cache

import yaml

from bot.config import PROJECT_ROOT
from bot.replies.knowledge import topic_texts
from bot.replies.titles import faq_title
from bot.understanding.bm25 import BM25
from bot.understanding.lexicon import normal_form

NLU_FOLDER = PROJECT_ROOT / "data" / "nlu"
ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")
PLACEHOLDER = re.compile(r"\{[^}]*\}")
NOT_A_CHARACTER = re.compile(r"[\W_]+")


def tokens(text: str) -> list[str]:
    """Characters and pairs of neighbouring characters of the normal form, without punctuation or spaces."""
    plain = NOT_A_CHARACTER.sub("", normal_form(text))
    return list(plain) + [plain[i:i + 2] for i in range(len(plain) - 1)]


def _questions_by_topic() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(NLU_FOLDER.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            intent = str(block.get("intent") or "")
            if not intent.startswith("faq/"):
                continue
            lines = [line.strip()[2:] for line in str(block.get("examples", "")).splitlines()
                     if line.strip().startswith("- ")]
            found.setdefault(intent[4:], []).extend(ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line)
                                                    for line in lines)
    return found


@lru_cache(maxsize=1)
def _index() -> tuple[list[str], BM25]:
    questions = _questions_by_topic()
    names = list(topic_texts())
    documents = [tokens(" ".join([faq_title(topic), PLACEHOLDER.sub("", topic_texts()[topic]),
                                  *questions.get(topic, [])])) for topic in names]
    return names, BM25(documents)


@lru_cache(maxsize=256)
def ranked_topics(text: str) -> tuple[tuple[str, float], ...]:
    """Every topic with its BM25 score for the question, best first (one turn asks several times)."""
    names, index = _index()
    scores = index.scores(tokens(text))
    return tuple(sorted(zip(names, scores, strict=True), key=lambda entry: -entry[1]))


def retrieval_rank(topic: str, text: str) -> int:
    """1 when retrieval puts `topic` first for the question, 2 when second, …"""
    return next((i for i, (name, _) in enumerate(ranked_topics(text), 1) if name == topic), len(topic_texts()) + 1)


def retrieval_first(text: str) -> str | None:
    """Retrieval's first topic for the question, or None when no topic shares anything with it."""
    topic, score = ranked_topics(text)[0]
    return topic if score > 0 else None
