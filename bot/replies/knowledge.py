"""Knowledge answers: the templates of data/answers/knowledge.yml filled from the rules engine.

Numbers and dates come from the parameters file, facts from the facts file, and the wording of a
time-relative answer is chosen by a rules-engine decision on today, so "已作废" and "将作废"
can never be wrong for the day asked about.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.config import PROJECT_ROOT
from bot.replies.answer_files import answer_file
from rules_engine.approval import application_channel, approving_authority
from rules_engine.calendar import chinese_date
from rules_engine.certificates import electronic_certificate_in_use, paper_certificates_void
from rules_engine.continuing_education import continuing_education_requirement
from rules_engine.facts import all_facts
from rules_engine.parameters import all_parameters, day
from rules_engine.policy import NOTICE, Citation, cite, clause, in_force
from rules_engine.transition import transition_timeline
from rules_engine.vocabulary import vocabulary

KNOWLEDGE_FILE = PROJECT_ROOT / "data" / "answers" / "knowledge.yml"
SITUATIONS_DOCUMENT, SITUATIONS_CLAUSE = "建办市函〔2019〕92号", "六类情形"
BASIS_PREFIX = "依据："


@dataclass(frozen=True)
class Answer:
    topic: str
    text: str
    citations: tuple[Citation, ...]

    @property
    def basis_line(self) -> str:
        return basis_line(self.citations)

    def render(self) -> str:
        return f"{self.text}\n{self.basis_line}"


def basis_line(citations: tuple[Citation, ...]) -> str:
    """依据：黔建建通〔2023〕55号 第五条（一）2、第五条（二）；《注册建造师管理规定》第十六条"""
    parts: list[str] = []
    previous_document = None
    unique = {(c.document, c.clause): c for c in citations}
    for citation in unique.values():
        label = citation.label()
        if citation.document == previous_document == NOTICE:
            parts[-1] += "、" + label.removeprefix(NOTICE).strip()
        else:
            parts.append(label)
        previous_document = citation.document
    return BASIS_PREFIX + "；".join(parts)


def _knowledge() -> dict[str, Any]:
    """knowledge.yml as it is now: an edit at /staff/answers is read on the next call (bot/replies/answer_files.py)."""
    return answer_file(KNOWLEDGE_FILE.name)


def topics() -> list[str]:
    return list(_knowledge()["topics"])


def topic_texts() -> dict[str, str]:
    """Each topic's answer template (every variant), for the retrieval signal."""
    found = {}
    for topic, entry in _knowledge()["topics"].items():
        found[topic] = " ".join(entry["variants"].values()) if "variants" in entry else str(entry["text"])
    return found


def _transition_variant(today: dt.date) -> str:
    standing = transition_timeline(today).outcome
    if standing.in_transition_period:
        return "during"
    return "after" if standing.milestones[0].passed else "before"


# Which wording is true on the day asked about, decided by the rules engine.
VARIANT_CHOOSERS: dict[str, Callable[[dt.date], str]] = {
    "approval_authority": lambda day: "current" if approving_authority(day).outcome.provincial else "before",
    "portal": lambda day: "current" if application_channel(day).outcome.online_only else "before",
    "transition_period": _transition_variant,
    "electronic_certificate": lambda day: "current" if electronic_certificate_in_use(day).outcome else "before",
    "paper_certificate": lambda day: "void" if paper_certificates_void(day).outcome else "usable",
}


def _situations() -> str:
    text = clause(SITUATIONS_CLAUSE, SITUATIONS_DOCUMENT).text
    items = [re.sub(r"^\d+．", "", line).rstrip("；。") for line in text.splitlines() if line.strip()]
    return "；".join(f"（{index}）{item}" for index, item in enumerate(items, 1))


def _context(specialty_count: int | None, today: dt.date | None = None) -> dict[str, str]:
    """The values a template may use, as in force on `today` (None: the notice's own, as on its date)."""
    as_of = today if today is not None else day("notice_date").value
    values: dict[str, str] = {}
    for name, parameter in all_parameters(as_of).items():
        value = parameter.value
        values[name] = chinese_date(value) if isinstance(value, dt.date) else str(value)
    values.update({f"f_{key}": fact.text for key, fact in all_facts().items()})
    values["six_situations"] = _situations()
    values["unit_types"] = "、".join(vocabulary().unit_types)
    values["ce_for_count"] = ""
    if specialty_count:
        requirement = continuing_education_requirement(specialty_count, as_of).outcome
        values["ce_for_count"] = _knowledge()["ce_for_count"].format(
            count=specialty_count, total=requirement.total, compulsory=requirement.compulsory,
            elective=requirement.elective)
    return values


def _citations(basis: list[dict[str, str]], today: dt.date) -> tuple[Citation, ...]:
    """The basis entries' citations as they stand on `today`: an entry whose clause (or passage) an
    amending document in force by then superseded cites that document's clause instead."""
    return tuple(in_force(cite(entry["clause"], entry["words"], entry.get("document", NOTICE)), today)
                 for entry in basis)


def knowledge_answer(topic: str, today: dt.date, specialty_count: int | None = None) -> Answer:
    """The answer to faq/<topic> as true on `today`; `specialty_count` where the question named one."""
    entry = _knowledge()["topics"][topic]
    template = entry["variants"][VARIANT_CHOOSERS[topic](today)] if "variants" in entry else entry["text"]
    return Answer(topic, template.format(**_context(specialty_count, today)), _citations(entry["basis"], today))


def placeholder_names() -> frozenset[str]:
    """The {names} a topic's template may use (what knowledge_answer fills it from), for /staff/answers' check."""
    return frozenset(_context(None))
