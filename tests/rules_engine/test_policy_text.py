"""The notice as data: verbatim clauses, citations that resolve, every clause in code, no stray numbers."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
import yaml

import rules_engine
from rules_engine.facts import all_facts
from rules_engine.parameters import all_parameters
from rules_engine.policy import IMPLEMENTATIONS, NOTICE, POLICY_DIR, Citation, CitationError, cite, clause, clauses
from rules_engine.vocabulary import vocabulary

ROOT = Path(__file__).resolve().parents[2]
SOURCE = POLICY_DIR / "qianjianjiantong-2023-55.txt"
ENGINE = ROOT / "rules_engine"
# Headings with no words of their own, and the framing around the clauses.
NOT_RULES = {"序言", "二", "二（二）", "四", "五", "落款"}


def engine_modules() -> list[str]:
    return [f"rules_engine.{m.name}" for m in pkgutil.iter_modules(rules_engine.__path__)
            if m.name != "__main__"]


def all_module_citations() -> list[Citation]:
    found = []
    for name in engine_modules():
        module = importlib.import_module(name)
        found += [value for value in vars(module).values() if isinstance(value, Citation)]
    return found


def test_every_citation_resolves_to_a_clause_containing_its_words() -> None:
    citations = all_module_citations()
    citations += [f.citation for f in IMPLEMENTATIONS]  # type: ignore[attr-defined]
    citations += [p.citation for p in all_parameters().values()]
    citations += [f.citation for f in all_facts().values()]
    citations.append(vocabulary().unit_types_citation)
    assert len(citations) > 80
    for citation in citations:
        assert citation.words in clause(citation.clause, citation.document).plain_text, citation


def test_cite_refuses_words_not_in_the_clause() -> None:
    with pytest.raises(CitationError):
        cite("五（一）2", "应当在注册有效期届满60日前")
    with pytest.raises(CitationError):
        cite("五（九）", "任何文字")


def test_clauses_are_the_source_text_without_page_artefacts() -> None:
    source = re.sub(r"\s+", "", SOURCE.read_text(encoding="utf-8"))
    notice = yaml.safe_load((POLICY_DIR / "notice.yml").read_text(encoding="utf-8"))
    joined = "".join(c["text"].replace("\n", "") for c in notice["clauses"])
    body = source[source.index("为进一步提升"):source.index("贵州省住房和城乡建设厅办公室")]
    # The portal address is printed once more, alone, at a page break inside 二（二）4.
    body = body.replace("完成审批工http://zwfw.guizhou.gov.cn作", "完成审批工作")
    assert joined == body


def test_clause_ids_follow_the_notices_numbering() -> None:
    ids = [key[1] for key in clauses() if key[0] == NOTICE]
    for expected in ("一", "二（一）", "二（二）1", "二（二）5", "三", "四（一）", "四（二）", "五（一）",
                     "五（一）1", "五（一）7", "五（二）", "五（三）", "五（四）", "六"):
        assert expected in ids
    assert clause("五（一）2").heading_path == ("五、其他事宜", "（一）", "2．延续注册")


def test_every_rule_of_the_notice_has_its_function() -> None:
    implemented = {f.citation.clause for f in IMPLEMENTATIONS if f.citation.document == NOTICE}  # type: ignore[attr-defined]
    implemented |= {c.clause for c in all_module_citations() if c.document == NOTICE}
    rules = {key[1] for key in clauses() if key[0] == NOTICE} - NOT_RULES
    assert rules - implemented == set()


def test_citation_labels_read_like_the_notice() -> None:
    assert cite("五（一）2", "延续注册有效期为3年").basis_line() == "依据：黔建建通〔2023〕55号 第五条（一）2"
    assert cite("三", "过渡期").label() == "黔建建通〔2023〕55号 第三条"
    assert cite("第十六条", "年龄超过65周岁的", "《注册建造师管理规定》").label() == "《注册建造师管理规定》第十六条"


FORBIDDEN_IMPORTS = ("rasa", "rasa_sdk", "sqlalchemy", "bot", "actions", "time")
CLOCK_CALLS = {"today", "now", "utcnow", "time"}
NOTICE_NUMBERS = {3, 6, 30, 60, 65, 120, 2023, 2024}


# identity.py computes GB 11643 check digits: its weights are that standard's, not the notice's.
NOT_POLICY_CODE = frozenset({"identity.py"})


def engine_trees(skip: frozenset[str] = frozenset()) -> list[tuple[Path, ast.AST]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(ENGINE.glob("*.py"))
            if path.name not in skip]


def test_rules_engine_is_pure() -> None:
    for path, tree in engine_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                names = []
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN_IMPORTS, f"{path.name} imports {name}"
            if isinstance(node, ast.Attribute) and node.attr in CLOCK_CALLS:
                raise AssertionError(f"{path.name}:{node.lineno} reads the clock ({node.attr})")


def test_no_number_or_date_of_the_notice_is_a_literal_in_code() -> None:
    for path, tree in engine_trees(NOT_POLICY_CODE):
        # Docstrings may quote the notice; code may not compute with its numbers.
        prose = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
        for node in ast.walk(tree):
            if id(node) in prose:
                continue
            if isinstance(node, ast.Constant) and type(node.value) is int:
                assert node.value not in NOTICE_NUMBERS, f"{path.name}:{node.lineno} has {node.value}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not re.search(r"20\d\d-\d\d-\d\d", node.value), f"{path.name}:{node.lineno}"
