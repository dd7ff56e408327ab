"""results/benchmarks/load.json → results/benchmarks/load.md and docs/benchmarks-latency.png."""

from __future__ import annotations

import json
from typing import Any

from bench.load_bench import RESULTS, SCENARIOS
from bench.system import ROOT

PLOT = ROOT / "docs" / "benchmarks-latency.png"
GOAL_RATIO_PERSONAL_TO_KNOWLEDGE = 1.3
GOAL_PERSONAL_P95_MS_AT_10 = 150
GOAL_KNOWLEDGE_P50_MS_AT_1 = 25
GOAL_TURNS_PER_SECOND_AT_50 = 60
GOAL_TIMES_ANCHOR_AT_50 = 2.5
GOAL_RASA_START_SECONDS = 20
GOAL_RASA_MEMORY_MIB = 600
GOAL_TRAINING_SECONDS = 90
# The same measures before issue 13 (DIET + ResponseSelector + TED, through the same page), as the issue
# reports them: the "before" column of the goals table.
BEFORE = {"training": "about 23 min", "knowledge_p50": "≈ 80 ms", "personal_p95": "0.75–1.3 s",
          "turns_50": "12 /s", "start": "≈ 60 s", "memory": "1.4 GB"}


def _spread(figure: dict[str, float], unit: str, digits: int = 0) -> str:
    return f"{figure['median']:.{digits}f} {unit} ({figure['min']:.{digits}f}–{figure['max']:.{digits}f})"


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def plot(scenarios: dict[str, dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, by_users in scenarios.items():
        users = sorted(by_users, key=int)
        label = SCENARIOS[name][1].split(":")[0]
        levels = [int(u) for u in users]
        latency.plot(levels, [by_users[u]["p50"]["median"] for u in users], marker="o", label=f"{label} p50")
        latency.plot(levels, [by_users[u]["p95"]["median"] for u in users], marker="x", linestyle="--",
                     label=f"{label} p95")
        throughput.plot(levels, [by_users[u]["rps"]["median"] for u in users], marker="o", label=label)
    latency.set(xscale="log", yscale="log", xlabel="concurrent conversations", ylabel="turn latency (ms)",
                title="Latency against concurrency")
    throughput.set(xscale="log", xlabel="concurrent conversations", ylabel="turns per second",
                   title="Throughput against concurrency")
    latency.legend(fontsize=6)
    throughput.legend(fontsize=7)
    figure.tight_layout()
    PLOT.parent.mkdir(exist_ok=True)
    figure.savefig(PLOT, dpi=110)


def write_load_report(result: dict[str, Any]) -> str:
    scenarios = {name: {str(users): figures for users, figures in by_users.items()}
                 for name, by_users in result["scenarios"].items()}
    settings = result["settings"]
    lines = ["## Turn latency and throughput (the assistant as `make run` serves it)", "",
             f"Locust, headless, on loopback; each simulated user is a browser that loads the chat page, keeps its "
             f"cookies and posts to `/api/chat`, sending its next turn as soon as the reply arrives (no think "
             f"time). A conversation lasts 10 turns (an identification counts as one), then the user starts a new "
             f"one, as people do; the anchor bot's users too. Before issue 13 a user's single conversation lasted "
             f"the whole run, which measured Rasa's history featurisation as much as a turn. "
             f"{settings['seconds']} s per run, {settings['repeat']} runs per cell: median, and min–max over the "
             f"runs in brackets. Registry: {result['records']:,} demo records on SQLite; conversations in the SQL "
             "tracker store on the same database. Locust runs on the same 2 cores as the servers.", "",
             "| scenario | users | p50 | p95 | p99 | turns/s | failed / turns |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, by_users in scenarios.items():
        for users, figures in sorted(by_users.items(), key=lambda item: int(item[0])):
            lines.append(f"| {SCENARIOS[name][1]} | {users} | {_spread(figures['p50'], 'ms')} | "
                         f"{_spread(figures['p95'], 'ms')} | {_spread(figures['p99'], 'ms')} | "
                         f"{_spread(figures['rps'], '/s', 1)} | "
                         f"{figures['failures']:.0f} / {figures['requests']:.0f} |")
    lines += ["", "![latency and throughput against concurrency](benchmarks-latency.png)", ""]
    personal, knowledge, parse = (scenarios.get(n, {}) for n in ("c_personal", "b_knowledge", "a_parse"))
    anchor = result.get("anchor") or {}
    anchor_cells = {str(users): figures for users, figures in (anchor.get("scenario") or {}).items()}
    if anchor_cells:
        lines += ["### Side by side with a bare `rasa init` bot (same run)", "",
                  f"The anchor is Rasa's starter project (`rasa init`: DIET, ResponseSelector, TED), trained in this "
                  f"run with the project's venv in {anchor.get('training_seconds', 0):.0f} s and served alone through "
                  f"Rasa's REST webhook (start-up to first answer {anchor.get('startup_seconds', 0):.1f} s, resident "
                  f"memory {anchor.get('memory_mib', 0):.0f} MiB). Ours is measured through the chat page's "
                  "`/api/chat`, which adds the web server's hop.", "",
                  "| users | anchor p50 | anchor turns/s | ours (b) p50 | ours (b) turns/s | ours (c) turns/s "
                  "| (b) turns/s ÷ anchor |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for users in sorted(anchor_cells, key=int):
            mine, theirs = knowledge.get(users), anchor_cells[users]
            own_personal = personal.get(users)
            if mine is None:
                continue
            ratio = mine["rps"]["median"] / theirs["rps"]["median"] if theirs["rps"]["median"] else 0.0
            lines.append(f"| {users} | {theirs['p50']['median']:.0f} ms | {theirs['rps']['median']:.1f} /s | "
                         f"{mine['p50']['median']:.0f} ms | {mine['rps']['median']:.1f} /s | "
                         f"{own_personal['rps']['median'] if own_personal else 0:.1f} /s | {ratio:.2f}× |")
        lines.append("")
    lines += ["### Goals (issue 13; same run)", "", "| measure | before | now | goal | verdict |",
              "| --- | --- | --- | --- | --- |"]
    trained = result.get("training_seconds")
    if trained:
        lines.append(f"| `make train` from scratch | {BEFORE['training']} | {trained:.0f} s | "
                     f"≤ {GOAL_TRAINING_SECONDS} s | {_verdict(trained <= GOAL_TRAINING_SECONDS)} |")
    if "1" in knowledge:
        p50 = knowledge["1"]["p50"]["median"]
        lines.append(f"| knowledge answer p50, 1 conversation | {BEFORE['knowledge_p50']} | {p50:.0f} ms | "
                     f"≤ {GOAL_KNOWLEDGE_P50_MS_AT_1} ms | {_verdict(p50 <= GOAL_KNOWLEDGE_P50_MS_AT_1)} |")
    if "10" in personal:
        p95 = personal["10"]["p95"]["median"]
        lines.append(f"| personal answer p95, 10 conversations | {BEFORE['personal_p95']} | {p95:.0f} ms | "
                     f"≤ {GOAL_PERSONAL_P95_MS_AT_10} ms | {_verdict(p95 <= GOAL_PERSONAL_P95_MS_AT_10)} |")
    for name in ("b_knowledge", "c_personal"):
        if "50" in scenarios.get(name, {}):
            cell = scenarios[name]["50"]
            rate = cell["rps"]["median"]
            anchor_rate = anchor_cells.get("50", {}).get("rps", {}).get("median")
            times = f", {rate / anchor_rate:.2f}× the anchor" if anchor_rate else ""
            ok = rate >= GOAL_TURNS_PER_SECOND_AT_50 and cell["all_failures"] == 0 and bool(anchor_rate) \
                and rate >= GOAL_TIMES_ANCHOR_AT_50 * anchor_rate
            lines.append(f"| {SCENARIOS[name][1]}: turns/s at 50 conversations | {BEFORE['turns_50']} | "
                         f"{rate:.1f} /s, {cell['all_failures']:.0f} errors{times} | "
                         f"≥ {GOAL_TURNS_PER_SECOND_AT_50}/s, 0 errors, ≥ {GOAL_TIMES_ANCHOR_AT_50}× the anchor | "
                         f"{_verdict(ok)} |")
    start = result["model_load_seconds"]
    lines.append(f"| Rasa start-up to first answer (killed, restarted by the supervisor, answered through /api/chat) | "
                 f"{BEFORE['start']} | {start:.1f} s | ≤ {GOAL_RASA_START_SECONDS} s | "
                 f"{_verdict(start <= GOAL_RASA_START_SECONDS)} |")
    rasa_memory = result["memory_after_scenarios_mib"]["rasa"]
    lines.append(f"| Rasa resident memory (after all scenarios) | {BEFORE['memory']} | {rasa_memory:.0f} MiB | "
                 f"≤ {GOAL_RASA_MEMORY_MIB} MB | {_verdict(rasa_memory * 1.048576 <= GOAL_RASA_MEMORY_MIB)} |")
    for users in sorted(personal, key=int):
        if users in knowledge and users in parse:
            c_b = personal[users]["p50"]["median"] / knowledge[users]["p50"]["median"]
            b_a = knowledge[users]["p50"]["median"] / parse[users]["p50"]["median"]
            goal = GOAL_RATIO_PERSONAL_TO_KNOWLEDGE
            lines.append(f"| (c)/(b) at p50, {users} users | | {c_b:.2f} | ≤ {goal} | {_verdict(c_b <= goal)} |")
            lines.append(f"| (b)/(a) at p50, {users} users | | {b_a:.2f} | (reported) | |")
    lines += ["", "### Processes", "", "| measure | value |", "| --- | --- |"]
    for name, mib in result["memory_after_warmup_mib"].items():
        after = result["memory_after_scenarios_mib"][name]
        lines.append(f"| resident memory of {name} after warm-up / after all scenarios | {mib:.0f} MiB / "
                     f"{after:.0f} MiB |")
    lines.append(f"| Rasa server start with model load (restart to first answer) | "
                 f"{result['model_load_seconds']:.1f} s |")
    lines.append(f"| whole system start (`python -m bot.ops.serve` to all three answering) | "
                 f"{result['startup_seconds']:.1f} s |")
    trained = result.get("training_seconds")
    lines.append(f"| training time of the model (`make train`, last run on this machine) | "
                 f"{f'{trained:.0f} s' if trained else 'not recorded (the model was trained before timing existed)'} |")
    for name, figures in (result.get("profile") or {}).items():
        lines += ["", f"### Where the {name} server's time goes (py-spy, personal answers, 10 conversations)", "",
                  f"{figures['samples']:,} busy samples; **{figures['ours_share']:.1%}** of them in our own code "
                  "(bot/, actions/, rules_engine/ as the innermost frame). By package: "
                  + ", ".join(f"{name} {share:.0%}" for name, share in figures.get("packages", [])) + ".",
                  "", "Innermost functions with most samples:", ""]
        lines += [f"- {share:.1%} `{frame}`" for frame, share in figures["top"]]
    soak = result.get("soak")
    if soak:
        memory = soak["memory"]
        growth = {name: memory[-1][name] - memory[min(2, len(memory) - 1)][name] for name in ("rasa", "actions")}
        lines += ["", "## Soak (reliability)", "",
                  f"{soak['users']} concurrent conversations for {soak['minutes']:g} min mixing knowledge questions, "
                  f"identification, personal answers and renewal drafts (think time 0.5–1.5 s).", "",
                  "| measure | value | goal |", "| --- | --- | --- |",
                  f"| turns | {soak['requests']:,} ({soak['rps']:.1f}/s) | |",
                  f"| failed turns | {soak['failures']} | 0 |",
                  f"| drafts confirmed in the chat / stored | {soak['confirmed']} / "
                  f"{soak['confirmed'] - len(soak['lost'])} | none lost |",
                  f"| people with two open renewal drafts | {soak['duplicated_people']} | 0 |",
                  f"| resident memory growth after the first minute: rasa / actions | {growth['rasa']:+.0f} MiB / "
                  f"{growth['actions']:+.0f} MiB | flat |"]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.md").write_text(text, encoding="utf-8")
    plot(scenarios)
    return text


if __name__ == "__main__":
    write_load_report(json.loads((RESULTS / "load.json").read_text(encoding="utf-8")))
