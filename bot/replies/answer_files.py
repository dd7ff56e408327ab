"""The answer templates of ANSWERS_DIR (default data/answers), read again whenever a file changes.

Staff edit the wording at /staff/answers while the assistant runs; the actions must give the new wording on the
next turn without a retrain or a restart. Each call looks at the file (one stat and the settings' look-up: about
10 µs, a few dozen µs a turn) and returns the parsed file kept from the last read unless its modification time,
size or inode changed; an edit replaces the file atomically (a new inode), so the change is seen even within the
file system's time resolution.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import yaml

from bot.config import settings

_Stamp = tuple[int, int, int]
_read: dict[str, tuple[_Stamp, dict[str, Any]]] = {}
_lock = threading.Lock()


def answers_dir() -> Path:
    return Path(settings().answers_dir)


def answer_path(name: str) -> Path:
    """data/answers/<name> (or ANSWERS_DIR's), e.g. answer_path("knowledge.yml")."""
    return answers_dir() / name


def answer_file(name: str) -> dict[str, Any]:
    """The parsed file, as it is on disk now. Callers must not change what they get: it is shared."""
    path = os.path.join(settings().answers_dir, name)  # strings, not Paths: this runs several times a turn
    status = os.stat(path)
    stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
    kept = _read.get(path)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    with _lock, open(path, encoding="utf-8") as handle:
        parsed = dict(yaml.safe_load(handle) or {})
        _read[path] = (stamp, parsed)
    return parsed
