"""python -m bot: the registry's command line (migrate, import, export, demo-data, seed, purge-old, ...)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import IntegrityError, OperationalError

from bot.config import RETENTION_DAYS, settings, today
from bot.exchange.exporter import export
from bot.exchange.importer import ImportInterrupted, ImportResult, import_file
from bot.replies.messages import say
from bot.services.policy_in_force import PolicySetupError, install_configured_policy
from bot.store.migrate import upgrade_to_head
from bot.store.unit_of_work import Database

EXIT_PROBLEM = 1
EXIT_USAGE = 2
DEMO_COUNT = 200
DEMO_SEED = 1
class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"参数错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _database() -> Database:
    return Database(settings().database_url)


def cmd_migrate(_args: argparse.Namespace) -> int:
    upgrade_to_head(settings().database_url)
    print(say("registry", "migrated"), file=sys.stderr)
    return 0


def _progress_bar(path: Path, wanted: bool) -> tuple[object | None, object]:
    if not wanted:
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc="导入", file=sys.stderr)
    return bar, bar.update


def _report_import(result: ImportResult, err: TextIO) -> None:
    for error in result.errors:
        print(error.message(), file=err)
    if result.strict_refused:
        print(say("registry", "strict_refused", rejected=result.rejected), file=err)
    else:
        print(say("registry", "import_summary", lines=result.lines, stored=result.stored,
                  rejected=result.rejected), file=err)


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(say("registry", "no_file", path=args.file), file=sys.stderr)
        return EXIT_PROBLEM
    upgrade_to_head(settings().database_url)
    database = _database()
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    bar, update = _progress_bar(path, show)
    try:
        result = import_file(database, path, strict=args.strict, progress=update)  # type: ignore[arg-type]
    except ImportInterrupted as interrupted:
        print(say("registry", "interrupted", line=interrupted.result.last_committed_line,
                  stored=interrupted.result.stored), file=sys.stderr)
        return EXIT_PROBLEM
    finally:
        if bar is not None:
            bar.close()  # type: ignore[attr-defined]
        database.dispose()
    _report_import(result, sys.stderr)
    return EXIT_PROBLEM if result.errors else 0


def cmd_export(args: argparse.Namespace) -> int:
    database = _database()
    try:
        if args.person:
            with database.unit_of_work() as uow:
                if uow.registry.get(args.person) is None:
                    print(say("registry", "person_not_found", person_id=args.person), file=sys.stderr)
                    return EXIT_PROBLEM
        out: TextIO = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
        try:
            count = export(database, out, [args.person] if args.person else None)
        finally:
            if args.output:
                out.close()
    finally:
        database.dispose()
    print(say("registry", "exported", count=count), file=sys.stderr)
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from bot.demo.data import demo_records

    if args.count <= 0:
        print(say("registry", "bad_count"), file=sys.stderr)
        return EXIT_USAGE
    records = demo_records(args.count, args.seed, today())
    if args.load:
        return _load_demo(records, args.seed)
    out: TextIO = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    finally:
        if args.output:
            out.close()
    print(say("registry", "demo_written", count=len(records)), file=sys.stderr)
    return 0


def _load_demo(records: list[dict[str, object]], seed: int) -> int:
    import tempfile

    upgrade_to_head(settings().database_url)
    database = _database()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    try:
        result = import_file(database, Path(handle.name), strict=True)
    finally:
        Path(handle.name).unlink()
        database.dispose()
    _report_import(result, sys.stderr)
    if not result.errors:
        print(say("registry", "seeded", count=result.stored, seed=seed, today=today().isoformat()), file=sys.stderr)
    return EXIT_PROBLEM if result.errors else 0


def cmd_seed(args: argparse.Namespace) -> int:
    """Make run's first step: latest schema, and demo data when the registry is empty."""
    from bot.demo.data import demo_records

    upgrade_to_head(settings().database_url)
    database = _database()
    try:
        with database.unit_of_work() as uow:
            count = uow.registry.count_persons()
    finally:
        database.dispose()
    if count:
        print(say("registry", "seed_skipped", count=count), file=sys.stderr)
        return 0
    records = demo_records(args.count, args.seed, today())
    status = _load_demo(records, args.seed)
    if status == 0:
        import datetime as dt

        from bot.demo.logins import create_demo_logins

        employer = records[0].get("employer") if records else None
        code = employer.get("credit_code") if isinstance(employer, dict) else None
        database = _database()
        try:
            create_demo_logins(database, code, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
            from bot.demo.reminders import seed_demo_reminders

            seed_demo_reminders(database, code, today())
            from bot.demo.feedback import seed_feedback

            seed_feedback(database, today())
        finally:
            database.dispose()
    return status


def cmd_employer_code(args: argparse.Namespace) -> int:
    """A new access code for an employer (its hash is stored; the code is shown once)."""
    from bot.services.identity import issue_access_code

    database = _database()
    try:
        with database.unit_of_work() as uow:
            code = issue_access_code(uow, args.credit_code.strip().upper())
            employer = uow.registry.employer(args.credit_code.strip().upper())
    finally:
        database.dispose()
    if code is None:
        print(say("registry", "employer_unknown", credit_code=args.credit_code), file=sys.stderr)
        return EXIT_PROBLEM
    print(say("registry", "employer_code_issued", credit_code=employer["credit_code"], name=employer["name"],
              code=code))
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    """python -m bot staff add NAME [--admin]: the password is read from standard input (or asked for)."""
    import datetime as dt
    import getpass

    from bot.services.helpdesk import MIN_PASSWORD_LENGTH, add_staff

    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("密码：")
    if len(password) < MIN_PASSWORD_LENGTH:
        print(say("registry", "staff_password_short", length=MIN_PASSWORD_LENGTH), file=sys.stderr)
        return EXIT_USAGE
    upgrade_to_head(settings().database_url)
    database = _database()
    try:
        with database.unit_of_work() as uow:
            added = add_staff(uow, args.username, password, args.admin, dt.datetime.now(dt.timezone.utc)
                              .replace(tzinfo=None))
    finally:
        database.dispose()
    if not added:
        print(say("registry", "staff_exists", username=args.username), file=sys.stderr)
        return EXIT_PROBLEM
    print(say("registry", "staff_added", username=args.username))
    return 0


def cmd_demo_login(_args: argparse.Namespace) -> int:
    """A demo registrant to try the chat with: name and the last six ID characters."""
    from rules_engine.report import status_report

    database = _database()
    try:
        with database.unit_of_work() as uow:
            for record in uow.registry.records_for(uow.registry.persons_with_valid_registration()[:50]):
                report = status_report(record, today())
                if not report.hours.met and any(s.renewal_apply_by for s in report.specialties):
                    print(say("registry", "demo_login", name=record.name, last6=record.id_number[-6:]))
                    break
            else:
                print(say("registry", "demo_login_none"))
    finally:
        database.dispose()
    from bot.demo.logins import saved_demo_logins
    from bot.demo.reminders import demo_reminder_login

    database = _database()
    try:
        reminded = demo_reminder_login(database, today())
    finally:
        database.dispose()
    if reminded:
        print(reminded)
    for line in saved_demo_logins():
        print(line)
    return 0


def _remind_date(value: str | None) -> dt.date | None:
    if value is None:
        return today()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def cmd_remind(args: argparse.Namespace) -> int:
    """The daily reminder run (docs/reminders.md): what is due into the outbox, then out through the senders."""
    from bot.config import reminder_settings
    from bot.replies.reminders import ReminderWording, remind_report
    from bot.services.reminder_senders import configured_senders
    from bot.services.reminders import run_reminders

    as_of = _remind_date(args.as_of)
    if as_of is None:
        print(say("reminders", "remind_bad_date", value=args.as_of), file=sys.stderr)
        return EXIT_USAGE
    chosen = reminder_settings()
    if not args.dry_run:
        upgrade_to_head(settings().database_url)
    database = _database()
    try:
        result = run_reminders(database, as_of, configured_senders(chosen, as_of), ReminderWording(), chosen,
                               dry_run=args.dry_run)
    except IntegrityError:  # another run added the same message a moment ago: nothing of this one was kept
        print(say("reminders", "remind_concurrent"), file=sys.stderr)
        return EXIT_PROBLEM
    finally:
        database.dispose()
    for line in remind_report(result, args.dry_run):
        print(line)
    return 0


def cmd_reviewed_count(_args: argparse.Namespace) -> int:
    """For `make train`: how many staff-reviewed examples the training reads (bot/services/review.py)."""
    from bot.services.review import count_examples

    path = Path(settings().reviewed_examples_file)
    print(say("staff_review", "reviewed_count", count=count_examples(path), file=path.name))
    return 0


def cmd_purge_old(args: argparse.Namespace) -> int:
    """Delete what is older than the retention period; counts only, never what the rows held."""
    import datetime as dt

    from sqlalchemy.engine import Engine

    from bot.config import tracker_store_url
    from bot.store.engine import make_engine
    from bot.store.retention import purge_old

    if args.days <= 0:
        print(say("registry", "purge_bad_days"), file=sys.stderr)
        return EXIT_USAGE
    # Stored times are real UTC times (ASSISTANT_TODAY only moves the rules' today), so the age is counted from now.
    cutoff = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(days=args.days)
    database = _database()
    url = tracker_store_url()
    conversations: Engine = database.engine if url == database.url else make_engine(url)
    try:
        purged = purge_old(database.engine, conversations, cutoff)
    finally:
        if conversations is not database.engine:
            conversations.dispose()
        database.dispose()
    print(say("registry", "purge_header", days=args.days, cutoff=f"{cutoff:%Y-%m-%d %H:%M}"))
    for result in purged:
        label = say("registry", f"purge_table_{result.table}")
        print(say("registry", "purge_deleted" if result.present else "purge_absent", label=label, table=result.table,
                  rows=result.rows))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="python -m bot", description="黔建问答助手：注册数据库命令")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="把数据库升级到最新结构").set_defaults(run=cmd_migrate)

    imports = commands.add_parser("import", help="导入省审批系统导出文件（JSON Lines）")
    imports.add_argument("file")
    imports.add_argument("--strict", action="store_true", help="有任何错误行则不保存任何记录")
    imports.add_argument("--progress", dest="progress", action="store_true", default=None, help="显示进度条")
    imports.add_argument("--no-progress", dest="progress", action="store_false")
    imports.set_defaults(run=cmd_import)

    exports = commands.add_parser("export", help="按交换格式导出记录")
    exports.add_argument("--person", help="只导出这个 person_id")
    exports.add_argument("--output", "-o", help="写入文件（默认标准输出）")
    exports.set_defaults(run=cmd_export)

    demo = commands.add_parser("demo-data", help="生成确定性的虚构演示记录")
    demo.add_argument("--count", type=int, default=DEMO_COUNT)
    demo.add_argument("--seed", type=int, default=DEMO_SEED)
    demo.add_argument("--output", "-o", help="写入文件（默认标准输出）")
    demo.add_argument("--load", action="store_true", help="直接写入数据库")
    demo.set_defaults(run=cmd_demo_data)

    seed = commands.add_parser("seed", help="数据库为空时写入演示数据")
    seed.add_argument("--count", type=int, default=DEMO_COUNT)
    seed.add_argument("--seed", type=int, default=DEMO_SEED)
    seed.set_defaults(run=cmd_seed)

    employer = commands.add_parser("employer-code", help="为聘用企业生成访问码")
    employer.add_argument("credit_code", help="统一社会信用代码")
    employer.set_defaults(run=cmd_employer_code)

    commands.add_parser("demo-login", help="显示一位可用来试用的演示注册人").set_defaults(run=cmd_demo_login)
    commands.add_parser("reviewed-count", help="人工标注、将加入训练的例句数").set_defaults(run=cmd_reviewed_count)

    remind = commands.add_parser("remind", help="每日提醒：延续申请截止日临近、学时不足、单位汇总邮件")
    remind.add_argument("--dry-run", action="store_true", help="只列出将发送的提醒，不保存、不发送")
    remind.add_argument("--as-of", help="按这一天计算（YYYY-MM-DD），默认今天（ASSISTANT_TODAY）")
    remind.set_defaults(run=cmd_remind)

    purge = commands.add_parser("purge-old", help="删除超过保存期限的对话记录、验证尝试、已关闭工单和登录会话")
    purge.add_argument("--days", type=int, default=settings().retention_days,
                       help=f"保存期限（天），默认取环境变量 RETENTION_DAYS，未设置时为{RETENTION_DAYS}天")
    purge.set_defaults(run=cmd_purge_old)

    staff = commands.add_parser("staff", help="客服账号")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_commands.add_parser("add", help="新建客服账号（密码从标准输入读取）")
    add.add_argument("username")
    add.add_argument("--admin", action="store_true", help="管理员：可查看审计日志")
    add.set_defaults(run=cmd_staff)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        install_configured_policy()
    except PolicySetupError as error:
        print(say("registry", "policy_unreadable", error=error), file=sys.stderr)
        return EXIT_PROBLEM
    try:
        return int(args.run(args))
    except OperationalError:
        print(say("registry", "database_unavailable"), file=sys.stderr)
        return EXIT_PROBLEM
