"""The notice's numbers and dates, read from data/policy/parameters.yml with their clauses.

A parameter may have successors: an amending document (data/policy/README.md) gives a new value
from its effective date, with its own clause and words. `number(name, as_of)` / `day(name, as_of)`
is the value in force on `as_of`: the latest successor in effect by then, else the notice's own.
Without a date they give the notice's own value, for what speaks of the notice itself, not of a day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

import yaml

from rules_engine.policy import NOTICE, POLICY_DIR, Citation, CitationError, Policy, current_policy

T = TypeVar("T", int, dt.date)


@dataclass(frozen=True)
class Parameter(Generic[T]):
    name: str
    value: T
    citation: Citation
    # The day an amending document's value applies from; None for the notice's own value.
    in_force_from: dt.date | None = None


AnyParameter = Parameter[int] | Parameter[dt.date]


@lru_cache(maxsize=4)
def _base(policy: Policy) -> dict[str, AnyParameter]:
    with (POLICY_DIR / "parameters.yml").open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)["parameters"]
    found: dict[str, AnyParameter] = {}
    for name, entry in entries.items():
        found[name] = Parameter(name, entry["value"], policy.cite(entry["clause"], entry["words"], NOTICE))
    return found


@lru_cache(maxsize=4)
def _successors(policy: Policy) -> dict[str, tuple[AnyParameter, ...]]:
    """Each changed parameter's successors, in order of effect, checked against the notice's value:
    the same kind of value, and the clause the notice's value rests on superseded by the same
    document, so that no answer states the new value on the old clause."""
    base = _base(policy)
    found: dict[str, list[AnyParameter]] = {}
    for amendment in policy.amendments:
        for change in amendment.parameters:
            original = base.get(change.name)
            where = f"{amendment.source}: parameter {change.name}"
            if original is None:
                raise CitationError(f"{where} is not a parameter of data/policy/parameters.yml")
            if not _same_kind(change.value, original.value):
                raise CitationError(f"{where} must be {type(original.value).__name__}, like the notice's value")
            if not any(s.covers(original.citation) for s in amendment.supersedes):
                raise CitationError(f"{where}: {amendment.document} must supersede {original.citation.clause} "
                                    f"({original.citation.words}), the clause the notice's value rests on")
            successor: AnyParameter = Parameter(change.name, change.value, change.citation, change.effective)
            found.setdefault(change.name, []).append(successor)
    return {name: tuple(successors) for name, successors in found.items()}


def check_successors(policy: Policy) -> None:
    """Raise CitationError where an amending document of `policy` changes a parameter that does not
    exist, to another kind of value, or without superseding the clause the notice's value rests on."""
    _successors(policy)


def _same_kind(value: object, original: object) -> bool:
    return type(value) is type(original)


def _all() -> dict[str, AnyParameter]:
    """The notice's own values (under the installed policy)."""
    return _base(current_policy())


@lru_cache(maxsize=1024)
def _dated(policy: Policy, as_of: dt.date) -> dict[str, AnyParameter]:
    table = dict(_base(policy))
    for name, later in _successors(policy).items():
        for successor in later:  # in order of effect: the last one in force by as_of stands
            if successor.in_force_from is not None and successor.in_force_from <= as_of:
                table[name] = successor
    return table


def in_force_on(as_of: dt.date | None) -> dict[str, AnyParameter]:
    """Every parameter as in force on `as_of`; None: the notice's own values. Not to be changed."""
    policy = current_policy()
    if as_of is None or not policy.amendments:
        return _base(policy)
    return _dated(policy, as_of)


def parameter(name: str, as_of: dt.date | None = None) -> AnyParameter:
    """The parameter in force on `as_of`: the latest successor in effect by then, else the notice's
    own (which is also what None gives)."""
    return in_force_on(as_of)[name]


def all_parameters(as_of: dt.date | None = None) -> dict[str, AnyParameter]:
    """Every parameter as in force on `as_of`; None: the notice's own values. (The notice's values are
    read through _all(), which a test may replace.)"""
    dated = in_force_on(as_of)
    return {name: dated[name] if dated[name].in_force_from is not None else base for name, base in _all().items()}


def successors(name: str) -> tuple[AnyParameter, ...]:
    """The values amending documents give `name`, in order of effect (none under the notice alone)."""
    return _successors(current_policy()).get(name, ())


def number(name: str, as_of: dt.date | None = None) -> Parameter[int]:
    found = parameter(name, as_of)
    if not isinstance(found.value, int):
        raise TypeError(f"parameter {name} is not a number")
    return found  # type: ignore[return-value]


def day(name: str, as_of: dt.date | None = None) -> Parameter[dt.date]:
    found = parameter(name, as_of)
    if not isinstance(found.value, dt.date):
        raise TypeError(f"parameter {name} is not a date")
    return found  # type: ignore[return-value]
