"""Okapi BM25, the scorer of the lexical retrieval signal (and of make eval's Baseline A)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence


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
