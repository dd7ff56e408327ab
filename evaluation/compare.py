"""make eval: score our assistant and its baselines on the held-out set, side by side.

The chosen pipeline is config.yml (the linear classifier); config/pipelines/*.yml are the alternatives it is
compared with: diet.yml is the DIET + ResponseSelector pipeline it replaced, rasa_init.yml is Baseline B, Rasa's
default pipeline, word_only.yml the linear classifier on jieba words alone. An alternative is trained into models/eval/
only when its model is missing or older than its config or a training file; otherwise it is reused.
Baseline A (BM25 over the clauses) needs no training. Writes docs/nlu.md (NLU accuracy) and
results/benchmarks/quality.md and quality.json (answer quality, evaluation/quality.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from evaluation import quality
from evaluation.doc_sections import section
from evaluation.held_out import Parsed, Scores, held_out_examples, parse_held_out, score

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "models" / "eval"
DOCS = ROOT / "docs"
CHOSEN_MODEL = ROOT / "models" / "qianjian.tar.gz"
ALTERNATIVES = {p.stem: p for p in sorted((ROOT / "config" / "pipelines").glob("*.yml"))}
RESULTS = ROOT / "results" / "nlu"
BENCHMARKS = ROOT / "results" / "benchmarks"
TRAINING_INPUTS = [ROOT / "domain.yml", ROOT / "data" / "nlu", ROOT / "data" / "jieba", ROOT / "data" / "spacy"]
LINEAR_CLASSIFIER = ROOT / "bot" / "rasa" / "nlu_classifier.py"
CHOSEN_TRAINING_SECONDS = ROOT / "models" / "qianjian.train-seconds"
REALISTIC_SECTION = "realistic"  # written by evaluation.realistic, kept when this rewrites docs/nlu.md
SHOWN_NAMES = {"chosen (config.yml)": "Our assistant (config.yml, linear)",
               "rasa_init": "Baseline B: rasa init + jieba", "diet": "DIET + ResponseSelector (before issue 13)",
               "word_only": "linear, jieba words only"}


def rasa_test_nlu(name: str, model: Path) -> dict[str, float | None]:
    """Rasa's own held-out evaluation (rasa test nlu): its reports and confusion matrix land in results/nlu/."""
    out = RESULTS / name
    subprocess.run([str(Path(sys.executable).with_name("rasa")), "test", "nlu", "--model", str(model),
                    "--nlu", str(ROOT / "tests" / "nlu"), "--out", str(out)], cwd=ROOT, check=True)
    intent = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    selector_path = out / "response_selection_report.json"
    # Rasa reports response selection only for its own ResponseSelector: none for the linear classifier.
    selector = json.loads(selector_path.read_text(encoding="utf-8")) if selector_path.exists() else None
    return {"intent": float(intent.get("accuracy", 0.0)),
            "selector": float(selector.get("accuracy", 0.0)) if selector is not None else None}


def newest_input(config: Path, inputs: list[Path] = TRAINING_INPUTS) -> float:
    """The latest modification time of the config and every training file."""
    times = [config.stat().st_mtime]
    for path in inputs:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()] if path.exists() else []
        times += [p.stat().st_mtime for p in files]
    return max(times)


def training_inputs(config: Path) -> list[Path]:
    """What a model of this pipeline is trained from: the data, and our classifier's code where it uses it."""
    uses_ours = "bot.rasa.nlu_classifier" in config.read_text(encoding="utf-8")
    return [*TRAINING_INPUTS, LINEAR_CLASSIFIER] if uses_ours else TRAINING_INPUTS


def is_fresh(model: Path, config: Path, inputs: list[Path] | None = None) -> bool:
    found = training_inputs(config) if inputs is None else inputs
    return model.exists() and model.stat().st_mtime > newest_input(config, found)


def train_nlu(name: str, config: Path) -> tuple[Path, float | None] | None:
    """The model of an alternative pipeline: reused when newer than its inputs, trained otherwise.
    The training time is kept next to the model (<name>.json), so a reused model still reports it.
    With EVAL_NO_TRAINING=1 a missing or stale model is left out (None) instead of trained."""
    model, record = OUT / f"{name}.tar.gz", OUT / f"{name}.json"
    if is_fresh(model, config):
        seconds = json.loads(record.read_text(encoding="utf-8")).get("seconds") if record.exists() else None
        print(f"{name}: reusing {model.relative_to(ROOT)} (newer than its config and training data)")
        return model, seconds
    if os.environ.get("EVAL_NO_TRAINING") == "1":
        print(f"{name}: no up-to-date model in {OUT.relative_to(ROOT)} and EVAL_NO_TRAINING=1: left out")
        return None
    started = time.monotonic()
    subprocess.run([str(Path(sys.executable).with_name("rasa")), "train", "nlu", "--config", str(config),
                    "--out", str(OUT), "--fixed-model-name", name], cwd=ROOT, check=True)
    seconds = time.monotonic() - started
    record.write_text(json.dumps({"seconds": round(seconds), "config": str(config.relative_to(ROOT))}) + "\n",
                      encoding="utf-8")
    return model, seconds


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


def quiet_rasa() -> None:
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


async def judged(name: str, model: Path, setting: quality.Setting) -> tuple[Scores, quality.Quality]:
    parsed: list[Parsed] = await parse_held_out(model)
    scores = score(parsed)
    return scores, await quality.assistant_quality(SHOWN_NAMES.get(name, name), parsed, scores, setting)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    DOCS.mkdir(exist_ok=True)
    quiet_rasa()
    rows = []
    chosen_seconds = float(CHOSEN_TRAINING_SECONDS.read_text().strip()) if CHOSEN_TRAINING_SECONDS.exists() else None
    models: dict[str, tuple[Path, float | None]] = {"chosen (config.yml)": (CHOSEN_MODEL, chosen_seconds)}
    left_out = []
    for name, config in ALTERNATIVES.items():
        found = train_nlu(name, config)
        if found is None:
            left_out.append(name)
        else:
            models[name] = found
    setting = quality.setting()
    judged_systems: dict[str, quality.Quality] = {}
    chosen: Scores | None = None
    for name, (model, seconds) in models.items():
        scores, answers = asyncio.run(judged(name, model, setting))
        answers.training_seconds = seconds
        answers.training_note = "make train, NLU and dialogue" if name.startswith("chosen") else "rasa train nlu"
        judged_systems[name] = answers
        rasa_scores = rasa_test_nlu(name.split(" ")[0], model)
        rows.append((name, scores, answers, rasa_scores, seconds))
        chosen = chosen or scores
    assert chosen is not None
    systems = [judged_systems["chosen (config.yml)"], quality.bm25_quality(setting),
               *(q for name, q in judged_systems.items() if name == "rasa_init"),
               *(q for name, q in judged_systems.items() if name not in ("chosen (config.yml)", "rasa_init"))]
    answer_quality = quality.write(systems, setting, BENCHMARKS,
                                   [SHOWN_NAMES.get(name, name) for name in left_out])
    confusion_picture(chosen, DOCS / "nlu-confusion.png")
    lines = ["# NLU: real questions, and the pipelines compared on the held-out set",
             "## Pipelines compared on the held-out set", "",
             f"{len(held_out_examples())} held-out utterances (tests/nlu/held_out_*.yml), never trained on. "
             "`rasa test nlu` columns come from Rasa's own reports (results/nlu/<pipeline>/).", "",
             "| pipeline | intent accuracy | FAQ topic accuracy | intent and topic right | answer correctness "
             "| rasa test nlu: intent | rasa test nlu: ResponseSelector | training time |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, scores, answers, rasa_scores, seconds in rows:
        trained = "not recorded" if seconds is None else f"{seconds:.0f} s" + (
            " (make train: NLU and dialogue)" if name.startswith("chosen") else "")
        selector = rasa_scores["selector"]
        lines.append(f"| {SHOWN_NAMES.get(name, name)} | {scores.intent_accuracy:.1%} | "
                     f"{scores.response_accuracy:.1%} | "
                     f"{scores.full_accuracy:.1%} | {answers.correctness:.1%} | {rasa_scores['intent'] or 0:.1%} | "
                     f"{'—' if selector is None else f'{selector:.1%}'} | {trained} |")
    lines += [f"| {SHOWN_NAMES.get(name, name)} | not evaluated: no up-to-date model and EVAL_NO_TRAINING=1 "
              "| | | | | | |" for name in left_out]
    lines += ["", "Intent and topic right: the intent is right and, for a knowledge question, the FAQ topic too. "
              "Answer correctness: the reply states the key fact and cites the right clause "
              "(results/benchmarks/quality.md, with Baseline A, the BM25 retriever).", "",
              "![errors of the chosen pipeline](nlu-confusion.png)", "", "## Errors of the chosen pipeline", ""]
    lines += [f"- {e['text']} → {e['got']} (expected {e['expected']})" for e in chosen.errors] or ["- none"]
    lines += ["", "## Replies of the chosen pipeline judged wrong", "",
              *quality.errors_markdown(judged_systems["chosen (config.yml)"])]
    text = (DOCS / "nlu-why.md").read_text(encoding="utf-8") if (DOCS / "nlu-why.md").exists() else ""
    kept = section(DOCS / "nlu.md", REALISTIC_SECTION)
    head, rest = lines[0], lines[1:]
    (DOCS / "nlu.md").write_text("\n".join([head, "", kept, *rest]) + "\n\n" + text, encoding="utf-8")
    print("\n".join(lines[:8 + len(rows)]))
    print()
    print(answer_quality)


if __name__ == "__main__":
    main()
