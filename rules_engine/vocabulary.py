"""The schema's enumerations, read from data/policy/vocabulary.yml.

Code names values by their English keys (`STATUS.valid`), so the Chinese stays in data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace

import yaml

from rules_engine.policy import POLICY_DIR, Citation, cite


@dataclass(frozen=True)
class Vocabulary:
    specialties: tuple[str, ...]
    unit_types: tuple[str, ...]
    unit_types_citation: Citation
    registration_kinds: dict[str, str]
    stored_statuses: dict[str, str]
    derived_statuses: dict[str, str]
    ce_categories: dict[str, str]
    certificate_forms: dict[str, str]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    with (POLICY_DIR / "vocabulary.yml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    units = data["unit_types"]
    return Vocabulary(
        specialties=tuple(data["specialties"]),
        unit_types=tuple(units["values"]),
        unit_types_citation=cite(units["clause"], units["words"]),
        registration_kinds=dict(data["registration_kinds"]),
        stored_statuses=dict(data["stored_statuses"]),
        derived_statuses=dict(data["derived_statuses"]),
        ce_categories=dict(data["ce_categories"]),
        certificate_forms=dict(data["certificate_forms"]),
    )


_words = vocabulary()
STATUS = SimpleNamespace(**_words.stored_statuses, **_words.derived_statuses)
KIND = SimpleNamespace(**_words.registration_kinds)
CATEGORY = SimpleNamespace(**_words.ce_categories)
FORM = SimpleNamespace(**_words.certificate_forms)
