"""Rules engine alone: status reports per second on one core, and where the time goes.

    .venv/bin/python -m bench.engine_profile [--count 20000] [--repeat 5] [--full] [--pin CPU] [--profile]

Measures like bench/registry_bench.py: `count` demo records parsed once, then
`[status_report(r, AS_OF) for r in parsed]` timed `repeat` times; prints the median and the
spread (min – max) in reports per second, by the wall clock and by the process's CPU time (the
second is steadier on a shared machine). --full also times report_to_dict of every report, which
reads every trace and finding. With --profile, one more pass runs under pyinstrument
and its text profile is written to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import time
from pathlib import Path

from bot.demo.data import demo_records
from rules_engine.record import Record
from rules_engine.record_format import parse_record
from rules_engine.report import status_report
from rules_engine.report_json import report_to_dict

AS_OF = dt.date(2026, 11, 25)


def pin_to_one_core(core: int | None) -> str:
    """The engine is single-threaded, so one process is one core; --pin also fixes which CPU
    (steadier on an idle machine, slower on a busy one, where the scheduler cannot move it)."""
    if core is None:
        return "one process, not pinned"
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity here)"
    os.sched_setaffinity(0, {core})
    return f"pinned to CPU {core}"


def run(parsed: list[Record]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one pass of status reports over every record."""
    start, cpu = time.perf_counter(), time.process_time()
    [status_report(r, AS_OF) for r in parsed]
    return time.perf_counter() - start, time.process_time() - cpu


def run_full(parsed: list[Record]) -> tuple[float, float]:
    """The same, with every report turned into its JSON object (every trace and finding read)."""
    start, cpu = time.perf_counter(), time.process_time()
    [report_to_dict(status_report(r, AS_OF)) for r in parsed]
    return time.perf_counter() - start, time.process_time() - cpu


def line(label: str, count: int, timings: list[tuple[float, float]]) -> str:
    wall = [count / seconds for seconds, _ in timings]
    cpu = [count / seconds for _, seconds in timings]
    return (f"{label}: median {statistics.median(wall):,.0f}/s, min – max {min(wall):,.0f} – {max(wall):,.0f}/s"
            f" (by CPU time: median {statistics.median(cpu):,.0f}/s, {min(cpu):,.0f} – {max(cpu):,.0f}/s)\n"
            f"  runs: " + ", ".join(f"{rate:,.0f}" for rate in wall))


def profile(parsed: list[Record]) -> str:
    try:
        from pyinstrument import Profiler
    except ImportError:  # pragma: no cover - depends on the venv
        raise SystemExit("pyinstrument is missing: .venv/bin/pip install pyinstrument") from None
    profiler = Profiler(interval=0.0005)
    profiler.start()
    run(parsed)
    profiler.stop()
    return str(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also write a pyinstrument text profile")
    parser.add_argument("--full", action="store_true", help="also time report_to_dict of every report")
    parser.add_argument("--pin", type=int, metavar="CPU", help="run on this CPU only (Linux)")
    args = parser.parse_args()

    pinned = pin_to_one_core(args.pin)
    parsed = [parse_record(r) for r in demo_records(args.count, 7, AS_OF)]
    run_full(parsed[:1000])  # warm-up: imports, YAML loading, first-call caches
    lines = [f"Python {platform.python_version()} on {platform.machine()}, {pinned}; "
             f"{len(parsed):,} demo records, as of {AS_OF.isoformat()}, {args.repeat} runs",
             line("status reports per second", len(parsed), [run(parsed) for _ in range(args.repeat)])]
    if args.full:
        lines.append(line("status reports + report_to_dict per second", len(parsed),
                          [run_full(parsed) for _ in range(args.repeat)]))
    print("\n".join(lines))
    write_section(lines)
    if args.profile:
        print()
        print(profile(parsed))


def write_section(lines: list[str]) -> None:
    """The section bench/report.py puts in docs/benchmarks.md (goal: >= 20,000 reports/s on one core)."""
    out = Path(__file__).resolve().parent.parent / "results" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    text = ["## Rules engine alone (goal: ≥ 20,000 status reports/s on one core)", "",
            *[f"- {entry}" for entry in lines], "",
            "Before and after the profiling work, with the profile: `docs/profiling-engine.md`.", ""]
    (out / "engine.md").write_text("\n".join(text), encoding="utf-8")

if __name__ == "__main__":
    main()
