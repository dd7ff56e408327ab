"""A generated section of a Markdown document, replaced in place by the run that measured it."""

from __future__ import annotations

import re
from pathlib import Path


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}: generated, do not edit -->", f"<!-- end of {name} -->"


def replace_section(path: Path, name: str, body: str) -> None:
    """Put `body` in the section `name` of `path`: where it was, else after the document's title."""
    start, end = _markers(name)
    block = f"{start}\n{body.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        lines = text.split("\n", 1)
        text = f"{lines[0]}\n\n{block}\n" + (lines[1] if len(lines) > 1 else "")
    path.write_text(text, encoding="utf-8")


def section(path: Path, name: str) -> str:
    """The section `name` of `path` with its markers, or "" (so a rewrite of the document can keep it)."""
    start, end = _markers(name)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    found = re.search(re.escape(start) + r".*?" + re.escape(end), text, re.S)
    return found.group(0) if found else ""
