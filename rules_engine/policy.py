"""The texts the engine cites: the notice's clauses and the extracts of the documents it names.

A citation is a clause id plus the words it rests on; `cite` refuses words that do not stand in
the clause, so a wrong citation fails where it is written, not in front of a registrant.

Every clause has its function (`implements`). Most are called by the status report or the
answers; a few clauses are only ever stated, in fixed words, by a knowledge answer
(data/answers/knowledge.yml). Their functions are kept as the executable reading of the clause,
in the manner of a Catala specification, and say so with `specification_only`: the answers'
words are checked against them (tests/rules_engine/test_specifications.py), and the day an
answer starts calling one, the mark comes off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

POLICY_DIR = Path(__file__).resolve().parent.parent / "data" / "policy"
NOTICE = "黔建建通〔2023〕55号"
TOP_LEVEL_NUMERALS = "一二三四五六七八九十"
WHOLE_DOCUMENT = "全文"


@dataclass(frozen=True)
class Clause:
    document: str
    id: str
    text: str
    title: str | None = None
    heading_path: tuple[str, ...] = ()

    @property
    def plain_text(self) -> str:
        """The text with line breaks removed, as a quotation would run on."""
        return self.text.replace("\n", "")


@dataclass(frozen=True)
class Citation:
    document: str
    clause: str
    words: str

    def label(self) -> str:
        """How an answer names the clause: 黔建建通〔2023〕55号 第五条（一）2."""
        return _label(self.document, self.clause)

    def basis_line(self) -> str:
        return _basis_line(self.document, self.clause)


# Citations are a few hundred constants, and every finding of every report names one.
@lru_cache(maxsize=1024)
def _label(document: str, clause_id: str) -> str:
    if document == NOTICE:
        top = clause_id[: len(clause_id) - len(clause_id.lstrip(TOP_LEVEL_NUMERALS))]
        return f"{NOTICE} 第{top}条{clause_id[len(top):]}" if top else f"{NOTICE} {clause_id}"
    if document.startswith("《"):
        return f"{document}{clause_id}"
    return document if clause_id == WHOLE_DOCUMENT else f"{document}（{clause_id}）"


@lru_cache(maxsize=1024)
def _basis_line(document: str, clause_id: str) -> str:
    return f"依据：{_label(document, clause_id)}"


class CitationError(ValueError):
    """A citation whose clause does not exist or does not contain the cited words."""


def _load_yaml(name: str) -> Any:
    with (POLICY_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=1)
def clauses() -> dict[tuple[str, str], Clause]:
    notice = _load_yaml("notice.yml")
    found: dict[tuple[str, str], Clause] = {}
    for entry in notice["clauses"]:
        clause = Clause(notice["document"], entry["id"], entry["text"], entry.get("title"),
                        tuple(entry.get("heading_path", ())))
        found[(clause.document, clause.id)] = clause
    for document in _load_yaml("references.yml")["documents"]:
        for entry in document["clauses"]:
            clause = Clause(document["document"], entry["id"], entry["text"])
            found[(clause.document, clause.id)] = clause
    return found


def clause(clause_id: str, document: str = NOTICE) -> Clause:
    try:
        return clauses()[(document, clause_id)]
    except KeyError:
        raise CitationError(f"{document} has no clause {clause_id!r}") from None


def cite(clause_id: str, words: str, document: str = NOTICE) -> Citation:
    text = clause(clause_id, document).plain_text
    if words not in text:
        raise CitationError(f"{document} {clause_id} does not contain {words!r}")
    return Citation(document, clause_id, words)


F = TypeVar("F", bound=Callable[..., Any])
IMPLEMENTATIONS: list[Callable[..., Any]] = []
SPECIFICATIONS: list[Callable[..., Any]] = []


def implements(citation: Citation) -> Callable[[F], F]:
    """Mark a function as the code of one clause, carrying the clause's id and words."""

    def mark(function: F) -> F:
        function.citation = citation  # type: ignore[attr-defined]
        IMPLEMENTATIONS.append(function)
        return function

    return mark


@dataclass(frozen=True)
class Specification:
    """Why a clause function has no caller, and which knowledge answers state its clause."""

    why: str
    stated_by: tuple[str, ...]


def specification_only(why: str, *stated_by: str) -> Callable[[F], F]:
    """Mark a clause function that neither the report nor any answer calls.

    `stated_by` names the topics of data/answers/knowledge.yml that state the clause; each must
    cite it. `why` says why no computation needs the function, so that wiring it later is a
    decision, not an accident.
    """

    def mark(function: F) -> F:
        function.specification = Specification(why, stated_by)  # type: ignore[attr-defined]
        SPECIFICATIONS.append(function)
        return function

    return mark
