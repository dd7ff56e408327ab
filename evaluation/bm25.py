"""Baseline A: Okapi BM25 over jieba tokens, indexing every clause of the notice and of references.yml.

Tokens come from jieba with the project's dictionary (data/jieba, as config.yml's JiebaTokenizer
loads it); punctuation and spaces are dropped.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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


class BM25:
    """Okapi BM25 (k1, b as in Robertson and Zaragoza); the idf is kept non-negative."""

    def __init__(self, documents: Sequence[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.counts = [Counter(d) for d in documents]
        self.lengths = [len(d) for d in documents]
        self.average = sum(self.lengths) / len(documents) if documents else 0.0
        frequency = Counter(word for c in self.counts for word in c)
        n = len(documents)
        self.idf = {w: math.log(1 + (n - df + 0.5) / (df + 0.5)) for w, df in frequency.items()}

    def scores(self, query: list[str]) -> list[float]:
        found = []
        for counts, length in zip(self.counts, self.lengths, strict=True):
            norm = self.k1 * (1 - self.b + self.b * length / self.average) if self.average else self.k1
            found.append(sum(self.idf.get(w, 0.0) * counts[w] * (self.k1 + 1) / (counts[w] + norm)
                             for w in query if w in counts))
        return found

    def best(self, query: list[str]) -> int:
        """Index of the best-scoring document (the first one on a tie)."""
        scores = self.scores(query)
        return max(range(len(scores)), key=lambda i: (scores[i], -i))


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
