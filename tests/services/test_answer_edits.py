"""Saving new wording into a copy of data/answers: comments and layout kept, audited before and after."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.services.answer_edits import AnswerChangedMeanwhile, save_answer_edit
from bot.store.unit_of_work import Database

NOW = dt.datetime(2025, 12, 1, 9)
RENEWAL = ("topics", "renewal", "text")


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    copy = tmp_path / "answers"
    shutil.copytree(PROJECT_ROOT / "data" / "answers", copy)
    return copy


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_one_template_changes_and_everything_else_stays(database: Database, answers: Path) -> None:
    path = answers / "knowledge.yml"
    before = path.read_text(encoding="utf-8")
    old = yaml.safe_load(before)["topics"]["renewal"]["text"]
    new = old.replace("注册有效期满需继续执业的", "注册期满还要继续执业的")
    with database.unit_of_work() as uow:
        assert save_answer_edit(uow, path, "renewal", {RENEWAL: new}, {RENEWAL: old}, "kefu", NOW) == [
            "topics.renewal.text"]
    after = path.read_text(encoding="utf-8")
    assert after.startswith("# Knowledge answers, one per FAQ topic")  # comments kept
    changed = [pair for pair in changed_lines(before, after) if "renewal_lead_days" in pair[0]]
    assert changed == [(f"    text: {old}", f"    text: {new}")]
    # The one other line ruamel writes differently means what PyYAML read before (an ASCII comma in a flow map).
    assert len(changed_lines(before, after)) <= 2
    expected = yaml.safe_load(before)
    expected["topics"]["renewal"]["text"] = new
    assert yaml.safe_load(after) == expected
    with database.unit_of_work() as uow:
        [event] = [e for e in uow.audit.latest() if e["action"] == "edit_answer"]
    assert event["actor"] == "kefu" and json.loads(event["details"]) == {
        "file": "knowledge.yml", "key": "renewal", "before": {"topics.renewal.text": old},
        "after": {"topics.renewal.text": new}}


def test_quoted_and_block_templates_keep_their_style(database: Database, answers: Path) -> None:
    path = answers / "knowledge.yml"
    steps = ("topics", "application_steps", "text")
    old_steps = yaml.safe_load(path.read_text(encoding="utf-8"))["topics"]["application_steps"]["text"]
    with database.unit_of_work() as uow:
        save_answer_edit(uow, path, "application_steps", {steps: old_steps.replace("分四步", "分为四步")}, None,
                         "kefu", NOW)
    text = path.read_text(encoding="utf-8")
    assert "    text: |-\n      网上申报分为四步：\n      ①聘用企业" in text
    turns = answers / "turns.yml"
    with database.unit_of_work() as uow:
        save_answer_edit(uow, turns, "clarify", {("clarify",): "您想问的是："}, None, "kefu", NOW)
    assert 'clarify: "您想问的是："\n' in turns.read_text(encoding="utf-8")


def test_nothing_is_written_when_the_file_changed_meanwhile_or_nothing_changed(database: Database,
                                                                                 answers: Path) -> None:
    path = answers / "turns.yml"
    before = path.read_text(encoding="utf-8")
    with database.unit_of_work() as uow, pytest.raises(AnswerChangedMeanwhile):
        save_answer_edit(uow, path, "clarify", {("clarify",): "新"}, {("clarify",): "旧的"}, "kefu", NOW)
    with database.unit_of_work() as uow:
        assert save_answer_edit(uow, path, "clarify", {("clarify",): "您是想问："}, None, "kefu", NOW) == []
    assert path.read_text(encoding="utf-8") == before
    with database.unit_of_work() as uow:
        assert [e for e in uow.audit.latest() if e["action"] == "edit_answer"] == []
