"""An answer file changed on disk is what the next turn renders: no cache cleared by hand, no restart, no retrain."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.replies.answer_files import answer_file
from bot.replies.knowledge import knowledge_answer
from bot.replies.titles import faq_title
from bot.replies.turn_reply import say

TODAY = dt.date(2025, 12, 1)


@pytest.fixture
def answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "answers"
    shutil.copytree(PROJECT_ROOT / "data" / "answers", copy)
    monkeypatch.setenv("ANSWERS_DIR", str(copy))
    return copy


def replace(path: Path, old: str, new: str) -> None:
    """As the editor writes: a new file renamed over the old one (same second, same size is possible)."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text.replace(old, new), encoding="utf-8")
    os.replace(temporary, path)


def test_knowledge_answer_gives_the_new_wording_after_the_file_changes(answers: Path) -> None:
    before = knowledge_answer("renewal", TODAY).text
    assert before.startswith("注册有效期满需继续执业的")
    replace(answers / "knowledge.yml", "注册有效期满需继续执业的，", "注册期满还要继续执业的，")
    after = knowledge_answer("renewal", TODAY)
    assert after.text.startswith("注册期满还要继续执业的，应在注册有效期届满30日前")
    assert after.basis_line == "依据：黔建建通〔2023〕55号 第五条（一）2"


def test_an_in_place_rewrite_of_the_same_size_is_seen_too(answers: Path) -> None:
    assert say("clarify") == "您是想问："
    path = answers / "turns.yml"
    stamp = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("您是想问：", "您想问的是"), encoding="utf-8")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1))
    assert say("clarify") == "您想问的是"


def test_titles_reload_and_an_unchanged_file_is_not_read_again(answers: Path) -> None:
    assert answer_file("titles.yml") is answer_file("titles.yml")
    replace(answers / "titles.yml", "renewal: ", "renewal: 延续注册：")
    assert faq_title("renewal").startswith("延续注册：")


def test_looking_at_the_file_is_cheap(answers: Path) -> None:
    answer_file("knowledge.yml")
    started = time.perf_counter()
    for _ in range(1000):
        answer_file("knowledge.yml")
    assert (time.perf_counter() - started) / 1000 < 0.0005  # about 10 µs here; a turn looks a few times
