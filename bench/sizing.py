"""make bench's figures → the sizing table of docs/deploy.md (between its sizing markers), also printed.

    .venv/bin/python -m bench.sizing [--load results/benchmarks/load.json]
                                     [--cluster results/benchmarks/cluster.json] [--doc docs/deploy.md]

The basis is the slowest conversation turn through the REST webhook (knowledge, personal or draft) at 50
concurrent conversations in results/benchmarks/load.json: one Rasa process, which uses about one core, so
turns/s per Rasa replica. Replicas for a peak load = ceil(peak × 1.3 / turns/s per replica) (30% headroom,
linear scaling), never fewer than 2. Each Rasa replica keeps its action server, as in the measurement.
Memory per pod = the largest resident memory measured for that process × 1.3, rounded up to 64 MiB.
When results/benchmarks/cluster.json (make run-cluster measured with 1 and 2 Rasa replicas) is there,
the scaling it saw is reported under the table. Without load.json the table is a line asking for make bench.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOAD = ROOT / "results" / "benchmarks" / "load.json"
CLUSTER = ROOT / "results" / "benchmarks" / "cluster.json"
DOC = ROOT / "docs" / "deploy.md"

START = "<!-- sizing:start -->"
END = "<!-- sizing:end -->"
TARGETS = (10, 50, 100, 200)
HEADROOM = 0.30
MEASURED_USERS = "50"
MIN_REPLICAS = 2
MEMORY_STEP_MIB = 64
# A turn is a message through the REST webhook; (a) is NLU only and not a whole turn, and (d)'s rate counts only
# the confirmations, one turn in three of a draft conversation (start, phone, confirm), so it is not a turn rate.
TURN_SCENARIOS = {"b_knowledge": "knowledge answer", "c_personal": "personal answer"}
MISSING = ("No measurements yet: run make bench first (it writes results/benchmarks/load.json), "
           "then `.venv/bin/python -m bench.sizing` fills this table.")


class SizingError(ValueError):
    """load.json lacks what the table is derived from."""


@dataclass(frozen=True)
class Basis:
    turns_per_replica: float
    scenario: str
    memory_mib: dict[str, float]


def basis(load: dict[str, Any]) -> Basis:
    """The slowest whole turn at 50 conversations, and the largest resident memory seen per process."""
    scenarios = load.get("scenarios") or {}
    measured = {name: float(scenarios[name][MEASURED_USERS]["rps"]["median"]) for name in TURN_SCENARIOS
                if MEASURED_USERS in (scenarios.get(name) or {})}
    if not measured:
        raise SizingError(f"load.json has no turn scenario ({', '.join(TURN_SCENARIOS)}) at "
                          f"{MEASURED_USERS} users: run make bench (default --users 1 10 50)")
    slowest = min(measured, key=lambda name: measured[name])
    if measured[slowest] <= 0:
        raise SizingError(f"load.json: {slowest} at {MEASURED_USERS} users measured 0 turns/s")
    memory: dict[str, float] = {}
    for key in ("memory_after_warmup_mib", "memory_after_scenarios_mib"):
        for process, mib in (load.get(key) or {}).items():
            memory[process] = max(memory.get(process, 0.0), float(mib))
    return Basis(measured[slowest], slowest, memory)


def replicas_for(peak: float, per_replica: float, headroom: float = HEADROOM, minimum: int = MIN_REPLICAS) -> int:
    """ceil(peak × (1 + headroom) / per_replica), at least `minimum` (rounded first: 200 × 1.3 / 20 is 13)."""
    return max(minimum, math.ceil(round(peak * (1 + headroom) / per_replica, 6)))


def pod_memory_mib(resident_mib: float, headroom: float = HEADROOM) -> int:
    return math.ceil(round(resident_mib * (1 + headroom), 6) / MEMORY_STEP_MIB) * MEMORY_STEP_MIB


def _memory(basis_: Basis, process: str) -> str:
    mib = basis_.memory_mib.get(process)
    return f"{pod_memory_mib(mib)} Mi" if mib else "not measured"


def cluster_lines(cluster: dict[str, Any]) -> list[str]:
    replicas = cluster.get("replicas") or {}
    one, two = replicas.get("1"), replicas.get("2")
    if not one or not two:
        return ["`results/benchmarks/cluster.json` holds no measurement with both 1 and 2 Rasa replicas."]
    rps1, rps2 = float(one["rps"]), float(two["rps"])
    ratio = rps2 / rps1 if rps1 else 0.0
    lines = [f"Measured with the `make run-cluster` shape (PostgreSQL, Redis locks, nginx) at "
             f"{cluster.get('users', '?')} concurrent conversations: 1 Rasa replica {rps1:.1f} turns/s "
             f"(p50 {float(one['p50']):.0f} ms, p95 {float(one['p95']):.0f} ms, {int(one['failures'])} failed), "
             f"2 replicas {rps2:.1f} turns/s (p50 {float(two['p50']):.0f} ms, p95 {float(two['p95']):.0f} ms, "
             f"{int(two['failures'])} failed): ×{ratio:.2f} for ×2 replicas."]
    if ratio < 1.8:
        lines.append("That is below linear because both replicas, PostgreSQL, nginx and the load generator "
                     "shared the benchmark machine's cores; on Kubernetes each Rasa pod has its own core, so the "
                     "table keeps the linear assumption. Re-measure on the target cluster before relying on "
                     "the largest rows.")
    return lines


def sizing_table(load: dict[str, Any] | None, cluster: dict[str, Any] | None = None) -> str:
    if load is None:
        return MISSING
    found = basis(load)
    rate = found.turns_per_replica
    lines = ["| peak load | Rasa replicas (cores) | action-server replicas | memory per Rasa pod | "
             "memory per action-server pod |", "| --- | --- | --- | --- | --- |"]
    for peak in TARGETS:
        replicas = replicas_for(peak, rate)
        lines.append(f"| {peak} turns/s | {replicas} | {replicas} | {_memory(found, 'rasa')} | "
                     f"{_memory(found, 'actions')} |")
    lines += ["", f"Assumption: {rate:.1f} turns/s per Rasa replica, the slowest whole turn "
              f"({TURN_SCENARIOS[found.scenario]}, `{found.scenario}`) at {MEASURED_USERS} concurrent "
              f"conversations in `results/benchmarks/load.json`; one Rasa process uses about one core; scaled "
              f"linearly with {HEADROOM:.0%} headroom (replicas = ceil(peak × {1 + HEADROOM:.1f} / {rate:.1f})), "
              f"never fewer than {MIN_REPLICAS}. Each Rasa replica keeps one action server, the pairing that was "
              f"measured (the action server's own share of the CPU was not measured apart). Memory per pod = the "
              f"largest resident memory measured for that process + {HEADROOM:.0%}, rounded up to "
              f"{MEMORY_STEP_MIB} Mi; set it as both request and limit. Web server pod: "
              f"{_memory(found, 'web')}."]
    if cluster is not None:
        lines += ["", *cluster_lines(cluster)]
    return "\n".join(lines)


def write_into(doc: Path, table: str) -> None:
    """Replace what stands between the sizing markers of `doc` with `table`."""
    text = doc.read_text(encoding="utf-8")
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise SizingError(f"{doc} has no {START} … {END} markers")
    doc.write_text(f"{text[:start + len(START)]}\n{table}\n{text[end:]}", encoding="utf-8")


def _read(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    loaded = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise SizingError(f"{path} does not hold a JSON object")
    return loaded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sizing")
    parser.add_argument("--load", type=Path, default=LOAD)
    parser.add_argument("--cluster", type=Path, default=CLUSTER)
    parser.add_argument("--doc", type=Path, default=DOC)
    args = parser.parse_args(argv)
    try:
        table = sizing_table(_read(args.load), _read(args.cluster))
        write_into(args.doc, table)
    except SizingError as error:
        parser.exit(1, f"bench.sizing: {error}\n")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
