"""python -m rules_engine report --as-of DATE FILE|-: the status report of one record.

A record that breaks the schema exits with status 1 and a Chinese message naming the field;
nothing is printed on standard output for it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from rules_engine.messages import text
from rules_engine.record_format import RecordError, message, parse_record
from rules_engine.report import status_report
from rules_engine.report_json import report_to_dict

EXIT_BAD_RECORD = 1
EXIT_USAGE = 2


class InputError(Exception):
    """Input that cannot be read as records; the message is already in Chinese."""


def say(key: str, **values: object) -> str:
    return text("cli", key, **values)


def parse_as_of(value: str | None) -> dt.date:
    if not value:
        raise InputError(say("usage_as_of"))
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(say("bad_as_of", value=value)) from None


def read_text(path: str, stdin: TextIO) -> str:
    if path == "-":
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode("utf-8")
    else:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise InputError(say("no_file", path=path)) from None
        except OSError:
            raise InputError(say("unreadable", path=path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(say("not_utf8")) from None


def decoded_records(text: str) -> Iterator[tuple[int | None, Any]]:
    """One JSON object (pretty-printed or not), or JSON Lines: (line number or None, value)."""
    if not text.strip():
        raise InputError(say("empty_input"))
    try:
        yield None, json.loads(text)
        return
    except json.JSONDecodeError as whole_error:
        lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) < 2:
            raise InputError(message("invalid_json", detail=_json_detail(whole_error))) from None
    for number, line in lines:
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(say("line_prefix", line=number, message=message(
                "invalid_json", detail=_json_detail(error)))) from None


def _json_detail(error: json.JSONDecodeError) -> str:
    return f"第{error.lineno}行第{error.colno}列附近格式错误"


def run_report(path: str, as_of_text: str | None, stdout: TextIO, stderr: TextIO, stdin: TextIO) -> int:
    try:
        as_of = parse_as_of(as_of_text)
        reports = []
        for line, data in decoded_records(read_text(path, stdin)):
            try:
                reports.append(report_to_dict(status_report(parse_record(data), as_of)))
            except RecordError as error:
                text = str(error) if line is None else say("line_prefix", line=line, message=str(error))
                print(text, file=stderr)
                return EXIT_BAD_RECORD
    except InputError as error:
        print(str(error), file=stderr)
        return EXIT_BAD_RECORD
    for report in reports:
        stdout.write(json.dumps(report, ensure_ascii=False, indent=None if len(reports) > 1 else 2) + "\n")
    return 0


class _ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, text: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"参数错误：{text}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _ChineseArgumentParser(prog="python -m rules_engine", description="黔建建通〔2023〕55号 规则引擎")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="输出一条记录在指定日期的状态报告")
    # environ: the rules engine's own command line may not import bot.config (it imports nothing of the project),
    # and it honours ASSISTANT_TODAY like every command.
    report.add_argument("--as-of", dest="as_of", default=os.environ.get("ASSISTANT_TODAY"),
                        help="查询日期 YYYY-MM-DD（默认取环境变量 ASSISTANT_TODAY）")
    report.add_argument("file", help="记录文件（JSON 或 JSON Lines），- 表示标准输入")
    args = parser.parse_args(argv)
    return run_report(args.file, args.as_of, sys.stdout, sys.stderr, sys.stdin)
