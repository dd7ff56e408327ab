"""make eval: train the candidate NLU pipelines, score each on the held-out set, write docs/nlu.md.

The chosen pipeline is config.yml; config/pipelines/*.yml are the alternatives it is compared with.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

from evaluation.held_out import Scores, evaluate, held_out_examples

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "models" / "eval"
DOCS = ROOT / "docs"
CHOSEN_MODEL = ROOT / "models" / "qianjian.tar.gz"
ALTERNATIVES = {p.stem: p for p in sorted((ROOT / "config" / "pipelines").glob("*.yml"))}
RESULTS = ROOT / "results" / "nlu"


def rasa_test_nlu(name: str, model: Path) -> dict[str, float]:
    """Rasa's own held-out evaluation (rasa test nlu): its reports and confusion matrix land in results/nlu/."""
    import json

    out = RESULTS / name
    subprocess.run([str(Path(sys.executable).with_name("rasa")), "test", "nlu", "--model", str(model),
                    "--nlu", str(ROOT / "tests" / "nlu"), "--out", str(out)], cwd=ROOT, check=True)
    intent = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    selector_path = out / "response_selection_report.json"
    selector = json.loads(selector_path.read_text(encoding="utf-8")) if selector_path.exists() else {}
    return {"intent": float(intent.get("accuracy", 0.0)), "selector": float(selector.get("accuracy", 0.0))}


def train_nlu(name: str, config: Path) -> tuple[Path, float | None]:
    model_name = name
    started = time.monotonic()
    subprocess.run([str(Path(sys.executable).with_name("rasa")), "train", "nlu", "--config", str(config),
                    "--out", str(OUT), "--fixed-model-name", model_name], cwd=ROOT, check=True)
    return OUT / f"{model_name}.tar.gz", time.monotonic() - started


def confusion_picture(scores: Scores, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = sorted({label for pair in scores.confusions for label in pair})
    if not labels:
        labels = ["(none)"]
    index = {label: i for i, label in enumerate(labels)}
    grid = [[0] * len(labels) for _ in labels]
    for (expected, got), count in scores.confusions.items():
        grid[index[expected]][index[got]] = count
    figure, axes = plt.subplots(figsize=(max(6, len(labels) * 0.5), max(5, len(labels) * 0.45)))
    axes.imshow(grid, cmap="Reds")
    axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    axes.set_xlabel("predicted")
    axes.set_ylabel("expected")
    axes.set_title("Held-out errors (expected vs predicted)")
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    DOCS.mkdir(exist_ok=True)
    rows = []
    models: dict[str, tuple[Path, float | None]] = {"chosen (config.yml)": (CHOSEN_MODEL, None)}
    for name, config in ALTERNATIVES.items():
        models[name] = train_nlu(name, config)
    chosen: Scores | None = None
    for name, (model, seconds) in models.items():
        scores = asyncio.run(evaluate(model))
        rasa_scores = rasa_test_nlu(name.split(" ")[0], model)
        rows.append((name, scores, rasa_scores, seconds))
        chosen = chosen or scores
    assert chosen is not None
    confusion_picture(chosen, DOCS / "nlu-confusion.png")
    lines = ["# NLU: pipelines compared on the held-out set", "",
             f"{len(held_out_examples())} held-out utterances (tests/nlu/held_out_*.yml), never trained on. "
             "`rasa test nlu` columns come from Rasa's own reports (results/nlu/<pipeline>/).", "",
             "| pipeline | intent accuracy | ResponseSelector accuracy | answer accuracy | rasa test nlu: intent "
             "| rasa test nlu: ResponseSelector | NLU training time |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, scores, rasa_scores, seconds in rows:
        trained = "trained by make train" if seconds is None else f"{seconds:.0f} s"
        lines.append(f"| {name} | {scores.intent_accuracy:.1%} | {scores.response_accuracy:.1%} | "
                     f"{scores.full_accuracy:.1%} | {rasa_scores['intent']:.1%} | {rasa_scores['selector']:.1%} | "
                     f"{trained} |")
    lines += ["", "Answer accuracy: the intent is right and, for a knowledge question, the FAQ topic too.", "",
              "![errors of the chosen pipeline](nlu-confusion.png)", "", "## Errors of the chosen pipeline", ""]
    lines += [f"- {e['text']} → {e['got']} (expected {e['expected']})" for e in chosen.errors] or ["- none"]
    text = (DOCS / "nlu-why.md").read_text(encoding="utf-8") if (DOCS / "nlu-why.md").exists() else ""
    (DOCS / "nlu.md").write_text("\n".join(lines) + "\n\n" + text, encoding="utf-8")
    print("\n".join(lines[:7 + len(rows)]))


if __name__ == "__main__":
    main()
