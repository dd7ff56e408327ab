"""The trade-off of when to answer: every setting of data/understanding/thresholds.yml tried on the
single-turn questions of tests/nlu/realistic/ and the held-out set, parsed once in-process.

For each setting: right (the decision's topic is expected, or a decline/clarify was), declined or
clarified, and wrong (an answer on a topic not expected), over all messages and in scope. The rule for
choosing (issue 14): the least wrong at a right rate of at least 90% in scope where one reaches it,
else the most right at the least wrong. Writes results/realistic/sweep.json and docs/nlu-tradeoff.png.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

from bot.replies.computed import AskBack, computed_answer
from bot.replies.knowledge import topics
from bot.understanding.decide import Decision, Kind, Turn, decide
from bot.understanding.lexicon import Thresholds, thresholds
from bot.understanding.parse import turn_from_message
from evaluation.realistic import NOT_ANSWERS, Case, Step, held_out_cases, load_cases
from evaluation.realistic import TODAY as REALISTIC_TODAY

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "qianjian.tar.gz"
RESULTS = ROOT / "results" / "realistic"
PICTURE = ROOT / "docs" / "nlu-tradeoff.png"
CONFIDENCES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
AGREED_CONFIDENCES = (0.05, 0.1, 0.2, 0.4)
AGREEMENTS = ("none", "terms", "retrieval", "terms_or_retrieval", "terms_and_retrieval", "first_or_terms")
RANKS = (1, 2, 3)
IN_SCOPE_GOAL = 0.90
TODAY = dt.date.fromisoformat(REALISTIC_TODAY)


def single_steps(cases: list[Case]) -> list[Step]:
    """Single-turn cases without identification: what one message alone decides."""
    return [case.steps[0] for case in cases if len(case.steps) == 1 and not case.identify and case.steps[0].expect]


async def parse_all(texts: list[str]) -> dict[str, dict[str, Any]]:
    """Every text parsed by the trained model; kept in results/realistic/parses.json until the model changes."""
    cache = RESULTS / "parses.json"
    stamp = MODEL.stat().st_mtime
    kept = json.loads(cache.read_text(encoding="utf-8")) if cache.exists() else {}
    found: dict[str, dict[str, Any]] = kept.get("parses", {}) if kept.get("model") == stamp else {}
    missing = [text for text in dict.fromkeys(texts) if text not in found]
    if missing:
        from rasa.core.agent import Agent

        agent = Agent.load(str(MODEL))
        for text in missing:
            found[text] = await agent.parse_message(text)
        RESULTS.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"model": stamp, "parses": found}, ensure_ascii=False), encoding="utf-8")
    return found


def turn_of(text: str, parse: dict[str, Any]) -> Turn:
    return turn_from_message({**parse, "text": text}, set(topics()), today=TODAY)


def answered_topics(decision: Decision) -> tuple[str, ...]:
    """The topics the reply answers: for facts typed in, the computation's (None when it asks back)."""
    if decision.kind is Kind.COMPUTED:
        result = computed_answer(decision.facts, decision.topics[0] if decision.topics else None, TODAY)
        if isinstance(result, AskBack):
            return ()
        return (result.topic,) if result is not None else decision.topics
    return decision.topics if decision.kind in (Kind.ANSWER, Kind.PERSONAL) else ()


def verdict(step: Step, topics: tuple[str, ...]) -> str:
    answered = bool(topics)
    if step.expect[0] in NOT_ANSWERS:
        return "wrong" if answered else "right"
    if not answered:
        return "declined or clarified"
    return "right" if topics[0] in step.expect else "wrong"


def score(steps: list[Step], parses: dict[str, dict[str, Any]], settings: Thresholds) -> dict[str, float]:
    counts = {"all": [0, 0, 0, 0], "in": [0, 0, 0, 0]}
    for step in steps:
        found = verdict(step, answered_topics(decide(turn_of(step.say, parses[step.say]), settings)))
        index = ("right", "declined or clarified", "wrong").index(found)
        for group in ("all", "in") if step.expect[0] not in NOT_ANSWERS else ("all",):
            counts[group][index] += 1
            counts[group][3] += 1
    return {f"{group}_{name}": counts[group][i] / counts[group][3] for group in counts
            for i, name in enumerate(("right", "honest", "wrong"))}


def settings_grid(base: Thresholds) -> list[Thresholds]:
    # The chosen second signal with a lower bar where words and retrieval both agree, then every plain setting.
    found = [dataclasses.replace(base, agreed_confidence=agreed, answer_confidence=confidence)
             for agreed in AGREED_CONFIDENCES for confidence in CONFIDENCES if agreed < confidence]
    for confidence, agreement in itertools.product(CONFIDENCES, AGREEMENTS):
        ranks = RANKS if agreement not in ("none", "terms") else (base.retrieval_rank,)
        for rank in ranks:
            plain = dataclasses.replace(base, answer_confidence=confidence, agreed_confidence=confidence)
            alone = agreement == "none"  # retrieval at a rank nothing exceeds: the classifier alone
            found.append(dataclasses.replace(plain, retrieval_rank=99 if alone else rank,
                                             agreement="retrieval" if alone else agreement))
    return found


def chosen(rows: list[dict[str, Any]]) -> dict[str, Any]:
    reaching = [r for r in rows if r["in_right"] >= IN_SCOPE_GOAL]
    if reaching:
        return min(reaching, key=lambda r: (r["all_wrong"], -r["in_right"]))
    return min(rows, key=lambda r: (round(r["all_wrong"], 3), -r["in_right"]))


def picture(rows: list[dict[str, Any]], best: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 5))
    plain = [r for r in rows if r["agreed_confidence"] >= r["answer_confidence"]]
    for agreement in sorted({r["label"] for r in plain}):
        line = sorted((r for r in plain if r["label"] == agreement), key=lambda r: r["answer_confidence"])
        axes.plot([r["all_wrong"] * 100 for r in line], [r["in_right"] * 100 for r in line], marker="o",
                  markersize=3, label=agreement)
    lower = sorted((r for r in rows if r["agreed_confidence"] < r["answer_confidence"] and r["label"] == best["label"]
                    and r["agreed_confidence"] == best["agreed_confidence"]), key=lambda r: r["answer_confidence"])
    if lower:
        axes.plot([r["all_wrong"] * 100 for r in lower], [r["in_right"] * 100 for r in lower], linestyle="--",
                  marker="x", markersize=4, color="black",
                  label=f"{best['label']}, {best['agreed_confidence']:.2f} when both agree")
    axes.scatter([best["all_wrong"] * 100], [best["in_right"] * 100], s=120, facecolors="none", edgecolors="black",
                 label="chosen")
    axes.axhline(IN_SCOPE_GOAL * 100, color="grey", linestyle=":")
    axes.set_xlabel("wrong answers, % of all messages")
    axes.set_ylabel("in scope answered right, %")
    axes.set_title("When to answer: classifier confidence × second signal")
    axes.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(PICTURE, dpi=120)


def label(settings: Thresholds) -> str:
    """The setting's curve in the picture: its second signal (the confidences are the points)."""
    if settings.retrieval_rank == 99:
        return "classifier alone"
    if settings.agreement == "terms":
        return "terms"
    if settings.agreement == "first_or_terms":
        return f"retrieval first, or terms and rank ≤ {settings.retrieval_rank}"
    return f"{settings.agreement} (rank ≤ {settings.retrieval_rank})"


def describe(row: dict[str, Any]) -> str:
    both = row["agreed_confidence"] < row["answer_confidence"]
    return (f"{row['label']}, classifier probability ≥ {row['answer_confidence']:.2f}"
            + (f" ({row['agreed_confidence']:.2f} when the words and retrieval's first topic both agree)"
               if both else ""))


def main() -> None:
    steps = single_steps(load_cases() + held_out_cases())
    parses = asyncio.run(parse_all([s.say for s in steps]))
    rows = []
    for settings in settings_grid(thresholds()):
        row = {**dataclasses.asdict(settings), "label": label(settings), **score(steps, parses, settings)}
        rows.append({**row, "description": describe(row)})
    best = chosen(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "sweep.json").write_text(json.dumps({"messages": len(steps), "chosen": best, "rows": rows},
                                                   ensure_ascii=False, indent=1), encoding="utf-8")
    picture(rows, best)
    current = score(steps, parses, thresholds())
    print(f"{len(steps)} single messages; current setting: {current}")
    print(f"chosen: {best}")


if __name__ == "__main__":
    main()
