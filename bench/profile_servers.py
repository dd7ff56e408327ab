"""Where a turn's time goes: py-spy samples the Rasa and action servers while Locust sends personal answers.

Collapsed stacks (py-spy --format raw) are summarised as: the share of samples inside our code (bot/, actions/,
rules_engine/) and the functions that hold the most samples at the top of the stack.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from bench.system import Supervised

OUR_CODE = ("/bot/", "/actions/", "/rules_engine/")


def summarise_collapsed(path: Path, top: int = 8) -> dict[str, Any]:
    """Share of samples in our code, and the leaf functions with most samples."""
    total = ours = 0
    leaves: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        if any(marker in frame and "site-packages" not in frame for frame in frames for marker in OUR_CODE):
            ours += count
        leaves[frames[-1].strip()] += count
    return {"samples": total, "ours_share": ours / total if total else 0.0,
            "top": [(frame, count / total) for frame, count in leaves.most_common(top)] if total else []}


def record(pid: int, seconds: int, out: Path) -> subprocess.Popen[bytes]:
    py_spy = str(Path(sys.executable).with_name("py-spy"))
    return subprocess.Popen([py_spy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200",
                             "--format", "raw", "--output", str(out), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def profile_under_load(system: Supervised, load: threading.Thread, seconds: int, out: Path) -> dict[str, Any]:
    recorders = {name: record(system.child(name).pid, seconds, out / f"profile-{name}.txt")
                 for name in ("rasa", "actions")}
    load.start()
    for recorder in recorders.values():
        recorder.wait(timeout=seconds + 60)
    load.join()
    return {name: summarise_collapsed(out / f"profile-{name}.txt") for name in recorders
            if (out / f"profile-{name}.txt").exists()}
