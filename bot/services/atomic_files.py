"""Writing a data file whole or not at all: readers (the action servers, `make train`) never see half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DEFAULT_MODE = 0o644


def write_atomically(path: Path, content: str) -> None:
    """Write to a new file beside `path`, flush it to disk, then rename it over `path` (keeping its mode)."""
    mode = path.stat().st_mode & 0o777 if path.exists() else DEFAULT_MODE
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
