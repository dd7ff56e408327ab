"""Decisions and their reasons: every outcome carries the checks that led to it."""

from __future__ import annotations

from collections.abc import Callable
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
        return {name: "null" if value is None else str(value) for name, value in self.facts}

    def fact_text(self) -> str:
        return ", ".join(f"{name}={value}" for name, value in self.fact_strings().items())

    def as_dict(self) -> dict[str, object]:
        """One entry of a trace, as the status report's JSON carries it."""
        return {"check": self.check, "holds": self.holds, "facts": self.fact_strings(),
                "clause": self.citation.clause, "document": self.citation.document}


_set = object.__setattr__


class Decision(Generic[T]):
    """An outcome and the reasons for it.

    The reasons are a tuple, or a function that makes them: a rule states its checks beside its
    outcome either way, but a roster of thousands, which reads outcomes only, does not pay for
    building every trace. `reasons` always reads as the same tuple once made. Immutable, and equal
    when outcome and reasons are equal, like the frozen dataclass it replaces.
    """

    __slots__ = ("_reasons", "outcome")

    outcome: T
    # The reasons once made; until then, the function that makes them.
    _reasons: tuple[Reason, ...] | Callable[[], tuple[Reason, ...]]

    def __init__(self, outcome: T, reasons: tuple[Reason, ...] | Callable[[], tuple[Reason, ...]]) -> None:
        _set(self, "outcome", outcome)
        _set(self, "_reasons", reasons)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        made = self._reasons
        if type(made) is not tuple:
            made = made()  # type: ignore[operator]
            _set(self, "_reasons", made)
        return made  # type: ignore[return-value]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Decision)
        return (self.outcome, self.reasons) == (other.outcome, other.reasons)

    def __hash__(self) -> int:
        return hash((self.outcome, self.reasons))

    def __repr__(self) -> str:
        return f"Decision(outcome={self.outcome!r}, reasons={self.reasons!r})"

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
        return [r.as_dict() for r in self.reasons]


def reason(check: str, holds: bool, citation: Citation, **facts: object) -> Reason:
    return Reason(check, bool(holds), tuple(facts.items()), citation)
