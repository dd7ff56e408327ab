"""Registry benchmarks (issue: the registration database): import, lookup, roster.

    .venv/bin/python -m bench.registry_bench [--count 100000] [--roster 1000] [--repeat 3]

Prints a Markdown section and writes it to results/benchmarks/registry.md (bench/report.py puts it in
docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.demo.data import demo_records
from bot.exchange.importer import import_file
from bot.services.rosters import employer_roster
from bot.store.migrate import upgrade_to_head
from bot.store.unit_of_work import Database
from rules_engine.record_format import parse_record
from rules_engine.report import status_report

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)
BIG_EMPLOYER = "91520100BENCH00001"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(action: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    action(*args)
    return time.perf_counter() - start


def write_export(path: Path, count: int, roster: int) -> list[dict[str, object]]:
    records = demo_records(count, 7, AS_OF)
    employer = {"name": "贵州基准测试建设有限公司", "credit_code": BIG_EMPLOYER, "unit_type": "施工", "city": "贵阳市"}
    for record in records[:roster]:
        record["employer"] = employer
        record["social_insurance_unit"] = {"name": employer["name"], "credit_code": BIG_EMPLOYER}
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return records


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--roster", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="registry-bench-"))
    export = work / "export.jsonl"
    records = write_export(export, args.count, args.roster)

    import_seconds = []
    for run in range(args.repeat):
        url = f"sqlite:///{work / f'run{run}.db'}"
        upgrade_to_head(url)
        database = Database(url)
        import_seconds.append(timed(import_file, database, export))
        database.dispose()

    database = Database(f"sqlite:///{work / 'run0.db'}")
    picker = random.Random(3)
    sample = [records[picker.randrange(len(records))] for _ in range(args.lookups)]
    lookup_ms = []
    with database.unit_of_work() as uow:
        for record in sample:
            name, last6 = str(record["name"]), str(record["id_number"])[-6:]
            lookup_ms.append(1000 * timed(uow.registry.find_by_name_and_id_last6, name, last6))
        roster_ms = [1000 * timed(employer_roster, uow.registry, BIG_EMPLOYER, AS_OF)
                     for _ in range(args.repeat * 3)]
        roster_size = len(employer_roster(uow.registry, BIG_EMPLOYER, AS_OF))
    database.dispose()

    parsed = [parse_record(r) for r in records[:20_000]]
    engine_rates = []
    for _ in range(args.repeat):
        seconds = timed(lambda: [status_report(r, AS_OF) for r in parsed])
        engine_rates.append(len(parsed) / seconds)

    lines = [
        "## Registry (SQLite)",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, {platform.system()}; "
        f"{args.count:,} demo records, {args.repeat} runs.",
        "",
        "| measure | median | spread (min – max) | goal |",
        "| --- | --- | --- | --- |",
        f"| import of {args.count:,} records into SQLite | {statistics.median(import_seconds):.1f} s | "
        f"{min(import_seconds):.1f} – {max(import_seconds):.1f} s | < 60 s |",
        f"| person lookup (name + last six ID digits), {args.lookups} lookups "
        f"| p50 {percentile(lookup_ms, .5):.2f} ms, "
        f"p95 {percentile(lookup_ms, .95):.2f} ms | max {max(lookup_ms):.2f} ms | p95 < 5 ms |",
        f"| employer roster of {roster_size:,} with status reports | {statistics.median(roster_ms):.0f} ms | "
        f"{min(roster_ms):.0f} – {max(roster_ms):.0f} ms | < 200 ms |",
        f"| rules engine alone, status reports per second (one core) | {statistics.median(engine_rates):,.0f}/s | "
        f"{min(engine_rates):,.0f} – {max(engine_rates):,.0f}/s | ≥ 20,000/s |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    out = ROOT / "results" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    (out / "registry.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
