"""Assemble docs/benchmarks.md from the parts `make bench` wrote under results/benchmarks/.

Each part is one Markdown fragment written by the script that measured it, so this file only adds the
machine they ran on and puts them in order.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results" / "benchmarks"
DOCS = ROOT / "docs"
PARTS = [("quality.md", "make eval"), ("load.md", "python -m bench.load_bench"),
         ("trims.md", "python -m bench.trim_steps"),
         ("cluster.md", "python -m bench.cluster_bench"), ("registry.md", "python -m bench.registry_bench"),
         ("insights.md", "python -m bench.insights_bench"), ("wechat.md", "python -m bench.wechat_bench"),
         ("engine.md", "python -m bench.engine_profile")]
PACKAGES = ("rasa", "rasa-sdk", "sanic", "SQLAlchemy", "tensorflow", "spacy", "jieba", "locust")


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine() -> list[str]:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=False).stdout.strip()
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in PACKAGES if _installed(name))
    return ["## Machine", "",
            f"- {os.cpu_count()} cores ({cpu_model()}), {psutil.virtual_memory().total / 2**30:.0f} GiB memory, "
            f"{platform.system()} {platform.release()}",
            f"- Python {platform.python_version()}; {versions}",
            f"- commit {commit or 'unknown'}, written {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}", ""]


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def main() -> None:
    lines = ["# Benchmarks", "",
             "Written by `make bench` (quality by `make eval`, which `make bench` runs first). Every figure is from "
             "this machine, in one go; where a part did not run, the line says so.", ""]
    lines += machine()
    for file_name, command in PARTS:
        part = RESULTS / file_name
        if part.exists():
            lines += [part.read_text(encoding="utf-8").rstrip(), ""]
        else:
            lines += [f"## ({file_name[:-3]})", "", f"Not measured in this run: `{command}` wrote nothing.", ""]
    DOCS.mkdir(exist_ok=True)
    (DOCS / "benchmarks.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {DOCS / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
