"""Decisions and their reasons: every outcome carries the checks that led to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from rules_engine.policy import Citation

T = TypeVar("T")


@dataclass(frozen=True)
class Reason:
    """One condition checked: what, whether it held, on which facts, under which clause."""

    check: str
    holds: bool
    facts: tuple[tuple[str, object], ...]
    citation: Citation

    def fact_strings(self) -> dict[str, str]:
        """The facts as text; made only when someone reads the trace, not on every decision."""
        return {name: _fact(value) for name, value in self.facts}

    def fact_text(self) -> str:
        return ", ".join(f"{name}={value}" for name, value in self.fact_strings().items())


@dataclass(frozen=True)
class Decision(Generic[T]):
    outcome: T
    reasons: tuple[Reason, ...]

    @property
    def citations(self) -> tuple[Citation, ...]:
        seen: dict[tuple[str, str], Citation] = {}
        for reason in self.reasons:
            seen.setdefault((reason.citation.document, reason.citation.clause), reason.citation)
        return tuple(seen.values())

    def reason_for(self, check: str) -> Reason:
        return next(r for r in self.reasons if r.check == check)

    def first_failure(self) -> Reason | None:
        return next((r for r in self.reasons if not r.holds), None)

    def trace(self) -> list[dict[str, object]]:
        return [
            {"check": r.check, "holds": r.holds, "facts": r.fact_strings(),
             "clause": r.citation.clause, "document": r.citation.document}
            for r in self.reasons
        ]


def reason(check: str, holds: bool, citation: Citation, **facts: object) -> Reason:
    return Reason(check, bool(holds), tuple(facts.items()), citation)


def _fact(value: object) -> str:
    return "null" if value is None else str(value)
