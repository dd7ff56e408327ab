"""Where a turn's time goes: py-spy samples the Rasa and action servers while Locust sends personal answers.

Collapsed stacks (py-spy --format raw) are summarised over the busy samples (idle waits dropped): the share by
the package of the innermost frame (our code: bot/, actions/, rules_engine/), and the innermost functions.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from bench.system import Supervised

OUR_PACKAGES = {"bot", "actions", "rules_engine"}
FRAME_FILE = re.compile(r"\(([^():]+):\d+\)$")
# Where a waiting server sits: the event loop's select, an idle worker thread.
IDLE_LEAVES = ("serve (sanic/server/runners.py", "_worker (concurrent/futures/thread.py", "select (",
               "wait (threading.py")


def package_of(frame: str) -> str:
    """The top-level package of a frame's file as py-spy prints it (site-packages stripped)."""
    match = FRAME_FILE.search(frame.strip())
    if not match:
        return "other"
    path = match.group(1)
    for ours in OUR_PACKAGES:
        if f"/{ours}/" in f"/{path}" and "site-packages" not in path:
            return "ours"
    return path.split("/")[0].removesuffix(".py") if "/" in path else "python"


def summarise_collapsed(path: Path, top: int = 8) -> dict[str, Any]:
    """Busy samples only: the share by the package of the innermost frame ("ours" = bot, actions, rules_engine),
    and the innermost functions with most samples."""
    busy = 0
    packages: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        leaf = stack.split(";")[-1].strip()
        if leaf.startswith(IDLE_LEAVES):
            continue
        count = int(count_text)
        busy += count
        packages[package_of(leaf)] += count
        leaves[leaf] += count
    return {"samples": busy, "ours_share": packages["ours"] / busy if busy else 0.0,
            "packages": [(name, count / busy) for name, count in packages.most_common(6)] if busy else [],
            "top": [(frame, count / busy) for frame, count in leaves.most_common(top)] if busy else []}


def record(pid: int, seconds: int, out: Path) -> subprocess.Popen[bytes]:
    py_spy = str(Path(sys.executable).with_name("py-spy"))
    return subprocess.Popen([py_spy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200",
                             "--format", "raw", "--output", str(out)],
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
