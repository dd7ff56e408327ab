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
CANDIDATES = {"chosen (config.yml)": ROOT / "config.yml",
              **{f"{p.stem}": p for p in sorted((ROOT / "config" / "pipelines").glob("*.yml"))}}


def train_nlu(name: str, config: Path) -> tuple[Path, float]:
    model_name = name.split(" ")[0]
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
    chosen: Scores | None = None
    for name, config in CANDIDATES.items():
        model, seconds = train_nlu(name, config)
        scores = asyncio.run(evaluate(model))
        rows.append((name, scores, seconds))
        chosen = chosen or scores
    assert chosen is not None
    confusion_picture(chosen, DOCS / "nlu-confusion.png")
    lines = ["# NLU: pipelines compared on the held-out set", "",
             f"{len(held_out_examples())} held-out utterances (tests/nlu/held_out_*.yml), never trained on.", "",
             "| pipeline | intent accuracy | ResponseSelector accuracy | answer accuracy | NLU training time |",
             "| --- | --- | --- | --- | --- |"]
    for name, scores, seconds in rows:
        lines.append(f"| {name} | {scores.intent_accuracy:.1%} | {scores.response_accuracy:.1%} | "
                     f"{scores.full_accuracy:.1%} | {seconds:.0f} s |")
    lines += ["", "Answer accuracy: the intent is right and, for a knowledge question, the FAQ topic too.", "",
              "![errors of the chosen pipeline](nlu-confusion.png)", "", "## Errors of the chosen pipeline", ""]
    lines += [f"- {e['text']} → {e['got']} (expected {e['expected']})" for e in chosen.errors] or ["- none"]
    text = (DOCS / "nlu-why.md").read_text(encoding="utf-8") if (DOCS / "nlu-why.md").exists() else ""
    (DOCS / "nlu.md").write_text("\n".join(lines) + "\n\n" + text, encoding="utf-8")
    print("\n".join(lines[:8 + len(rows)]))


if __name__ == "__main__":
    main()
