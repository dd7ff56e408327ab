"""The word lists of data/understanding/, compiled once, and the one normal form they are matched on."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

FOLDER = PROJECT_ROOT / "data" / "understanding"


def normal_form(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, spaces squeezed: what every pattern is matched on."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def _compiled(pattern: str) -> re.Pattern[str]:
    # Folded YAML (>-) joins lines with a space; alternations are written without spaces.
    return re.compile(pattern.replace(" ", "").replace("\n", ""))


def _load(name: str) -> dict[str, Any]:
    with (FOLDER / name).open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


@dataclass(frozen=True)
class ScopeKind:
    name: str
    label: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    near: tuple[str, ...]


@dataclass(frozen=True)
class Aspect:
    name: str
    pattern: re.Pattern[str]
    topic: str | None
    by_topic: dict[str, str]

    def topic_after(self, previous: str) -> str | None:
        if self.topic:
            return self.topic
        return self.by_topic.get(previous, self.by_topic.get("default"))


@dataclass(frozen=True)
class FollowUpShape:
    pattern: re.Pattern[str]
    max_chars: int


@lru_cache(maxsize=1)
def scope_kinds() -> tuple[ScopeKind, ...]:
    return tuple(ScopeKind(name, str(entry["label"]), _compiled(str(entry["pattern"])),
                           _compiled(str(entry["unless"])) if entry.get("unless") else None,
                           tuple(entry.get("near", ())))
                 for name, entry in _load("scope.yml")["kinds"].items())


@lru_cache(maxsize=1)
def topic_terms() -> dict[str, re.Pattern[str]]:
    return {topic: _compiled(str(pattern)) for topic, pattern in _load("topic_terms.yml")["topics"].items()}


@lru_cache(maxsize=1)
def follow_up_shape() -> FollowUpShape:
    shape = _load("follow_ups.yml")["shape"]
    return FollowUpShape(_compiled(str(shape["pattern"])), int(shape["max_chars"]))


@lru_cache(maxsize=1)
def aspects() -> tuple[Aspect, ...]:
    return tuple(Aspect(str(entry["name"]), _compiled(str(entry["pattern"])), entry.get("topic"),
                        dict(entry.get("by_topic", {})))
                 for entry in _load("follow_ups.yml")["aspects"])


@dataclass(frozen=True)
class VagueWords:
    words: re.Pattern[str]
    least_left: int


@lru_cache(maxsize=1)
def vague_words() -> VagueWords:
    found = _load("vague.yml")
    return VagueWords(_compiled(str(found["words"])), int(found["least_left"]))


@dataclass(frozen=True)
class Thresholds:
    """When to answer (data/understanding/thresholds.yml); make eval's sweep tries others."""

    answer_confidence: float
    agreed_confidence: float
    """The probability enough when the topic's words AND retrieval's first topic both agree."""
    decline_confidence: float
    second_question_terms: int
    retrieval_rank: int
    agreement: str
    """terms, retrieval, terms_or_retrieval or terms_and_retrieval: which second signal must agree."""


@lru_cache(maxsize=1)
def thresholds() -> Thresholds:
    found = _load("thresholds.yml")["thresholds"]
    return Thresholds(float(found["answer_confidence"]), float(found["agreed_confidence"]),
                      float(found["decline_confidence"]),
                      int(found["second_question_terms"]), int(found["retrieval_rank"]), str(found["agreement"]))


@dataclass(frozen=True)
class Words:
    date_roles: dict[str, re.Pattern[str]]
    hours: dict[str, re.Pattern[str]]
    relative_years: dict[str, int]
    renewal_asks: tuple[tuple[str, re.Pattern[str]], ...]
    question_like: re.Pattern[str]
    question_boundary: re.Pattern[str]


@lru_cache(maxsize=1)
def words() -> Words:
    found = _load("words.yml")

    def patterns(key: str) -> dict[str, re.Pattern[str]]:
        return {name: re.compile(str(pattern)) for name, pattern in found[key].items()}

    return Words(patterns("date_roles"), patterns("hours"),
                 {word: int(offset) for word, offset in found["relative_years"].items()},
                 tuple((str(intent), re.compile(str(pattern))) for intent, pattern in found["renewal_asks"]),
                 re.compile(str(found["question_like"])),
                 re.compile(str(found["question_boundary"])))
