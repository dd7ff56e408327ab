"""The cluster case of `make bench`: throughput with one and with two Rasa replicas on this machine.

    .venv/bin/python -m bench.cluster_bench [--users 50] [--seconds 20] [--repeat 2]

Both figures come from the same cluster (make run-cluster's shape): two replicas behind nginx, then one replica
addressed directly while the other idles, with the same PostgreSQL, Redis and action servers.
Writes results/benchmarks/cluster.json and cluster.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.cluster_system import RunningCluster, import_records, start_cluster
from bench.load_bench import RESULTS, TODAY, bench_database, run_locust


def measure(cluster: RunningCluster, base_url: str, people: Path, users: int, seconds: int, repeat: int,
            work: Path) -> dict[str, Any]:
    runs = [run_locust(cluster.env, base_url, "WebhookKnowledgeUser", users, seconds, work,
                       {"BENCH_PEOPLE": str(people)})["b_knowledge"] for _ in range(repeat)]
    return {"rps": statistics.median(r["rps"] for r in runs), "rps_min": min(r["rps"] for r in runs),
            "rps_max": max(r["rps"] for r in runs), "p50": statistics.median(r["p50"] for r in runs),
            "p95": statistics.median(r["p95"] for r in runs), "failures": int(sum(r["failures"] for r in runs))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster_bench")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    missing = [name for name in ("redis-server", "nginx")
               if not (shutil.which(name) or Path(f"/usr/sbin/{name}").exists())]
    if missing:
        (RESULTS / "cluster.md").write_text(
            "## Cluster: one and two Rasa replicas on this machine\n\nNot measured: "
            f"{', '.join(missing)} missing (apt-get install redis-server nginx-light).\n", encoding="utf-8")
        print(f"cluster bench skipped: {', '.join(missing)} missing")
        return
    work = Path(tempfile.mkdtemp(prefix="cluster-bench-"))
    _url, people = bench_database(work, 200)
    cluster = start_cluster(TODAY.isoformat())
    try:
        import_records(cluster, work / "records.jsonl")
        run_locust(cluster.env, cluster.balancer_url, "WebhookKnowledgeUser", 10, 10, work)
        two = measure(cluster, cluster.balancer_url, people, args.users, args.seconds, args.repeat, work)
        one = measure(cluster, cluster.replica_url(0), people, args.users, args.seconds, args.repeat, work)
    finally:
        cluster.stop()
    result = {"users": args.users, "seconds": args.seconds, "repeat": args.repeat, "replicas": {"1": one, "2": two}}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cluster.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    lines = ["## Cluster: one and two Rasa replicas on this machine", "",
             f"Knowledge answers through the REST webhook, {args.users} users in conversations of 10 turns, "
             f"{args.seconds} s × "
             f"{args.repeat} runs (median, min–max). PostgreSQL tracker store and registry, Redis lock store, two "
             "action servers behind nginx; \"1 replica\" addresses one Rasa replica directly, \"2 replicas\" goes "
             "through nginx's round robin.", "",
             "| Rasa replicas | turns/s | p50 | p95 | failed turns |", "| --- | --- | --- | --- | --- |"]
    for count, figures in (("1", one), ("2", two)):
        lines.append(f"| {count} | {figures['rps']:.1f} ({figures['rps_min']:.1f}–{figures['rps_max']:.1f}) | "
                     f"{figures['p50']:.0f} ms | {figures['p95']:.0f} ms | {figures['failures']} |")
    lines += ["", f"Two replicas give {two['rps'] / one['rps']:.2f}× the throughput of one on these 2 cores "
              "(each replica with two Sanic workers): each Rasa turn is CPU-bound, so a second replica helps only "
              "as far as a core is free; on more cores (or more machines) replicas add throughput until the "
              "database does not keep up.", ""]
    (RESULTS / "cluster.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
