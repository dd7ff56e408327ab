"""Baseline A: Okapi BM25 over jieba tokens, indexing every clause of the notice and of references.yml.

Tokens come from jieba with the project's dictionary (data/jieba, as config.yml's JiebaTokenizer
loads it); punctuation and spaces are dropped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.understanding.bm25 import BM25

ROOT = Path(__file__).resolve().parent.parent
JIEBA_DICTIONARY = ROOT / "data" / "jieba"


@lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    tokenizer = jieba.Tokenizer()
    for path in sorted(JIEBA_DICTIONARY.glob("*")):
        tokenizer.load_userdict(str(path))
    return tokenizer


def _is_word(token: str) -> bool:
    return any(not unicodedata.category(ch).startswith(("P", "Z", "S", "C")) for ch in token)


def tokenize(text: str) -> list[str]:
    """jieba words of `text` (domain dictionary loaded), lower-cased, without punctuation or spaces."""
    return [t.lower() for t in _jieba().lcut(text) if _is_word(t)]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Passage:
    document: str
    clause: str
    text: str


class ClauseRetriever:
    """Returns the clause whose text best matches a question."""

    def __init__(self, passages: Sequence[Passage], tokens: Callable[[str], list[str]] = tokenize) -> None:
        self.passages = list(passages)
        self.tokens = tokens
        self.index = BM25([tokens(p.text) for p in self.passages])

    def retrieve(self, question: str) -> Passage:
        return self.passages[self.index.best(self.tokens(question))]


def policy_passages() -> list[Passage]:
    """Every clause of data/policy/notice.yml and data/policy/references.yml."""
    from rules_engine.policy import clauses

    return [Passage(c.document, c.id, c.text) for c in clauses().values()]
