"""python -m bot remind: --dry-run lists and stores nothing, a run fills the outbox once, bad dates get Chinese."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.store.unit_of_work import Database
from tests.bot.records import person, registry_with

ROOT = Path(__file__).resolve().parents[2]


def remind(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "ASSISTANT_TODAY": "2025-12-01", "SMTP_HOST": ""}
    return subprocess.run([sys.executable, "-m", "bot", "remind", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


def outbox(url: str) -> list[dict[str, object]]:
    database = Database(url)
    try:
        with database.unit_of_work() as uow:
            return uow.reminders.messages()
    finally:
        database.dispose()


def test_dry_run_then_a_run_then_nothing_more(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    registry_with(url, tmp_path, person("P000001"), person("P000002", name="李娜", birth="1975-09-01")).dispose()
    dry = remind(url, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "试运行（按2025年12月1日计" in dry.stdout and "P000001 apply_by_60 2026-01-29" in dry.stdout
    assert "王建国" not in dry.stdout and outbox(url) == []
    first = remind(url)
    assert first.returncode == 0 and "新加入发件箱4条" in first.stdout
    assert len(outbox(url)) == 4
    again = remind(url)
    assert "新加入发件箱0条" in again.stdout and len(outbox(url)) == 4
    later = remind(url, "--as-of", "2025-12-31")
    assert "按2025年12月31日计" in later.stdout and {m["kind"] for m in outbox(url)} >= {"apply_by_30"}


def test_a_bad_date_gets_a_chinese_message_and_no_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = remind(url, "--as-of", "2025-02-30")
    assert result.returncode == 2 and "--as-of 应为 YYYY-MM-DD" in result.stderr and "Traceback" not in result.stderr
