"""Worked examples of each clause's decision function, one YAML file per clause."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import yaml

import rules_engine.approval
import rules_engine.certificates
import rules_engine.continuing_education
import rules_engine.effect
import rules_engine.initial_registration
import rules_engine.procedure
import rules_engine.registration_kinds
import rules_engine.renewal
import rules_engine.transition  # noqa: F401  (registers its clause functions)
from rules_engine.facts import Fact
from rules_engine.policy import IMPLEMENTATIONS
from rules_engine.record import Employer, Registration
from rules_engine.record_format import parse_record
from rules_engine.registration_kinds import DetailChange
from tests.rules_engine.builders import full_record
from tests.rules_engine.test_report_cases import assert_subset

CASES_DIR = Path(__file__).parent / "cases" / "clauses"
FUNCTIONS: dict[str, Callable[..., Any]] = {f.__name__: f for f in IMPLEMENTATIONS}


def argument(name: str, value: Any) -> Any:
    """Turn a case's plain YAML into the dataclass the function takes."""
    if value is None:
        return None
    builders: dict[str, Callable[[Any], Any]] = {
        "record": lambda v: parse_record(full_record(v)),
        "employer": lambda v: Employer(**v),
        "original": lambda v: Registration(**v),
        "registrations": lambda v: tuple(Registration(**r) for r in v),
        "change": DetailChange,
    }
    return builders[name](value) if name in builders else value


def plain(value: Any) -> Any:
    """Outcomes as YAML would write them: enums by value, facts by key, dates as dates."""
    if isinstance(value, Fact):
        return value.key
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        out.update({name: plain(getattr(value, name)) for name in dir(type(value))
                    if isinstance(getattr(type(value), name), property)})
        return out
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    return value


def subset(expected: Any, actual: Any, where: str) -> None:
    if isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) >= len(expected), f"{where}: {actual!r}"
        for index, item in enumerate(expected):
            subset(item, actual[index], f"{where}[{index}]")
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing"
            subset(value, actual[key], f"{where}.{key}")
    else:
        assert_subset(expected, actual, where)


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            params.append(pytest.param(case, id=f"{path.stem}:{case['name']}"))
    return params


@pytest.mark.parametrize("case", load_cases())
def test_clause_case(case: dict[str, Any]) -> None:
    function = FUNCTIONS[case["call"]]
    args = {name: argument(name, value) for name, value in (case.get("args") or {}).items()}
    decision = function(**args)
    expected = dict(case["expect"])
    outcome = plain(decision.outcome)
    if "outcome" in expected:
        subset(expected.pop("outcome"), outcome, "outcome")
    if expected:
        subset(expected, outcome, "outcome")
    cited = {citation.clause for citation in decision.citations}
    for clause_id in case.get("cites", []):
        assert clause_id in cited, f"{clause_id} not cited; the decision cites {sorted(cited)}"


def test_every_case_names_a_known_function() -> None:
    for param in load_cases():
        assert param.values[0]["call"] in FUNCTIONS


def test_dates_in_cases_are_dates() -> None:
    # YAML must read the cases' dates as dates, or a quoted date would compare as text.
    for param in load_cases():
        for value in (param.values[0].get("args") or {}).values():
            assert not (isinstance(value, str) and len(value) == 10 and value[4] == "-"), value
    assert isinstance(yaml.safe_load("d: 2023-07-15")["d"], dt.date)
