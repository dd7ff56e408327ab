"""The notice's numbers and dates, read from data/policy/parameters.yml with their clauses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

import yaml

from rules_engine.policy import NOTICE, POLICY_DIR, Citation, cite

T = TypeVar("T", int, dt.date)


@dataclass(frozen=True)
class Parameter(Generic[T]):
    name: str
    value: T
    citation: Citation


@lru_cache(maxsize=1)
def _all() -> dict[str, Parameter[int] | Parameter[dt.date]]:
    with (POLICY_DIR / "parameters.yml").open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)["parameters"]
    found: dict[str, Parameter[int] | Parameter[dt.date]] = {}
    for name, entry in entries.items():
        found[name] = Parameter(name, entry["value"], cite(entry["clause"], entry["words"], NOTICE))
    return found


def all_parameters() -> dict[str, Parameter[int] | Parameter[dt.date]]:
    return dict(_all())


def number(name: str) -> Parameter[int]:
    parameter = _all()[name]
    if not isinstance(parameter.value, int):
        raise TypeError(f"parameter {name} is not a number")
    return parameter  # type: ignore[return-value]


def day(name: str) -> Parameter[dt.date]:
    parameter = _all()[name]
    if not isinstance(parameter.value, dt.date):
        raise TypeError(f"parameter {name} is not a date")
    return parameter  # type: ignore[return-value]
