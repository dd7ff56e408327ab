"""The texts the engine cites: the notice's clauses and the extracts of the documents it names.

A citation is a clause id plus the words it rests on; `cite` refuses words that do not stand in
the clause, so a wrong citation fails where it is written, not in front of a registrant.

Every clause has its function (`implements`). Most are called by the status report or the
answers; a few clauses are only ever stated, in fixed words, by a knowledge answer
(data/answers/knowledge.yml). Their functions are kept as the executable reading of the clause,
in the manner of a Catala specification, and say so with `specification_only`: the answers'
words are checked against them (tests/rules_engine/test_specifications.py), and the day an
answer starts calling one, the mark comes off.

The notice is the base document; an amending document (data/policy/README.md, "Amending documents")
adds clauses of its own and, from its effective date, supersedes named clauses or passages of
earlier ones. Which amending documents count is a `Policy`, loaded from the directories given
(`load_policy`) and installed by whoever starts a process (`install_policy`); the engine never
looks anywhere by itself. `in_force(citation, as_of)` is the citation that stands on a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

POLICY_DIR = Path(__file__).resolve().parent.parent / "data" / "policy"
AMENDMENTS_DIR = POLICY_DIR / "amendments"
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
        return _label(self.document, self.clause, self.document in current_policy().notices)

    def basis_line(self) -> str:
        return _basis_line(self.document, self.clause, self.document in current_policy().notices)


# Citations are a few hundred constants, and every finding of every report names one.
# `numbered`: the document is the notice or an amending notice, whose clauses are 第X条.
@lru_cache(maxsize=1024)
def _label(document: str, clause_id: str, numbered: bool = False) -> str:
    if numbered or document == NOTICE:
        top = clause_id[: len(clause_id) - len(clause_id.lstrip(TOP_LEVEL_NUMERALS))]
        return f"{document} 第{top}条{clause_id[len(top):]}" if top else f"{document} {clause_id}"
    if document.startswith("《"):
        return f"{document}{clause_id}"
    return document if clause_id == WHOLE_DOCUMENT else f"{document}（{clause_id}）"


@lru_cache(maxsize=1024)
def _basis_line(document: str, clause_id: str, numbered: bool = False) -> str:
    return f"依据：{_label(document, clause_id, numbered)}"


class CitationError(ValueError):
    """A citation whose clause does not exist or does not contain the cited words."""


def _load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass(frozen=True)
class Supersession:
    """From `effective` on, `by` stands where `document`'s clause `clause` stood: the whole clause,
    or only the passage `words` of it, the rest of the clause staying in force."""

    document: str
    clause: str
    words: str | None
    by: Citation
    effective: dt.date

    def covers(self, citation: Citation) -> bool:
        if citation.clause != self.clause or citation.document != self.document:
            return False
        return self.words is None or self.words in citation.words or citation.words in self.words


@dataclass(frozen=True)
class ParameterChange:
    """A parameter's successor as an amending document states it (rules_engine/parameters.py)."""

    name: str
    value: Any
    citation: Citation
    effective: dt.date


@dataclass(frozen=True)
class Amendment:
    """An amending document: its clauses, what it supersedes and the parameters it changes."""

    document: str
    effective: dt.date
    source: Path
    title: str | None = None
    supersedes: tuple[Supersession, ...] = ()
    parameters: tuple[ParameterChange, ...] = ()


@dataclass(frozen=True, eq=False)
class Policy:
    """The documents in force: the notice, the extracts it refers to, and the amending documents.

    Compared by identity: the parameters' tables are kept per policy (parameters.py)."""

    clauses: Mapping[tuple[str, str], Clause] = field(repr=False)
    amendments: tuple[Amendment, ...] = ()
    notices: frozenset[str] = frozenset({NOTICE})
    supersessions: tuple[Supersession, ...] = field(default=(), repr=False)

    def clause(self, clause_id: str, document: str = NOTICE) -> Clause:
        try:
            return self.clauses[(document, clause_id)]
        except KeyError:
            raise CitationError(f"{document} has no clause {clause_id!r}") from None

    def cite(self, clause_id: str, words: str, document: str = NOTICE) -> Citation:
        text = self.clause(clause_id, document).plain_text
        if words not in text:
            raise CitationError(f"{document} {clause_id} does not contain {words!r}")
        return Citation(document, clause_id, words)

    def in_force(self, citation: Citation, as_of: dt.date) -> Citation:
        """The citation that stands on `as_of`: the superseding clause's, where an amending document
        in force by then replaced the cited clause or passage (the latest such, followed on)."""
        if not self.supersessions:
            return citation
        while True:
            found = None
            for supersession in self.supersessions:  # in order of effect: the last match wins
                if supersession.effective <= as_of and supersession.covers(citation):
                    found = supersession
            if found is None:
                return citation
            citation = found.by


def _base_clauses() -> dict[tuple[str, str], Clause]:
    notice = _load_yaml(POLICY_DIR / "notice.yml")
    found: dict[tuple[str, str], Clause] = {}
    for entry in notice["clauses"]:
        clause = Clause(notice["document"], entry["id"], entry["text"], entry.get("title"),
                        tuple(entry.get("heading_path", ())))
        found[(clause.document, clause.id)] = clause
    for document in _load_yaml(POLICY_DIR / "references.yml")["documents"]:
        for entry in document["clauses"]:
            clause = Clause(document["document"], entry["id"], entry["text"])
            found[(clause.document, clause.id)] = clause
    return found


def amendment_files(paths: Iterable[Path]) -> list[Path]:
    """The amending documents among `paths`: a file is one; a directory holds them as *.yml
    (its README and anything else is not read); a path that does not exist holds none."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(path.glob("*.yml"))
        elif path.is_file():
            found.append(path)
    return found


def _amendment(path: Path, known: dict[tuple[str, str], Clause]) -> tuple[Amendment, list[Clause]]:
    """Read one amending document, checking every citation in it against the texts known so far
    and its own clauses."""
    data = _load_yaml(path)
    try:
        document, effective = str(data["document"]), data["effective"]
        entries = data.get("clauses") or []
    except (KeyError, TypeError):
        raise CitationError(f"{path}: an amending document needs `document`, `effective` and `clauses`") from None
    if not isinstance(effective, dt.date):
        raise CitationError(f"{path}: `effective` must be a date (YYYY-MM-DD), not {effective!r}")
    if any(key[0] == document for key in known):
        raise CitationError(f"{path}: {document} is already a document of the policy")
    own = [Clause(document, str(entry["id"]), str(entry["text"]), entry.get("title")) for entry in entries]
    if not own:
        raise CitationError(f"{path}: {document} has no clauses")
    texts = Policy({**known, **{(c.document, c.id): c for c in own}})
    supersedes = []
    for entry in data.get("supersedes") or []:
        target = str(entry.get("document", NOTICE))
        words = entry.get("words")
        texts.cite(str(entry["clause"]), words or "", target)  # the clause (and passage) must exist
        by = texts.cite(str(entry["by"]["clause"]), str(entry["by"]["words"]), document)
        supersedes.append(Supersession(target, str(entry["clause"]), words, by, effective))
    changes = [ParameterChange(str(name), entry["value"], texts.cite(str(entry["clause"]), str(entry["words"]),
                                                                     document), effective)
               for name, entry in (data.get("parameters") or {}).items()]
    return Amendment(document, effective, path, data.get("title"), tuple(supersedes), tuple(changes)), own


def load_policy(amendments: Iterable[Path] = (AMENDMENTS_DIR,)) -> Policy:
    """The notice and its references, with the amending documents found in `amendments` (files or
    directories of them, amendment_files), applied in order of their effective dates."""
    known = _base_clauses()
    read = []
    for path in amendment_files(amendments):
        amendment, own = _amendment(path, known)
        known.update({(c.document, c.id): c for c in own})
        read.append(amendment)
    read.sort(key=lambda a: (a.effective, a.document))
    return Policy(known, tuple(read), frozenset({NOTICE, *(a.document for a in read)}),
                  tuple(s for a in read for s in a.supersedes))


_installed: Policy | None = None


def current_policy() -> Policy:
    """The installed policy; until one is installed, data/policy with its own amendments directory."""
    return _installed if _installed is not None else install_default()


def install_default() -> Policy:
    global _installed
    _installed = load_policy()
    return _installed


def install_policy(policy: Policy | None = None) -> Policy:
    """Make `policy` (None: the default, load_policy()) the one every lookup uses; returns the one it
    replaces, so that a test can put it back."""
    global _installed
    previous = current_policy()
    _installed = policy if policy is not None else load_policy()
    return previous


def clauses() -> Mapping[tuple[str, str], Clause]:
    return current_policy().clauses


def clause(clause_id: str, document: str = NOTICE) -> Clause:
    return current_policy().clause(clause_id, document)


def cite(clause_id: str, words: str, document: str = NOTICE) -> Citation:
    return current_policy().cite(clause_id, words, document)


def in_force(citation: Citation, as_of: dt.date) -> Citation:
    """The citation that stands on `as_of` under the installed policy (Policy.in_force)."""
    policy = current_policy()
    return policy.in_force(citation, as_of) if policy.supersessions else citation


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
