"""Named facts of the notice (data/policy/facts.yml), each with its citation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from rules_engine.policy import POLICY_DIR, Citation, cite


@dataclass(frozen=True)
class Fact:
    key: str
    text: str
    citation: Citation


@lru_cache(maxsize=1)
def _facts() -> dict[str, Fact]:
    with (POLICY_DIR / "facts.yml").open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)["facts"]
    return {key: Fact(key, entry["text"], cite(entry["clause"], entry["words"])) for key, entry in entries.items()}


def fact(key: str) -> Fact:
    return _facts()[key]


def all_facts() -> dict[str, Fact]:
    return dict(_facts())
