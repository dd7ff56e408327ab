"""python -m bot import / export: messages in Chinese, exit codes, nothing stored lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.bot.records import lines, person

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "ASSISTANT_TODAY": "2025-12-01"}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)


def test_import_reports_bad_lines_and_export_gives_back_the_good_ones(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines(person("P000001"), person("P000002", id_number="520102198001011234")), encoding="utf-8")
    result = run(tmp_path, "import", str(path))
    assert result.returncode == 1
    assert "第2行" in result.stderr and "id_number" in result.stderr and "校验位" in result.stderr
    assert "保存1条记录" in result.stderr
    assert "Traceback" not in result.stderr
    exported = run(tmp_path, "export")
    assert exported.returncode == 0
    assert [json.loads(line)["person_id"] for line in exported.stdout.splitlines()] == ["P000001"]
    one = run(tmp_path, "export", "--person", "P000001")
    assert json.loads(one.stdout)["name"] == "王建国"
    missing = run(tmp_path, "export", "--person", "P999")
    assert missing.returncode == 1 and "P999" in missing.stderr


def test_strict_import_refuses_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines(person("P000001"), "{broken"), encoding="utf-8")
    result = run(tmp_path, "import", "--strict", str(path))
    assert result.returncode == 1 and "未保存任何记录" in result.stderr
    assert run(tmp_path, "export").stdout == ""


def test_missing_file_and_bad_arguments_get_chinese_messages(tmp_path: Path) -> None:
    result = run(tmp_path, "import", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 1 and "找不到文件" in result.stderr
    result = run(tmp_path, "frobnicate")
    assert result.returncode == 2 and "参数错误" in result.stderr


def test_unreachable_database_gets_a_clear_message(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "postgresql+psycopg2://nobody@127.0.0.1:9/none"}
    result = subprocess.run([sys.executable, "-m", "bot", "export"], capture_output=True, text=True, cwd=ROOT, env=env,
                            timeout=120)
    assert result.returncode == 1
    assert "无法连接数据库" in result.stderr and "Traceback" not in result.stderr
