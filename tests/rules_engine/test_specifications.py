"""Every clause function is either called by the report or an answer, or marked as the
specification a fixed answer is checked against; never both, never neither."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

import rules_engine
from rules_engine.policy import IMPLEMENTATIONS, NOTICE, SPECIFICATIONS

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "data" / "answers" / "knowledge.yml"
# Where a call counts as use: the engine itself and what the assistant runs; tests and benchmarks do not.
PRODUCTION = ("rules_engine", "bot", "actions", "evaluation")

for module in pkgutil.iter_modules(rules_engine.__path__):
    if module.name != "__main__":
        importlib.import_module(f"rules_engine.{module.name}")  # registers the clause functions


@lru_cache(maxsize=1)
def knowledge_topics() -> dict[str, Any]:
    return dict(yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8"))["topics"])


def cited(topic: dict[str, Any]) -> set[tuple[str, str]]:
    return {(entry.get("document", NOTICE), entry["clause"]) for entry in topic["basis"]}


def production_uses() -> set[tuple[str, str]]:
    """(module, name) of every engine name production code imports, or uses in its own module."""
    found: set[tuple[str, str]] = set()
    for directory in PRODUCTION:
        for path in sorted((ROOT / directory).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rules_engine"):
                    found.update((str(node.module), alias.name) for alias in node.names)
                elif directory == "rules_engine" and isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    found.add((module, node.id))
    return found


def test_each_specification_says_why_and_names_answers_citing_its_clause() -> None:
    assert SPECIFICATIONS
    topics = knowledge_topics()
    for function in SPECIFICATIONS:
        specification = function.specification  # type: ignore[attr-defined]
        citation = function.citation  # type: ignore[attr-defined]
        assert function in IMPLEMENTATIONS, f"{function.__name__} is marked but implements no clause"
        assert specification.why.strip() and specification.stated_by, function.__name__
        for topic in specification.stated_by:
            assert topic in topics, f"{function.__name__}: no knowledge topic {topic!r}"
            assert (citation.document, citation.clause) in cited(topics[topic]), (
                f"faq/{topic} does not cite {citation.label()}, the clause of {function.__name__}")


def test_every_clause_function_is_called_or_marked_as_specification() -> None:
    uses = production_uses()
    for function in IMPLEMENTATIONS:
        called = (function.__module__, function.__name__) in uses
        marked = function in SPECIFICATIONS
        assert not (called and marked), f"{function.__name__} is called now: take off @specification_only"
        assert called or marked, f"nothing calls {function.__name__}: wire it, or mark it @specification_only"
