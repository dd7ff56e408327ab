"""Answer correctness: the key fact a reply must state and the clause its 依据： line must name.

evaluation/key_facts.yml holds, for each FAQ topic, the clause and the facts (parameters of
data/policy/parameters.yml or words of the clause); for personal questions, which value of the
rules engine's status report is the fact. `judge` decides one reply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from rules_engine.calendar import shown
from rules_engine.parameters import all_parameters
from rules_engine.policy import NOTICE, Citation, clause
from rules_engine.report import SpecialtyStatus, StatusReport
from rules_engine.vocabulary import STATUS

KEY_FACTS_FILE = Path(__file__).resolve().parent / "key_facts.yml"
BASIS_PREFIX = "依据："
NOTICE_SEPARATOR, DOCUMENT_SEPARATOR = "、", "；"


@dataclass(frozen=True)
class Expected:
    """What a correct reply states (every fact) and cites (the clause)."""

    facts: tuple[str, ...]
    clause: str
    document: str = NOTICE

    @property
    def label(self) -> str:
        """The clause as a 依据： line names it (黔建建通〔2023〕55号 第五条（一）2)."""
        return Citation(self.document, self.clause, "").label()

    @property
    def clause_text(self) -> str:
        return clause(self.clause, self.document).plain_text


@lru_cache(maxsize=1)
def key_facts_data() -> dict[str, Any]:
    return dict(yaml.safe_load(KEY_FACTS_FILE.read_text(encoding="utf-8")))


def render_fact(entry: dict[str, str]) -> str:
    """One fact of key_facts.yml as a reply would write it."""
    if "text" in entry:
        return str(entry["text"])
    value = all_parameters()[entry["parameter"]].value
    return str(entry.get("format", "{}")).format(shown(value))


def faq_expected() -> dict[str, Expected]:
    """faq/<topic> → what its reply must state and cite."""
    found = {}
    for topic, entry in key_facts_data()["faq"].items():
        found[f"faq/{topic}"] = Expected(tuple(render_fact(f) for f in entry["facts"]), str(entry["clause"]),
                                         str(entry.get("document", NOTICE)))
    return found


def _registered(report: StatusReport) -> SpecialtyStatus:
    return next(s for s in report.specialties if s.registration_status != STATUS.unregistered)


def _unregistered(report: StatusReport) -> SpecialtyStatus:
    return next(s for s in report.specialties if s.registration_status == STATUS.unregistered)


def _renewal_outcome(report: StatusReport) -> str:
    status = _registered(report)
    if status.renewal_eligible:
        return str(shown(status.renewal_new_valid_until))
    return f"{shown(report.hours.shortfall)}学时"


# Values of the status report a personal reply must state, by the names key_facts.yml uses.
REPORT_FACTS: dict[str, Callable[[StatusReport], str]] = {
    "valid_until": lambda r: str(shown(_registered(r).valid_until)),
    "renewal_apply_by": lambda r: str(shown(_registered(r).renewal_apply_by)),
    "renewal_outcome": _renewal_outcome,
    "hours_shortfall": lambda r: f"{shown(r.hours.shortfall)}学时",
    "age_65_on": lambda r: str(shown(r.age_65_on)),
    "unregistered_deadline": lambda r: str(shown(_unregistered(r).initial_registration_deadline)),
    "certificate_form": lambda r: str(r.record.certificate_form),
}


def personal_expected(report: StatusReport) -> dict[str, Expected]:
    """Personal intent → what its reply must state for the registrant of `report`."""
    return {intent: Expected((REPORT_FACTS[entry["report"]](report),), str(entry["clause"]))
            for intent, entry in key_facts_data()["personal"]["intents"].items()}


def no_fact_intents() -> dict[str, str]:
    """Intent → why it is left out of answer correctness."""
    return {intent: group for group, intents in key_facts_data()["no_fact"].items() for intent in intents}


def cited_labels(reply: str) -> set[str]:
    """The clauses a reply's 依据： line names, each as Citation.label() writes it."""
    labels: set[str] = set()
    for line in reply.splitlines():
        if not line.startswith(BASIS_PREFIX):
            continue
        for group in line.removeprefix(BASIS_PREFIX).split(DOCUMENT_SEPARATOR):
            group = group.strip()
            if group.startswith(NOTICE):
                labels.update(f"{NOTICE} {part.strip()}" for part in group.removeprefix(NOTICE).split(NOTICE_SEPARATOR))
            elif group:
                labels.add(group)
    return labels


def judge(reply: str, expected: Expected) -> bool:
    """Correct: the reply states every key fact and its 依据： line names the expected clause."""
    return all(fact in reply for fact in expected.facts) and expected.label in cited_labels(reply)


def judge_clause(document: str, clause_id: str, text: str, expected: Expected) -> bool:
    """Baseline A: the retrieved clause is the expected one and holds every key fact."""
    plain = text.replace("\n", "")
    return (document, clause_id) == (expected.document, expected.clause) and all(f in plain for f in expected.facts)


def today_for_eval() -> dt.date:
    """The fixed day make eval answers on, so that re-running it gives the same numbers."""
    return dt.date.fromisoformat(str(key_facts_data().get("today", "2025-12-01")))
