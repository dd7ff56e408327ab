"""Before and after each change of issue 13, measured side by side in one run.

    .venv/bin/python -m bench.trim_steps [--turns 300]

Each step is a commit. Its code is checked out into a temporary git worktree and served as `make run` serves it
(`python -m bot.ops.serve`), with the same trained model and the same demo registry. One conversation at a time asks
knowledge questions through /api/chat, ten turns per conversation, as a browser would. Reported per step: the
turn's p50 and p95, the Rasa process's resident memory and the seconds from start to Rasa's first answer.
Writes results/benchmarks/trims.md (a part of docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

from bench.system import ROOT, free_port, stop_process

RESULTS = ROOT / "results" / "benchmarks"
MODEL = ROOT / "models" / "qianjian.tar.gz"
QUESTIONS = ["二建延续注册要提前多久申请", "注册了三个专业继续教育要多少学时", "纸质证书现在还能用吗",
             "换单位了二建怎么办", "在哪个网站申请二建注册", "社保和单位不一致怎么办"]
TURNS_PER_CONVERSATION = 10
# (commit, what it changed), oldest first; each is measured with everything before it.
STEPS = [
    ("c2ffc88", "linear classifier for intent and topic, no TED; the web server keeps one client session"),
    ("0653bea", "+ tracker store keeps saved trackers, pooled SQLite, one executemany; graph run without dask; "
                "sentence features only"),
    ("214e67e", "+ Rasa served without TensorFlow (bot.ops.rasa_server)"),
    ("ea5c275", "+ kept connections to the action server"),
    ("cbaa624", "+ domain emptiness worked out once"),
]


def rasa_process(supervisor: subprocess.Popen[bytes]) -> psutil.Process:
    for child in psutil.Process(supervisor.pid).children():
        if " run --model" in " ".join(child.cmdline()):
            return child
    raise LookupError("no Rasa process")


def ask(base: str, turns: int) -> list[float]:
    chat = requests.Session()
    chat.get(f"{base}/", timeout=10)
    took = []
    sender = ""
    for turn in range(turns):
        if turn % TURNS_PER_CONVERSATION == 0:
            sender = f"trim-{time.monotonic_ns()}"
        started = time.monotonic()
        reply = chat.post(f"{base}/api/chat", timeout=30, headers={"Origin": base},
                          json={"message": QUESTIONS[turn % len(QUESTIONS)], "sender": sender})
        took.append((time.monotonic() - started) * 1000)
        texts = [str(m.get("text")) for m in reply.json().get("messages", [])]
        assert any("依据" in text for text in texts), texts
    return took


def measure(commit: str, database_url: str, work: Path, turns: int) -> dict[str, float]:
    tree = work / commit
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=ROOT, check=True,
                   capture_output=True)
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WEB_PORT": free_port()}
    env = {**{k: v for k, v in os.environ.items() if k not in ("ACTION_ENDPOINT_URL", "RASA_URL")},
           **{k: str(v) for k, v in ports.items()}, "DATABASE_URL": database_url, "PYTHONPATH": str(tree),
           "RASA_TELEMETRY_ENABLED": "false", "ASSISTANT_TODAY": "2026-11-25"}
    base = f"http://127.0.0.1:{ports['WEB_PORT']}"
    started = time.monotonic()
    # Old steps predate bot/ops (issue 16): their supervisor is bot.serve.
    serve = "bot.ops.serve" if (tree / "bot" / "ops" / "serve.py").exists() else "bot.serve"
    supervisor = subprocess.Popen([sys.executable, "-m", serve, "--model", str(MODEL)], cwd=tree, env=env,
                                  stdout=(work / f"{commit}.log").open("wb"), stderr=subprocess.STDOUT)
    try:
        while True:
            assert supervisor.poll() is None, (work / f"{commit}.log").read_text(errors="replace")[-2000:]
            try:
                ask(base, 1)
                break
            except (requests.RequestException, AssertionError, ValueError):
                time.sleep(0.5)
        first_answer = time.monotonic() - started
        ask(base, 30)  # warm-up
        took = sorted(ask(base, turns))
        memory = rasa_process(supervisor).memory_info().rss / 2**20
    finally:
        stop_process(supervisor, 60)
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False,
                       capture_output=True)
    return {"p50": statistics.median(took), "p95": took[int(len(took) * 0.95)], "rasa_mib": memory,
            "first_answer_seconds": first_answer}


def main(argv: list[str] | None = None) -> None:
    from bench.load_bench import bench_database

    parser = argparse.ArgumentParser(prog="python -m bench.trim_steps")
    parser.add_argument("--turns", type=int, default=300)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="trim-steps-"))
    database_url, _people = bench_database(work, 1000)
    rows = []
    for commit, change in STEPS:
        figures = measure(commit, database_url, work, args.turns)
        rows.append({"commit": commit, "change": change, **figures})
        print(f"[trims] {commit}: p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
              f"Rasa {figures['rasa_mib']:.0f} MiB, first answer {figures['first_answer_seconds']:.1f} s", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "trims.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = ["## The turn, change by change (issue 13)", "",
             f"Each commit served as `make run` serves it, with the same model and a 1,000-record registry; one "
             f"conversation at a time, {args.turns} knowledge turns through `/api/chat` in conversations of "
             f"{TURNS_PER_CONVERSATION} turns, after 30 turns of warm-up (`python -m bench.trim_steps`). "
             "First answer: seconds from starting `python -m bot.ops.serve` to the first knowledge answer. Where the "
             "turn's time went before and after, by py-spy: [profiling-turn.md](profiling-turn.md).", "",
             "| commit | change | p50 | p95 | Rasa resident memory | first answer |",
             "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {r['commit']} | {r['change']} | {r['p50']:.1f} ms | {r['p95']:.1f} ms | "
              f"{r['rasa_mib']:.0f} MiB | {r['first_answer_seconds']:.1f} s |" for r in rows]
    (RESULTS / "trims.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
