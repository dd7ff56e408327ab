"""Turn latency and throughput of the assistant as `make run` serves it, driven headless by Locust.

    .venv/bin/python -m bench.load_bench [--seconds 15] [--repeat 3] [--users 1 10 50] [--soak-minutes 10]

Scenarios (each user is one conversation; it sends its next turn when the reply arrives). (b) to (d) go
through the chat page's /api/chat, as a browser does (page loaded first, cookies kept, the page's Origin):
  a) POST /model/parse (NLU only)              b) a knowledge answer
  c) a personal answer (identified registrant) d) a draft confirmation (a write)
and, side by side in the same run, the anchor: a bare `rasa init` bot (bench/anchor_bot.py) through its
REST webhook, at the same concurrency levels.
Writes results/benchmarks/load.json and load.md, and docs/benchmarks-latency.png.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import requests

from bench.anchor_bot import AnchorBot
from bench.profile_servers import profile_under_load
from bench.system import ROOT, Supervised, supervised
from bot.demo.data import demo_records
from bot.exchange.importer import import_file
from bot.store.migrate import upgrade_to_head
from bot.store.unit_of_work import Database

RESULTS = ROOT / "results" / "benchmarks"
TODAY = dt.date(2026, 11, 25)
SCENARIOS = {"a_parse": ("ParseUser", "(a) NLU only: POST /model/parse"),
             "b_knowledge": ("KnowledgeUser", "(b) knowledge answer"),
             "c_personal": ("PersonalUser", "(c) personal answer (identified)"),
             "d_draft_confirm": ("DraftUser",
                                 "(d) draft confirmation (a write; turns/s counts confirmations, one turn in three)")}
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"


def bench_database(work: Path, count: int) -> tuple[str, Path]:
    """A registry of `count` demo records, and the people the personal and draft users identify as."""
    url = f"sqlite:///{work / 'bench.db'}"
    upgrade_to_head(url)
    records = demo_records(count, 11, TODAY)
    export = work / "records.jsonl"
    export.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    database = Database(url)
    import_file(database, export)
    database.dispose()
    pairs: dict[tuple[str, str], int] = {}
    for record in records:
        key = (str(record["name"]), str(record["id_number"])[-6:])
        pairs[key] = pairs.get(key, 0) + 1
    # One person per conversation: identifiable without ambiguity, one registration, so the renewal form
    # goes straight to the phone number.
    people = [[str(r["name"]), str(r["id_number"])[-6:]] for r in records
              if pairs[(str(r["name"]), str(r["id_number"])[-6:])] == 1 and len(r["registrations"]) == 1
              and r["registrations"][0]["status"] == "有效"]
    path = work / "people.json"
    path.write_text(json.dumps(people, ensure_ascii=False), encoding="utf-8")
    return url, path


def run_locust(env: dict[str, str], host: str, user_class: str, users: int, seconds: int, out: Path,
               extra_env: dict[str, str] | None = None) -> dict[str, dict[str, float]]:
    """One headless Locust run; the stats row of each request name."""
    prefix = out / f"{user_class}-{users}-{time.monotonic_ns()}"
    subprocess.run([str(Path(sys.executable).with_name("locust")), "-f", str(LOCUSTFILE), "--headless",
                    "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", host,
                    "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30",
                    user_class], cwd=ROOT, env={**env, **(extra_env or {})}, check=False, stdout=subprocess.DEVNULL,
                   stderr=(out / "locust.log").open("ab"))
    rows: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {"p50": float(row["50%"]), "p95": float(row["95%"]), "p99": float(row["99%"]),
                                 "rps": float(row["Requests/s"]), "requests": float(row["Request Count"]),
                                 "failures": float(row["Failure Count"])}
    return rows


def resident_memory(system: Supervised) -> dict[str, float]:
    memory = {name: system.child(name).memory_info().rss / 2**20 for name in ("rasa", "actions", "web")}
    assert system.process is not None
    memory["supervisor"] = psutil.Process(system.process.pid).memory_info().rss / 2**20
    return memory


def model_load_seconds(system: Supervised) -> float:
    """Rasa killed and started again by the supervisor: seconds until a knowledge answer comes back through
    /api/chat (the supervisor's restart pause included)."""
    system.kill_child("rasa")
    started = time.monotonic()
    chat = requests.Session()
    chat.get(system.web_url, timeout=5)
    while True:
        try:
            reply = chat.post(f"{system.web_url}/api/chat", timeout=5, headers={"Origin": system.web_url},
                              json={"message": "延续注册要提前多久申请", "sender": f"restart-{time.monotonic_ns()}"})
            if reply.status_code == 200 and any("依据" in str(m.get("text")) for m in reply.json()["messages"]):
                return time.monotonic() - started
        except (requests.RequestException, ValueError, KeyError):
            pass
        time.sleep(0.25)


def summarise(runs: list[dict[str, float]]) -> dict[str, Any]:
    keys = ("p50", "p95", "p99", "rps")
    return {key: {"median": statistics.median(r[key] for r in runs), "min": min(r[key] for r in runs),
                  "max": max(r[key] for r in runs)} for key in keys} | {
        "requests": sum(r["requests"] for r in runs), "failures": sum(r["failures"] for r in runs)}


def measure(env: dict[str, str], host: str, request_name: str, user_class: str, users_levels: list[int],
            seconds: int, repeat: int, out: Path) -> dict[int, dict[str, Any]]:
    """One scenario at each concurrency level, `repeat` runs each: median and spread of each figure."""
    by_users: dict[int, dict[str, Any]] = {}
    for users in users_levels:
        runs = [run_locust(env, host, user_class, users, seconds, out) for _ in range(repeat)]
        measured = [r[request_name] for r in runs if request_name in r]
        failures = sum(r["Aggregated"]["failures"] for r in runs if "Aggregated" in r)
        by_users[users] = summarise(measured) | {"all_failures": failures}
        print(f"[bench] {request_name} × {users}: p50 {by_users[users]['p50']['median']:.0f} ms, "
              f"{by_users[users]['rps']['median']:.1f}/s, failures {failures:.0f}", flush=True)
    return by_users


def measure_scenarios(system: Supervised, people: Path, users_levels: list[int], seconds: int, repeat: int,
                      out: Path) -> dict[str, dict[int, dict[str, Any]]]:
    env = {**system.env, "BENCH_PEOPLE": str(people), "BENCH_RASA_URL": system.rasa_url}
    return {request_name: measure(env, system.web_url, request_name, user_class, users_levels, seconds, repeat, out)
            for request_name, (user_class, _label) in SCENARIOS.items()}


def measure_anchor(anchor: AnchorBot, users_levels: list[int], seconds: int, repeat: int, out: Path
                   ) -> dict[str, Any]:
    """The `rasa init` bot, served alone, at the same levels: its turn latency, throughput and process."""
    startup = anchor.start()
    try:
        run_locust(anchor.env, anchor.url, "AnchorUser", 10, 10, out)
        scenario = measure(anchor.env, anchor.url, "anchor", "AnchorUser", users_levels, seconds, repeat, out)
        assert anchor.process is not None
        memory = psutil.Process(anchor.process.pid).memory_info().rss / 2**20
    finally:
        anchor.stop()
    return {"scenario": scenario, "startup_seconds": startup, "memory_mib": memory,
            "training_seconds": anchor.training_seconds}


def soak(system: Supervised, people: Path, users: int, minutes: float, out: Path, database_url: str
         ) -> dict[str, Any]:
    """The reliability soak: mixed conversations for `minutes`, memory sampled; drafts checked afterwards."""
    drafts_out = out / "soak-drafts.json"
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("locust")), "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
         "-r", "5", "-t", f"{int(minutes * 60)}s", "--host", system.web_url, "--csv", str(out / "soak"),
         "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30", "MixedUser"],
        cwd=ROOT, env={**system.env, "BENCH_PEOPLE": str(people), "BENCH_DRAFTS_OUT": str(drafts_out)},
        stdout=subprocess.DEVNULL, stderr=(out / "soak.log").open("wb"))
    samples = []
    while process.poll() is None:
        samples.append({"t": time.monotonic(), **resident_memory(system)})
        time.sleep(30)
    with open(out / "soak_stats.csv", encoding="utf-8") as handle:
        total = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    confirmed = json.loads(drafts_out.read_text(encoding="utf-8")) if drafts_out.exists() else []
    stored = stored_drafts(database_url)
    references = [c["reference"] for c in confirmed]
    return {"users": users, "minutes": minutes, "requests": int(total["Request Count"]),
            "failures": int(total["Failure Count"]), "rps": float(total["Requests/s"]),
            "confirmed": len(references), "distinct_confirmed": len(set(references)),
            "lost": sorted(set(references) - set(stored["references"])),
            "duplicated_people": stored["people_with_two_open_renewals"], "memory": samples}


def stored_drafts(database_url: str) -> dict[str, Any]:
    from sqlalchemy import func, select

    from bot.store.models import Draft

    database = Database(database_url)
    try:
        with database.engine.connect() as connection:
            references = [str(r) for r in connection.execute(select(Draft.reference)).scalars()]
            doubles = connection.execute(
                select(Draft.person_id).where(Draft.kind == "renewal", Draft.status == "draft")
                .group_by(Draft.person_id).having(func.count() > 1)).scalars().all()
    finally:
        database.dispose()
    return {"references": references, "people_with_two_open_renewals": len(doubles)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load_bench")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--users", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--soak-minutes", type=float, default=10.0)
    parser.add_argument("--soak-users", type=int, default=50)
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="load-bench-"))
    anchor = AnchorBot(work / "rasa-init")
    anchor.train()
    database_url, people = bench_database(work, args.records)
    system = supervised(database_url, TODAY.isoformat(), work)
    started = time.monotonic()
    system.start()
    startup = time.monotonic() - started
    try:
        for warm_up in ("KnowledgeUser", "PersonalUser"):
            run_locust(system.env, system.web_url, warm_up, 10, 10, work, {"BENCH_PEOPLE": str(people)})
        memory = resident_memory(system)
        scenarios = measure_scenarios(system, people, args.users, args.seconds, args.repeat, work)
        memory_after = resident_memory(system)
        load = threading.Thread(target=run_locust, args=(system.env, system.web_url, "PersonalUser", 10,
                                                         args.seconds + 5, work, {"BENCH_PEOPLE": str(people)}))
        profile = profile_under_load(system, load, args.seconds, work)
        soak_result = soak(system, people, args.soak_users, args.soak_minutes, work, database_url) \
            if args.soak_minutes > 0 else None
        load_seconds = model_load_seconds(system)
    finally:
        system.stop()
    anchor_result = measure_anchor(anchor, args.users, args.seconds, args.repeat, work)
    result = {"startup_seconds": startup, "model_load_seconds": load_seconds, "memory_after_warmup_mib": memory,
              "memory_after_scenarios_mib": memory_after, "scenarios": scenarios, "profile": profile,
              "soak": soak_result, "anchor": anchor_result,
              "settings": vars(args), "records": args.records, "training_seconds": training_seconds()}
    (RESULTS / "load.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    from bench.load_report import write_load_report

    write_load_report(result)


def training_seconds() -> float | None:
    recorded = ROOT / "models" / "qianjian.train-seconds"
    return float(recorded.read_text().strip()) if recorded.exists() else None


if __name__ == "__main__":
    main()
